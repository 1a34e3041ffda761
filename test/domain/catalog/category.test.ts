import { expect } from 'chai';
import {
  applyCategoryPatch,
  buildCategoryTree,
  createCategory,
  descendantIds,
  slugify,
  wouldCreateCycle,
  type Category,
} from '../../../domain/catalog/category.js';
import { FIXED_NOW } from '../../support/kit.js';

const id = (n: number) => n.toString(16).padStart(24, '0');

function cat(n: number, parent: number | null, extra: Partial<Category> = {}): Category {
  return createCategory(
    { name: `Cat ${n}`, parentCategoryId: parent === null ? null : id(parent) },
    { id: id(n), now: FIXED_NOW },
  )
    .map((c) => ({ ...c, ...extra }))
    .unwrap();
}

describe('domain/catalog categories', () => {
  describe('slugify (compat 3)', () => {
    const cases: Array<[string, string]> = [
      ['Rose Collection', 'rose-collection'],
      ['Orchids & Plants', 'orchids-plants'],
      ['  Get  Well -- Soon!  ', 'get-well-soon'],
      ['Año Nuevo 2026', 'ao-nuevo-2026'],
      ['already-a-slug', 'already-a-slug'],
    ];
    for (const [name, slug] of cases) {
      it(`${JSON.stringify(name)} -> ${slug}`, () => expect(slugify(name)).to.equal(slug));
    }
  });

  it('creates with defaults and a derived slug; a given slug is normalised', () => {
    const c = createCategory({ name: '  Wedding Flowers ' }, { id: id(1), now: FIXED_NOW }).unwrap();
    expect(c).to.deep.include({
      name: 'Wedding Flowers',
      parentCategoryId: null,
      isActive: true,
      displayOrder: 0,
    });
    expect(c.seo.slug).to.equal('wedding-flowers');
    const given = createCategory(
      { name: 'X', seo: { slug: 'My Slug' } },
      { id: id(2), now: FIXED_NOW },
    ).unwrap();
    expect(given.seo.slug).to.equal('my-slug');
  });

  it("refuses a missing or too long name, a long description; the parent is the use case's to check", () => {
    const ctx = { id: id(1), now: FIXED_NOW };
    const err = (r: ReturnType<typeof createCategory>) => (r.isErr() ? r.error : null);
    expect(err(createCategory({}, ctx))?.message).to.equal('Category name is required');
    expect(err(createCategory({ name: 'x'.repeat(51) }, ctx))?.message).to.equal(
      'Category name cannot exceed 50 characters',
    );
    expect(createCategory({ name: ` ${'x'.repeat(50)} ` }, ctx).isOk()).to.equal(true);
    expect(err(createCategory({ name: 'ok', description: 'x'.repeat(201) }, ctx))?.code).to.equal(
      'VALIDATION_FAILED',
    );
    expect(createCategory({ name: 'ok', parentCategoryId: 'nope' }, ctx).isOk()).to.equal(true);
    expect(err(createCategory({ name: '!!!' }, ctx))?.code).to.equal('VALIDATION_FAILED');
  });

  it('keeps the slug on rename and refuses self-parenting', () => {
    const c = cat(1, null);
    const renamed = applyCategoryPatch(c, { name: 'Renamed' }, FIXED_NOW).unwrap();
    expect([renamed.name, renamed.seo.slug]).to.deep.equal(['Renamed', 'cat-1']);
    const self = applyCategoryPatch(c, { parentCategoryId: c.id }, FIXED_NOW);
    expect(self.isErr() && self.error.code).to.equal('INVALID_CATEGORY');
  });

  it('finds descendants at any depth, detects cycles and builds the tree', () => {
    const all = [cat(1, null), cat(2, 1), cat(3, 2), cat(4, null), cat(5, 1)];
    expect(descendantIds(all, id(1))).to.deep.equal([id(1), id(2), id(5), id(3)]);
    expect(descendantIds(all, id(4))).to.deep.equal([id(4)]);
    expect(wouldCreateCycle(all, id(1), id(3))).to.equal(true);
    expect(wouldCreateCycle(all, id(3), id(4))).to.equal(false);
    expect(wouldCreateCycle(all, id(3), null)).to.equal(false);
    const tree = buildCategoryTree(all);
    expect(tree.map((n) => n.category.id)).to.deep.equal([id(1), id(4)]);
    expect(tree[0]!.children.map((n) => n.category.id)).to.deep.equal([id(2), id(5)]);
    expect(tree[0]!.children[0]!.children.map((n) => n.category.id)).to.deep.equal([id(3)]);
  });
});
