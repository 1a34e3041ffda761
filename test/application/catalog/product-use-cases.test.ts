import { expect } from 'chai';
import type { DomainError } from '../../../domain/shared/errors.js';
import type { Result } from '../../../domain/shared/result.js';
import { aProduct } from '../../support/kit.js';
import { catalogKit } from './kit.js';

function err<T>(r: Result<T, DomainError>): DomainError {
  if (r.isOk()) throw new Error('expected an error');
  return r.error;
}

async function withCategories() {
  const k = catalogKit();
  const parent = (await k.createCategory.execute({ name: 'Bouquets' })).unwrap().category;
  const child = (
    await k.createCategory.execute({ name: 'Rose Collection', parentCategoryId: parent.id })
  ).unwrap().category;
  const other = (await k.createCategory.execute({ name: 'Plants' })).unwrap().category;
  return { k, parent, child, other };
}

describe('application/catalog product use cases', () => {
  it('CreateProduct checks the rules, then that the category exists', async () => {
    const { k, child } = await withCategories();
    const base = { name: ' Roses ', description: 'd', price: 100000, categoryId: child.id };
    expect(err(await k.create.execute({ name: 'x' })).details).to.deep.equal({
      missingFields: ['description', 'price', 'category'],
    });
    expect(err(await k.create.execute({ ...base, categoryId: 'bad' })).code).to.equal('INVALID_CATEGORY');
    expect(err(await k.create.execute({ ...base, categoryId: 'f00000000000000000000abc' }))).to.deep.equal({
      code: 'INVALID_CATEGORY',
      message: 'Invalid category ID',
    });
    expect((await k.products.all()).length).to.equal(0);
    const view = (await k.create.execute({ ...base, inventory: { stock: 4 } })).unwrap();
    expect(view.product.name).to.equal('Roses');
    expect(view.category?.id).to.equal(child.id);
    expect((await k.products.findById(view.product.id))?.inventory.stock).to.equal(4);
    expect(k.bus.published.map((e) => e.type)).to.include('catalog.product-created');
  });

  it('ListProducts filters by slug including child categories, pages and sorts', async () => {
    const { k, parent, child, other } = await withCategories();
    const a = await k.products.create(aProduct({ categoryId: parent.id, price: 300000 }));
    const b = await k.products.create(aProduct({ categoryId: child.id, price: 100000 }));
    await k.products.create(aProduct({ categoryId: other.id, price: 200000 }));
    const byParent = (await k.list.execute({ category: 'bouquets', sort: 'price-asc' })).unwrap();
    expect(byParent.items.map((v) => v.product.id)).to.deep.equal([b.id, a.id]);
    expect(byParent.total).to.equal(2);
    expect(byParent.items[0]!.category?.id).to.equal(child.id);
    const byChildId = (await k.list.execute({ category: child.id })).unwrap();
    expect(byChildId.items.map((v) => v.product.id)).to.deep.equal([b.id]);
    const unknown = (await k.list.execute({ category: 'no-such-category' })).unwrap();
    expect([unknown.items.length, unknown.total]).to.deep.equal([0, 0]);
    const paged = (await k.list.execute({ sort: 'price-desc', page: 2, limit: 2 })).unwrap();
    expect(paged.items.map((v) => v.product.price)).to.deep.equal([100000]);
    expect([paged.total, paged.page, paged.limit]).to.deep.equal([3, 2, 2]);
    const defaults = (await k.list.execute({})).unwrap();
    expect([defaults.page, defaults.limit]).to.deep.equal([1, 12]);
    expect(err(await k.list.execute({ limit: 101 })).code).to.equal('VALIDATION_FAILED');
    expect(err(await k.list.execute({ minPrice: 5, maxPrice: 1 })).code).to.equal('VALIDATION_FAILED');
  });

  it('SearchProducts maps the compat sorts (popular = by sales then review count)', async () => {
    const k = catalogKit();
    const cheap = await k.products.create(
      aProduct({ name: 'Rose A', price: 100, ratings: { average: 3, count: 9 } }),
    );
    const dear = await k.products.create(
      aProduct({ name: 'Rose B', price: 900, ratings: { average: 5, count: 1 } }),
    );
    await k.products.create(
      aProduct({
        name: 'Lily',
        description: 'white',
        tags: [],
        flowerTypes: ['lilies'],
        occasions: ['sympathy'],
      }),
    );
    const ids = async (sort: 'price' | 'price-desc' | 'rating' | 'popular') =>
      (await k.search.execute({ text: 'rose', sort })).unwrap().map((v) => v.product.id);
    expect(await ids('price')).to.deep.equal([cheap.id, dear.id]);
    expect(await ids('price-desc')).to.deep.equal([dear.id, cheap.id]);
    expect(await ids('rating')).to.deep.equal([dear.id, cheap.id]);
    expect(await ids('popular')).to.deep.equal([cheap.id, dear.id]);
  });

  it('featured, popular and suggested lists honour their limits and flags', async () => {
    const k = catalogKit();
    for (let i = 0; i < 10; i++) {
      await k.products.create(
        aProduct({ isFeatured: i % 2 === 0, isPopular: i < 9, ratings: { average: i / 2, count: i } }),
      );
    }
    const featured = (await k.featured.execute()).unwrap();
    expect(featured.length).to.equal(5);
    expect(featured.every((v) => v.product.isFeatured)).to.equal(true);
    const popular = (await k.popular.execute({ limit: 3 })).unwrap();
    expect(popular.map((v) => v.product.ratings.average)).to.deep.equal([4, 3.5, 3]);
    const suggested = (await k.suggested.execute()).unwrap();
    expect(suggested.length).to.equal(8);
    expect(suggested[0]!.suggestionScore).to.equal(10 + 5 + 8 + 3);
    expect(err(await k.suggested.execute({ limit: 0 })).code).to.equal('VALIDATION_FAILED');
  });

  it('GetProduct: 404 text and malformed ids', async () => {
    const k = catalogKit();
    expect(err(await k.get.execute({ id: 'f00000000000000000000abc' }))).to.deep.equal({
      code: 'PRODUCT_NOT_FOUND',
      message: 'Product not found',
    });
    expect(err(await k.get.execute({ id: 'xyz' })).code).to.equal('VALIDATION_FAILED');
  });

  it('UpdateProduct applies the rules to present fields and retries after a concurrent stock change', async () => {
    const { k, child } = await withCategories();
    const p = await k.products.create(aProduct({ categoryId: child.id }));
    expect(err(await k.update.execute({ id: p.id, patch: { price: 0 } })).code).to.equal('INVALID_PRICE');
    expect(
      err(await k.update.execute({ id: p.id, patch: { categoryId: 'f00000000000000000000abc' } })).code,
    ).to.equal('INVALID_CATEGORY');
    expect((await k.products.findById(p.id))?.version).to.equal(1);
    // a checkout takes stock between the admin's read and write: the write re-reads
    const originalFind = k.products.findById.bind(k.products);
    let first = true;
    k.products.findById = async (id: string) => {
      const found = await originalFind(id);
      if (first && id === p.id) {
        first = false;
        await k.stock.reserveStock(p.id, 2, 'checkout-1');
      }
      return found;
    };
    const updated = (await k.update.execute({ id: p.id, patch: { name: 'Renamed' } })).unwrap();
    expect(updated.product.name).to.equal('Renamed');
    expect(updated.product.inventory.stock).to.equal(18);
    expect(
      err(await k.update.execute({ id: 'f00000000000000000000abc', patch: { name: 'x' } })).code,
    ).to.equal('PRODUCT_NOT_FOUND');
  });

  it('BulkUpdateProducts changes nothing when the updates are invalid, counts matched and modified', async () => {
    const k = catalogKit();
    const a = await k.products.create(aProduct({ isFeatured: false }));
    const b = await k.products.create(aProduct({ isFeatured: true }));
    const before = await k.products.all();
    expect(err(await k.bulk.execute({ productIds: [a.id, b.id], updates: { price: -1 } })).code).to.equal(
      'INVALID_PRICE',
    );
    expect(
      err(await k.bulk.execute({ productIds: [a.id], updates: { inventory: { stock: -3 } } })).code,
    ).to.equal('NEGATIVE_STOCK');
    expect(err(await k.bulk.execute({ productIds: [a.id], updates: { categoryId: 'zz' } })).code).to.equal(
      'INVALID_CATEGORY',
    );
    expect(err(await k.bulk.execute({ productIds: [a.id], updates: {} })).code).to.equal('VALIDATION_FAILED');
    expect(await k.products.all()).to.deep.equal(before);
    const r = (
      await k.bulk.execute({
        productIds: [a.id, b.id, 'f00000000000000000000abc'],
        updates: { isFeatured: true },
      })
    ).unwrap();
    expect(r).to.deep.equal({ matchedCount: 2, modifiedCount: 1 });
    const r2 = (
      await k.bulk.execute({ productIds: [a.id, b.id], updates: { isPopular: true, tags: ['sale'] } })
    ).unwrap();
    expect(r2).to.deep.equal({ matchedCount: 2, modifiedCount: 2 });
    for (const p of await k.products.findByIds([a.id, b.id])) {
      expect([p.isFeatured, p.isPopular, p.tags]).to.deep.equal([true, true, ['sale']]);
    }
  });

  it('SetProductStock and DeleteProduct', async () => {
    const k = catalogKit();
    const p = await k.products.create(aProduct());
    expect((await k.setStock.execute({ productId: p.id, stock: 3 })).unwrap().inventory.stock).to.equal(3);
    expect(err(await k.setStock.execute({ productId: p.id, stock: -1 })).code).to.equal('NEGATIVE_STOCK');
    expect(err(await k.setStock.execute({ productId: 'f00000000000000000000abc', stock: 1 })).code).to.equal(
      'PRODUCT_NOT_FOUND',
    );
    expect(k.bus.published.filter((e) => e.type === 'catalog.stock-changed')).to.have.length(1);
    expect((await k.remove.execute({ id: p.id })).isOk()).to.equal(true);
    expect(err(await k.remove.execute({ id: p.id })).code).to.equal('PRODUCT_NOT_FOUND');
  });
});

describe('application/catalog category use cases', () => {
  it('lists active categories with parents, builds the tree, finds by id or slug', async () => {
    const { k, parent, child, other } = await withCategories();
    (await k.updateCategory.execute({ id: other.id, patch: { isActive: false } })).unwrap();
    const list = (await k.listCategories.execute()).unwrap();
    expect(list.map((v) => [v.category.name, v.parent?.name ?? null])).to.deep.equal([
      ['Bouquets', null],
      ['Rose Collection', 'Bouquets'],
    ]);
    const tree = (await k.tree.execute()).unwrap();
    expect(tree.map((n) => [n.category.id, n.children.map((c) => c.category.id)])).to.deep.equal([
      [parent.id, [child.id]],
    ]);
    expect((await k.getCategory.execute({ idOrSlug: 'rose-collection' })).unwrap().parent?.id).to.equal(
      parent.id,
    );
    expect((await k.getCategory.execute({ idOrSlug: child.id })).unwrap().category.name).to.equal(
      'Rose Collection',
    );
    expect(err(await k.getCategory.execute({ idOrSlug: 'nope' }))).to.deep.equal({
      code: 'CATEGORY_NOT_FOUND',
      message: 'Category not found',
    });
  });

  it('refuses duplicate names, unknown parents and cycles', async () => {
    const { k, parent, child } = await withCategories();
    expect(err(await k.createCategory.execute({ name: 'bouquets' })).code).to.equal('CATEGORY_NAME_TAKEN');
    expect(
      err(await k.createCategory.execute({ name: 'New', parentCategoryId: 'f00000000000000000000abc' })).code,
    ).to.equal('INVALID_CATEGORY');
    expect(
      err(await k.updateCategory.execute({ id: parent.id, patch: { parentCategoryId: child.id } })).code,
    ).to.equal('INVALID_CATEGORY');
  });

  it('refuses to delete a category with children or products', async () => {
    const { k, parent, child, other } = await withCategories();
    expect(err(await k.deleteCategory.execute({ id: parent.id })).code).to.equal('CATEGORY_IN_USE');
    await k.products.create(aProduct({ categoryId: child.id }));
    expect(err(await k.deleteCategory.execute({ id: child.id })).code).to.equal('CATEGORY_IN_USE');
    expect((await k.deleteCategory.execute({ id: other.id })).isOk()).to.equal(true);
    expect(err(await k.deleteCategory.execute({ id: other.id })).code).to.equal('CATEGORY_NOT_FOUND');
  });
});
