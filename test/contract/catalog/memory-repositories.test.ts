import { expect } from 'chai';
import fc from 'fast-check';
import { PRODUCT_SORTS, type ProductQuery } from '../../../application/catalog/ports.js';
import { createCategory } from '../../../domain/catalog/category.js';
import { COLORS, FLOWER_TYPES, OCCASIONS, type Product } from '../../../domain/catalog/product.js';
import { MemoryCategoryRepository } from '../../../adapters/persistence/memory/catalog-category-repository.js';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { FIXED_NOW, makeProduct, testId } from '../../support/fixtures.js';

const CATS = ['c00000000000000000000001', 'c00000000000000000000002', 'c00000000000000000000003'];

const productArb = fc.record({
  name: fc.constantFrom('Red Rose', 'Lily Love', 'Tulip Time', 'Orchid', 'Mixed Joy'),
  description: fc.constantFrom('fresh', 'Lovely ROSES', 'a gift'),
  price: fc.integer({ min: 1, max: 20 }).map((n) => n * 10000),
  categoryId: fc.constantFrom(null, ...CATS),
  occasions: fc.subarray([...OCCASIONS]),
  flowerTypes: fc.subarray([...FLOWER_TYPES]),
  colors: fc.subarray([...COLORS]),
  stock: fc.integer({ min: 0, max: 3 }),
  isAvailable: fc.boolean(),
  isFeatured: fc.boolean(),
  isPopular: fc.boolean(),
  average: fc.integer({ min: 0, max: 5 }),
  count: fc.integer({ min: 0, max: 3 }),
  salesCount: fc.integer({ min: 0, max: 3 }),
  tags: fc.subarray(['gift', 'romantic', 'sale']),
  minutes: fc.integer({ min: 0, max: 5 }),
});

const queryArb: fc.Arbitrary<ProductQuery> = fc.record(
  {
    occasion: fc.constantFrom(...OCCASIONS),
    flowerType: fc.constantFrom(...FLOWER_TYPES),
    color: fc.constantFrom(...COLORS),
    categoryIds: fc.subarray(CATS),
    minPrice: fc.integer({ min: 0, max: 200000 }),
    maxPrice: fc.integer({ min: 0, max: 200000 }),
    inStock: fc.boolean(),
    isFeatured: fc.boolean(),
    isPopular: fc.boolean(),
    text: fc.constantFrom('rose', 'LILY', 'gift', 'birthday', 'seasonal', 'zzz'),
    sort: fc.constantFrom(...PRODUCT_SORTS),
    page: fc.integer({ min: 1, max: 4 }),
    limit: fc.integer({ min: 1, max: 10 }),
  },
  { requiredKeys: ['sort', 'page', 'limit'] },
);

/** The filters, written independently of the adapter. */
function satisfies(p: Product, q: ProductQuery): boolean {
  const text = q.text?.toLowerCase();
  return (
    (q.occasion === undefined || p.occasions.includes(q.occasion)) &&
    (q.flowerType === undefined || p.flowerTypes.includes(q.flowerType)) &&
    (q.color === undefined || p.colors.includes(q.color)) &&
    (q.categoryIds === undefined || (p.categoryId !== null && q.categoryIds.includes(p.categoryId))) &&
    (q.minPrice === undefined || p.price >= q.minPrice) &&
    (q.maxPrice === undefined || p.price <= q.maxPrice) &&
    (q.inStock === undefined || (p.inventory.isAvailable && p.inventory.stock > 0) === q.inStock) &&
    (q.isFeatured === undefined || p.isFeatured === q.isFeatured) &&
    (q.isPopular === undefined || p.isPopular === q.isPopular) &&
    (text === undefined ||
      [p.name, p.description, ...p.tags, ...p.flowerTypes, ...p.occasions].some((s) =>
        s.toLowerCase().includes(text),
      ))
  );
}

/** -1/0/1: whether `a` may come before `b` under the sort (ties: 0). */
function primaryOrder(a: Product, b: Product, sort: ProductQuery['sort']): number {
  switch (sort) {
    case 'price-asc':
      return Math.sign(a.price - b.price);
    case 'price-desc':
      return Math.sign(b.price - a.price);
    case 'newest':
      return Math.sign(b.createdAt.getTime() - a.createdAt.getTime());
    case 'rating':
      return Math.sign(b.ratings.average - a.ratings.average);
    case 'popularity':
      return Math.sign(b.salesCount - a.salesCount);
  }
}

describe('contract/catalog memory ProductRepository', () => {
  it('property: search answers exactly the filtered products, sorted as asked, paged, with the total', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(productArb, { maxLength: 25 }), queryArb, async (rows, query) => {
        const repo = new MemoryProductRepository(new MemoryDatabase());
        const stored: Product[] = [];
        for (const r of rows) {
          stored.push(
            await repo.create(
              makeProduct({
                name: r.name,
                description: r.description,
                price: r.price,
                categoryId: r.categoryId,
                occasions: r.occasions,
                flowerTypes: r.flowerTypes,
                colors: r.colors,
                inventory: { stock: r.stock, lowStockThreshold: 1, isAvailable: r.isAvailable },
                isFeatured: r.isFeatured,
                isPopular: r.isPopular,
                ratings: { average: r.average, count: r.count },
                salesCount: r.salesCount,
                tags: r.tags,
                createdAt: new Date(FIXED_NOW.getTime() + r.minutes * 60_000),
              }),
            ),
          );
        }
        const expected = stored.filter((p) => satisfies(p, query));
        const { items, total } = await repo.search(query);
        expect(total).to.equal(expected.length);
        expect(items.length).to.equal(
          Math.max(0, Math.min(query.limit, expected.length - (query.page - 1) * query.limit)),
        );
        for (const p of items) expect(satisfies(p, query)).to.equal(true);
        for (let i = 1; i < items.length; i++) {
          expect(primaryOrder(items[i - 1]!, items[i]!, query.sort)).to.be.at.most(0);
        }
        // Paging is a stable partition: all pages together are the whole ordered list.
        const all = await repo.search({ ...query, page: 1, limit: 1000 });
        const pages: string[] = [];
        for (let page = 1; page <= Math.ceil(total / query.limit); page++) {
          pages.push(...(await repo.search({ ...query, page })).items.map((p) => p.id));
        }
        expect(pages).to.deep.equal(all.items.map((p) => p.id));
      }),
      { numRuns: 150 },
    );
  });

  it('reserveStock never oversells under concurrent callers and refuses unavailable products', async () => {
    const repo = new MemoryProductRepository(new MemoryDatabase());
    const p = await repo.create(
      makeProduct({ inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true } }),
    );
    const results = await Promise.all(Array.from({ length: 12 }, () => repo.reserveStock(p.id, 1)));
    expect(results.filter(Boolean)).to.have.length(5);
    expect((await repo.findById(p.id))!.inventory.stock).to.equal(0);
    expect(await repo.reserveStock(p.id, 1)).to.equal(false);
    await repo.releaseStock(p.id, 2);
    expect((await repo.findById(p.id))!.inventory.stock).to.equal(2);
    expect(await repo.reserveStock(p.id, 3)).to.equal(false);
    expect(await repo.reserveStock(p.id, 0)).to.equal(false);
    expect(await repo.reserveStock('f00000000000000000000000', 1)).to.equal(false);
    const off = await repo.create(
      makeProduct({ inventory: { stock: 9, lowStockThreshold: 1, isAvailable: false } }),
    );
    expect(await repo.reserveStock(off.id, 1)).to.equal(false);
    expect((await repo.findById(off.id))!.inventory.stock).to.equal(9);
  });

  it('update is optimistic, stock changes bump the version, setStock and recordSale work', async () => {
    const repo = new MemoryProductRepository(new MemoryDatabase());
    const p = await repo.create(makeProduct());
    const first = await repo.update({ ...p, name: 'A' });
    expect(first.isOk() && first.value.version).to.equal(2);
    const stale = await repo.update({ ...p, name: 'B' });
    expect(stale.isErr() && stale.error.code).to.equal('CONFLICT');
    expect(await repo.reserveStock(p.id, 1)).to.equal(true);
    const afterReserve = (await repo.findById(p.id))!;
    expect(afterReserve.version).to.equal(3);
    expect(await repo.setStock(p.id, 42)).to.equal(true);
    expect(await repo.setStock(p.id, -1)).to.equal(false);
    expect(await repo.setStock('f00000000000000000000000', 1)).to.equal(false);
    await repo.recordSale(p.id, 3);
    const now = (await repo.findById(p.id))!;
    expect([now.inventory.stock, now.salesCount, now.name]).to.deep.equal([42, 3, 'A']);
    const missing = await repo.update(makeProduct());
    expect(missing.isErr() && missing.error.code).to.equal('PRODUCT_NOT_FOUND');
    expect(await repo.findByIds([p.id, 'f00000000000000000000000', p.id])).to.have.length(2);
    expect(await repo.delete(p.id)).to.equal(true);
    expect(await repo.delete(p.id)).to.equal(false);
  });
});

describe('contract/catalog memory CategoryRepository', () => {
  const make = (name: string, slug?: string) =>
    createCategory({ name, ...(slug ? { seo: { slug } } : {}) }, { id: testId(), now: FIXED_NOW }).unwrap();

  it('keeps names and slugs unique, case-insensitively', async () => {
    const repo = new MemoryCategoryRepository(new MemoryDatabase());
    expect((await repo.create(make('Roses'))).isOk()).to.equal(true);
    const dupName = await repo.create(make('  ROSES ', 'other'));
    expect(dupName.isErr() && dupName.error).to.deep.equal({
      code: 'CATEGORY_NAME_TAKEN',
      message: 'Category name already exists',
    });
    const dupSlug = await repo.create(make('Roses!', 'Roses'));
    expect(dupSlug.isErr() && dupSlug.error.code).to.equal('CATEGORY_NAME_TAKEN');
    expect((await repo.findBySlug('ROSES'))?.name).to.equal('Roses');
  });

  it('lists by display order then name, filters active, updates optimistically', async () => {
    const repo = new MemoryCategoryRepository(new MemoryDatabase());
    const b = { ...make('Bravo'), displayOrder: 1 };
    const a = { ...make('Alpha'), displayOrder: 2 };
    const c = { ...make('Charlie'), displayOrder: 1, isActive: false };
    for (const x of [a, b, c]) await repo.create(x);
    expect((await repo.list()).map((x) => x.name)).to.deep.equal(['Bravo', 'Charlie', 'Alpha']);
    expect((await repo.list({ activeOnly: true })).map((x) => x.name)).to.deep.equal(['Bravo', 'Alpha']);
    const renamed = await repo.update({ ...a, name: 'bravo' });
    expect(renamed.isErr() && renamed.error.code).to.equal('CATEGORY_NAME_TAKEN');
    const ok = await repo.update({ ...a, name: 'Alpha 2' });
    expect(ok.isOk() && ok.value.version).to.equal(2);
    const stale = await repo.update({ ...a, name: 'Alpha 3' });
    expect(stale.isErr() && stale.error.code).to.equal('CONFLICT');
  });
});
