import { expect } from 'chai';
import fc from 'fast-check';
import {
  decodeCursor,
  encodeCursor,
  type CursorPage,
  type CursorPosition,
} from '../../../application/shared/cursor.js';
import {
  PRODUCT_KEYSETS,
  PRODUCT_SORTS,
  type CategoryRepository,
  type ProductQuery,
  type ProductRepository,
} from '../../../application/catalog/ports.js';
import { createCategory } from '../../../domain/catalog/category.js';
import { COLORS, FLOWER_TYPES, OCCASIONS, type Product } from '../../../domain/catalog/product.js';
import { FIXED_NOW, aProduct, testId } from '../../support/kit.js';

/** Fresh, empty repositories over one store (the two see the same data). */
export interface CatalogStores {
  products: ProductRepository;
  categories: CategoryRepository;
}

export interface CatalogContractOptions {
  fresh(): Promise<CatalogStores>;
  /** fast-check runs of the search property (a real database is slower than a Map). */
  readonly runs: number;
}

const CATS = ['c00000000000000000000001', 'c00000000000000000000002', 'c00000000000000000000003'];
const MISSING = 'f00000000000000000000000';

const productArb = fc.record({
  name: fc.constantFrom('Red Rose', 'Lily Love', 'Tulip Time', 'Orchid', 'Mixed Joy', 'a.b (c)*'),
  description: fc.constantFrom('fresh', 'Lovely ROSES', 'a gift', 'x+y'),
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
    // regex metacharacters must match literally
    text: fc.constantFrom(
      'rose',
      'LILY',
      'gift',
      'birthday',
      'seasonal',
      'zzz',
      '.',
      '(c)*',
      'x+y',
      ' Rose ',
    ),
    sort: fc.constantFrom(...PRODUCT_SORTS),
    page: fc.integer({ min: 1, max: 4 }),
    limit: fc.integer({ min: 1, max: 10 }),
  },
  { requiredKeys: ['sort', 'page', 'limit'] },
);

type Row = typeof productArb extends fc.Arbitrary<infer R> ? R : never;

function fromRow(r: Row): Product {
  return aProduct({
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
  });
}

/** The filters, written independently of the adapters. */
function satisfies(p: Product, q: ProductQuery): boolean {
  const text = q.text?.trim().toLowerCase();
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
      text === '' ||
      [p.name, p.description, ...p.tags, ...p.flowerTypes, ...p.occasions].some((s) =>
        s.toLowerCase().includes(text),
      ))
  );
}

/** The full order of each sort, ties ending on the id (the port's promise), written independently. */
function expectedOrder(a: Product, b: Product, sort: ProductQuery['sort']): number {
  const newest = b.createdAt.getTime() - a.createdAt.getTime();
  const id = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  switch (sort) {
    case 'price-asc':
      return a.price - b.price || newest || id;
    case 'price-desc':
      return b.price - a.price || newest || id;
    case 'newest':
      return newest || id;
    case 'rating':
      return b.ratings.average - a.ratings.average || b.ratings.count - a.ratings.count || newest || id;
    case 'popularity':
      return b.salesCount - a.salesCount || b.ratings.count - a.ratings.count || newest || id;
  }
}

/** A product with every optional field set, to prove the mapping loses nothing. */
function fullProduct(): Product {
  return aProduct({
    originalPrice: 159900,
    images: [
      {
        id: testId(),
        publicId: 'amour/roses-1',
        url: 'https://img.example/roses.jpg',
        variants: { thumbnail: 'https://img.example/t.jpg', large: 'https://img.example/l.jpg' },
        alt: 'Roses',
        isPrimary: true,
        width: 800,
        height: 600,
        format: 'jpg',
        bytes: 12345,
        uploadedAt: FIXED_NOW,
      },
      { id: testId(), url: 'https://img.example/2.jpg', isPrimary: false },
    ],
    categoryId: CATS[0]!,
    sizes: [
      { id: testId(), name: 'standard', price: 0, description: 'The usual' },
      { id: testId(), name: 'deluxe', price: 50000 },
    ],
    ratings: { average: 4.25, count: 8 },
    tags: ['gift', 'romantic'],
    isFeatured: true,
    seo: { title: 'Roses', description: 'Red roses', keywords: ['roses', 'red'] },
    careInstructions: 'Water daily',
    deliveryInfo: 'Same day',
    location: { lat: 19.076, lng: 72.8777 },
    salesCount: 7,
    updatedAt: new Date(FIXED_NOW.getTime() + 1000),
  });
}

export function productRepositoryContract(options: CatalogContractOptions): void {
  let products: ProductRepository;
  beforeEach(async () => {
    ({ products } = await options.fresh());
  });

  it('stores and answers a product field for field (every optional field, and none)', async () => {
    const full = fullProduct();
    const bare = aProduct({ images: [], sizes: [], vases: [], tags: [], occasions: [] });
    expect(await products.create(full)).to.deep.equal(full);
    await products.create(bare);
    expect(await products.findById(full.id)).to.deep.equal(full);
    expect(await products.findById(bare.id)).to.deep.equal(bare);
    expect(await products.findById(MISSING)).to.equal(null);
    let duplicate: unknown;
    try {
      await products.create(full);
    } catch (error) {
      duplicate = error;
    }
    expect(duplicate).to.be.instanceOf(Error);
  });

  it('findByIds keeps the order asked (duplicates too) and skips missing ids; all() is newest first', async () => {
    const a = await products.create(aProduct({ createdAt: new Date(FIXED_NOW.getTime() + 1) }));
    const b = await products.create(aProduct({ createdAt: new Date(FIXED_NOW.getTime() + 2) }));
    const c = await products.create(aProduct({ createdAt: new Date(FIXED_NOW.getTime() + 3) }));
    const found = await products.findByIds([c.id, MISSING, a.id, c.id]);
    expect(found.map((p) => p.id)).to.deep.equal([c.id, a.id, c.id]);
    expect(await products.findByIds([])).to.deep.equal([]);
    expect((await products.all()).map((p) => p.id)).to.deep.equal([c.id, b.id, a.id]);
  });

  it('property: search answers exactly the filtered products, in the sort order, paged, with the total', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(productArb, { maxLength: 25 }), queryArb, async (rows, query) => {
        ({ products } = await options.fresh());
        const stored: Product[] = [];
        for (const r of rows) {
          stored.push(
            await products.create(
              aProduct({
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
        const expected = stored
          .filter((p) => satisfies(p, query))
          .sort((a, b) => expectedOrder(a, b, query.sort))
          .map((p) => p.id);
        const start = (query.page - 1) * query.limit;
        const { items, total } = await products.search(query);
        expect(total).to.equal(expected.length);
        expect(items.map((p) => p.id)).to.deep.equal(expected.slice(start, start + query.limit));
      }),
      { numRuns: options.runs },
    );
  });

  it('property: walking searchAfter page by page answers every filtered product once, in the sort order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(productArb, { maxLength: 25 }),
        queryArb,
        fc.integer({ min: 1, max: 6 }),
        async (rows, query, limit) => {
          ({ products } = await options.fresh());
          const stored: Product[] = [];
          for (const r of rows) stored.push(await products.create(fromRow(r)));
          const expected = stored
            .filter((p) => satisfies(p, query))
            .sort((a, b) => expectedOrder(a, b, query.sort))
            .map((p) => p.id);
          const { page: _page, limit: _limit, ...filters } = query;
          const order = PRODUCT_KEYSETS[query.sort];
          const walked: string[] = [];
          let after: CursorPosition | null = null;
          for (let n = 0; n <= expected.length; n++) {
            const page: CursorPage<Product> = await products.searchAfter(filters, { after, limit });
            expect(page.total).to.equal(expected.length);
            expect(page.items.length).to.be.at.most(limit);
            walked.push(...page.items.map((p) => p.id));
            if (page.next === null) break;
            // Through the opaque cursor and back, as a client would carry it.
            after = decodeCursor(encodeCursor('s', page.next), 's', order).unwrap();
          }
          expect(walked).to.deep.equal(expected);
        },
      ),
      { numRuns: options.runs },
    );
  });

  it('searchAfter: inserts before the position do not shift the next page; equal keys split by id', async () => {
    const same = { price: 50000, createdAt: FIXED_NOW, ratings: { average: 4, count: 2 }, salesCount: 1 };
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await products.create(aProduct(same))).id);
    ids.sort();
    for (const sort of PRODUCT_SORTS) {
      const first = await products.searchAfter({ sort }, { after: null, limit: 5 });
      expect(
        first.items.map((p) => p.id),
        sort,
      ).to.deep.equal(ids.slice(0, 5));
      // Sorts before every product in each sort: cheaper and dearer do not both come first, so
      // one product per sort that is first in it.
      const ahead = aProduct({
        ...same,
        price: sort === 'price-asc' ? 100 : 900000,
        createdAt: new Date(FIXED_NOW.getTime() + 60_000),
        ratings: { average: 5, count: 9 },
        salesCount: 99,
      });
      await products.create(ahead);
      const second = await products.searchAfter({ sort }, { after: first.next, limit: 5 });
      expect(
        second.items.map((p) => p.id),
        sort,
      ).to.deep.equal(ids.slice(5, 10));
      const third = await products.searchAfter({ sort }, { after: second.next, limit: 5 });
      expect(
        third.items.map((p) => p.id),
        sort,
      ).to.deep.equal(ids.slice(10));
      expect(third.next).to.equal(null);
      await products.delete(ahead.id);
    }
  });

  it('search with limit 0 answers no items but the total', async () => {
    await products.create(aProduct());
    await products.create(aProduct());
    expect(await products.search({ sort: 'newest', page: 1, limit: 0 })).to.deep.equal({
      items: [],
      total: 2,
    });
  });

  it('update is optimistic, recordSale counts sales, delete removes', async () => {
    const p = await products.create(aProduct());
    const first = await products.update({ ...p, name: 'A' });
    expect(first.isOk() && first.value.version).to.equal(2);
    expect((await products.findById(p.id))!.version).to.equal(2);
    const stale = await products.update({ ...p, name: 'B' });
    expect(stale.isErr() && stale.error.code).to.equal('CONFLICT');
    await products.recordSale(p.id, 3);
    await products.recordSale(MISSING, 3);
    const now = (await products.findById(p.id))!;
    expect([now.salesCount, now.name]).to.deep.equal([3, 'A']);
    const missing = await products.update(aProduct());
    expect(missing.isErr() && missing.error.code).to.equal('PRODUCT_NOT_FOUND');
    expect(await products.delete(p.id)).to.equal(true);
    expect(await products.delete(p.id)).to.equal(false);
    expect(await products.findById(p.id)).to.equal(null);
  });

  it('update clears optional fields left out and keeps the rest exactly', async () => {
    const full = await products.create(fullProduct());
    const { originalPrice: _o, careInstructions: _c, deliveryInfo: _d, location: _l, ...rest } = full;
    const saved = await products.update({ ...rest, seo: { keywords: [] }, images: [] });
    expect(saved.isOk()).to.equal(true);
    const expected: Product = { ...rest, seo: { keywords: [] }, images: [], version: full.version + 1 };
    expect(saved.unwrap()).to.deep.equal(expected);
    expect(await products.findById(full.id)).to.deep.equal(expected);
  });

  it('findNear answers the products with a location within the radius, nearest first', async () => {
    const mumbai = { lat: 19.076, lng: 72.8777 };
    const thane = await products.create(aProduct({ location: { lat: 19.2183, lng: 72.9781 } })); // ~19 km
    const andheri = await products.create(aProduct({ location: { lat: 19.1136, lng: 72.8697 } })); // ~4 km
    await products.create(aProduct({ location: { lat: 18.5204, lng: 73.8567 } })); // Pune, ~120 km
    await products.create(aProduct()); // no location
    expect((await products.findNear(mumbai, 25)).map((p) => p.id)).to.deep.equal([andheri.id, thane.id]);
    expect((await products.findNear(mumbai, 10)).map((p) => p.id)).to.deep.equal([andheri.id]);
    expect((await products.findNear(mumbai, 150)).length).to.equal(3);
    expect(await products.findNear({ lat: 0, lng: 0 }, 25)).to.deep.equal([]);
  });
}

export function categoryRepositoryContract(options: CatalogContractOptions): void {
  let categories: CategoryRepository;
  beforeEach(async () => {
    ({ categories } = await options.fresh());
  });
  const make = (name: string, slug?: string) =>
    createCategory({ name, ...(slug ? { seo: { slug } } : {}) }, { id: testId(), now: FIXED_NOW }).unwrap();

  it('keeps names and slugs unique, case-insensitively', async () => {
    expect((await categories.create(make('Roses'))).isOk()).to.equal(true);
    const dupName = await categories.create(make('  ROSES ', 'other'));
    expect(dupName.isErr() && dupName.error).to.deep.equal({
      code: 'CATEGORY_NAME_TAKEN',
      message: 'Category name already exists',
    });
    const dupSlug = await categories.create(make('Roses!', 'Roses'));
    expect(dupSlug.isErr() && dupSlug.error).to.deep.equal({
      code: 'CATEGORY_NAME_TAKEN',
      message: 'A category with this slug already exists',
    });
    expect((await categories.findBySlug('ROSES'))?.name).to.equal('Roses');
    expect(await categories.findBySlug('nope')).to.equal(null);
    expect(await categories.list()).to.have.length(1);
  });

  it('stores and answers a category field for field', async () => {
    const full = {
      ...make('Wedding Flowers'),
      description: 'For the day',
      image: { url: 'https://img.example/w.jpg', alt: 'Wedding' },
      parentCategoryId: 'c00000000000000000000009',
      displayOrder: 3,
      seo: { title: 'Weddings', description: 'Wedding flowers', slug: 'wedding-flowers' },
    };
    const bare = make('Plain');
    expect((await categories.create(full)).unwrap()).to.deep.equal(full);
    await categories.create(bare);
    expect(await categories.findById(full.id)).to.deep.equal(full);
    expect(await categories.findById(bare.id)).to.deep.equal(bare);
    expect(await categories.findById(MISSING)).to.equal(null);
    const { description: _d, image: _i, ...cleared } = full;
    const saved = (await categories.update(cleared)).unwrap();
    expect(saved).to.deep.equal({ ...cleared, version: full.version + 1 });
    expect(await categories.findById(full.id)).to.deep.equal(saved);
    expect(await categories.delete(full.id)).to.equal(true);
    expect(await categories.delete(full.id)).to.equal(false);
  });

  it('lists by display order then name, filters active, updates optimistically', async () => {
    const b = { ...make('Bravo'), displayOrder: 1 };
    const a = { ...make('Alpha'), displayOrder: 2 };
    const c = { ...make('charlie'), displayOrder: 1, isActive: false };
    for (const x of [a, b, c]) await categories.create(x);
    expect((await categories.list()).map((x) => x.name)).to.deep.equal(['Bravo', 'charlie', 'Alpha']);
    expect((await categories.list({ activeOnly: true })).map((x) => x.name)).to.deep.equal([
      'Bravo',
      'Alpha',
    ]);
    const renamed = await categories.update({ ...a, name: 'bravo' });
    expect(renamed.isErr() && renamed.error.code).to.equal('CATEGORY_NAME_TAKEN');
    const ok = await categories.update({ ...a, name: 'Alpha 2' });
    expect(ok.isOk() && ok.value.version).to.equal(2);
    const stale = await categories.update({ ...a, name: 'Alpha 3' });
    expect(stale.isErr() && stale.error.code).to.equal('CONFLICT');
    const gone = await categories.update(make('Ghost'));
    expect(gone.isErr() && gone.error.code).to.equal('CATEGORY_NOT_FOUND');
    // its own name and slug are no clash
    const again = await categories.update({ ...ok.unwrap(), displayOrder: 9 });
    expect(again.isOk() && again.value.displayOrder).to.equal(9);
  });
}
