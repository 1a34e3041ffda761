import { expect } from 'chai';
import {
  GetRecommendations,
  GetRelatedProducts,
  GetTrendingProducts,
  RecordProductView,
} from '../../../application/discovery/use-cases.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryCategoryRepository } from '../../../adapters/persistence/memory/catalog-category-repository.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryProductViews } from '../../../adapters/persistence/memory/discovery-product-views.js';
import type { WishlistRepository } from '../../../application/wishlist/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { DAY_MS } from '../../../domain/discovery/scoring.js';
import { FIXED_NOW, aProduct, anOrder, TestClock, testId, type OrderLineSpec } from '../../support/kit.js';
import type { OrderStatus } from '../../../domain/ordering/status.js';
import { ServedModel } from '../../../application/discovery/served-model.js';
import { aModel, FakeModels } from './fake-models.js';

const NOW = FIXED_NOW; // 2026-06-01T10:00Z
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

/**
 * The seeded history:
 *   A C1 birthday/roses/red   rating 4  | B C1 birthday/roses/pink rating 3
 *   C C2 anniversary/roses/red rating 2 | D C2 wedding/lilies/white rating 1, featured
 *   E C1 birthday/roses/red, OUT OF STOCK | F C3 sympathy/orchids/purple rating 0, popular
 */
async function seeded(store: FakeModels = new FakeModels()) {
  const db = new MemoryDatabase();
  const products = new MemoryProductRepository(db);
  const categories = new MemoryCategoryRepository(db);
  const orders = new MemoryOrderRepository(db);
  const views = new MemoryProductViews(db);
  const favorites = new Map<string, string[]>();
  const wishlist = { get: async (u: string) => favorites.get(u) ?? [] } as unknown as WishlistRepository;
  const clock = new TestClock(NOW);
  const model = new ServedModel(store, clock);
  const p = (o: Partial<Product>) =>
    products.create(aProduct({ isPopular: false, isFeatured: false, salesCount: 0, ...o }));
  const A = await p({
    categoryId: 'c1',
    occasions: ['birthday'],
    flowerTypes: ['roses'],
    colors: ['red'],
    ratings: { average: 4, count: 0 },
  });
  const B = await p({
    categoryId: 'c1',
    occasions: ['birthday'],
    flowerTypes: ['roses'],
    colors: ['pink'],
    ratings: { average: 3, count: 0 },
  });
  const C = await p({
    categoryId: 'c2',
    occasions: ['anniversary'],
    flowerTypes: ['roses'],
    colors: ['red'],
    ratings: { average: 2, count: 0 },
  });
  const D = await p({
    categoryId: 'c2',
    occasions: ['wedding'],
    flowerTypes: ['lilies'],
    colors: ['white'],
    ratings: { average: 1, count: 0 },
    isFeatured: true,
  });
  const E = await p({
    categoryId: 'c1',
    occasions: ['birthday'],
    flowerTypes: ['roses'],
    colors: ['red'],
    ratings: { average: 5, count: 0 },
    inventory: { stock: 0, lowStockThreshold: 5, isAvailable: true },
  });
  const F = await p({
    categoryId: 'c3',
    occasions: ['sympathy'],
    flowerTypes: ['orchids'],
    colors: ['purple'],
    ratings: { average: 0, count: 0 },
    isPopular: true,
  });
  const add = async (userId: string, items: OrderLineSpec[], status: OrderStatus, now: Date) =>
    (await orders.create(anOrder({ userId, items, status, now }), [])).unwrap();
  // bought together: A with D twice, A with E once
  await add('x1', [A.id, D.id], 'delivered', ago(30));
  await add('x2', [D.id, A.id], 'pending', ago(2));
  await add('x3', [A.id, E.id], 'delivered', ago(40));
  // trending signals
  await add('t1', [{ productId: B.id, quantity: 2 }], 'confirmed', ago(1));
  await add('t2', [{ productId: A.id, quantity: 10 }], 'delivered', ago(20)); // outside the window
  await add('t3', [C.id], 'shipped', ago(6));
  await add('t4', [{ productId: F.id, quantity: 10 }, D.id], 'cancelled', ago(0.5)); // ignored
  const record = new RecordProductView(views, clock);
  for (let i = 0; i < 3; i++) await record.execute({ productId: D.id }); // today
  for (let i = 0; i < 20; i++) await views.increment(A.id, '2026-05-29'); // 3 days ago
  for (let i = 0; i < 50; i++) await views.increment(E.id, '2026-05-31'); // out of stock
  for (let i = 0; i < 50; i++) await views.increment(F.id, '2026-05-10'); // outside the window
  return {
    ids: { A: A.id, B: B.id, C: C.id, D: D.id, E: E.id, F: F.id },
    orders,
    favorites,
    add,
    p,
    store,
    related: new GetRelatedProducts(products, categories, orders, model),
    trending: new GetTrendingProducts(products, categories, orders, views, clock, model),
    recommend: new GetRecommendations(products, categories, orders, wishlist, clock, model),
  };
}

const idsOf = (r: { isOk(): boolean; unwrap(): { product: { id: string } }[] }) =>
  r.unwrap().map((v) => v.product.id);

describe('application: discovery on a seeded history', () => {
  it('related: bought together and shared attributes, without itself or out-of-stock products', async () => {
    const s = await seeded();
    const { A, B, C, D } = s.ids;
    // D: 2 orders with A (8); B: category+occasion+flower (7); C: flower+colour (3); F: 0
    expect(idsOf(await s.related.execute({ id: A }))).to.deep.equal([D, B, C]);
    expect(idsOf(await s.related.execute({ id: A, limit: 2 }))).to.deep.equal([D, B]);
    const missing = await s.related.execute({ id: testId() });
    expect(missing.isErr() && missing.error.code).to.equal('PRODUCT_NOT_FOUND');
    const bad = await s.related.execute({ id: 'x' });
    expect(bad.isErr() && bad.error.code).to.equal('VALIDATION_FAILED');
  });

  it('trending: decayed units and views in the 14-day window, cancelled orders and out-of-stock ignored', async () => {
    const s = await seeded();
    const { A, B, C, D } = s.ids;
    // A: 20 views 2.92 days ago ~ 10.2; B: 2 units 1 day ago ~ 7.9; D: 3 views today = 3 (+ order x2 2 days ago: 5*0.63 = 3.15); C: 1 unit 6 days ago = 1.25
    expect(idsOf(await s.trending.execute({}))).to.deep.equal([A, B, D, C]);
    expect(idsOf(await s.trending.execute({ limit: 1 }))).to.deep.equal([A]);
  });

  it('recommendations: from favorites and orders, minus favorites and recent purchases, topped up by suggestions', async () => {
    const s = await seeded();
    const { A, B, C, D, F } = s.ids;
    s.favorites.set('u', [C]);
    await s.add('u', [A], 'delivered', ago(5)); // recent: excluded
    await s.add('u', [B], 'delivered', ago(60)); // long ago: may come back
    expect(idsOf(await s.recommend.execute({ userId: 'u' }))).to.deep.equal([B, D, F]);
    expect(idsOf(await s.recommend.execute({ userId: 'u', limit: 2 }))).to.deep.equal([B, D]);
    // anonymous and new users: the suggested list (popular 10, then 2 x rating, featured +5)
    expect(idsOf(await s.recommend.execute({}))).to.deep.equal([F, A, D, B, C]);
    expect(idsOf(await s.recommend.execute({ userId: 'new-user' }))).to.deep.equal([F, A, D, B, C]);
    const bad = await s.recommend.execute({ limit: 0 });
    expect(bad.isErr() && bad.error.code).to.equal('VALIDATION_FAILED');
  });
});

/** The same history served with a hand-built model whose neighbours differ from the content rules. */
async function withModel(
  build: (ids: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F', string>) => ReturnType<typeof aModel>,
) {
  const store = new FakeModels();
  const s = await seeded(store);
  await store.save(build(s.ids));
  return s;
}

describe('application: discovery served from the trained model', () => {
  it('related: the model decides (its neighbours in its order, out-of-stock and unknown skipped), topped up by the content rules', async () => {
    // content rules for A: D (bought together), B, C; the model says F, C (E out of stock, one id gone)
    const s = await withModel(({ A, C, E, F }) => aModel(1, { [A]: [E, F, testId(), C] }));
    const { A, B, C, F } = s.ids;
    expect(idsOf(await s.related.execute({ id: A, limit: 2 }))).to.deep.equal([F, C]);
    // topped up by the content rules (category / occasion / flowers / colours), without repeats
    expect(idsOf(await s.related.execute({ id: A }))).to.deep.equal([F, C, B]);
  });

  it('related, cold start: a product the model does not know gets the content rules', async () => {
    const s = await withModel(({ A, F }) => aModel(1, { [A]: [F] }));
    const { A, B, C } = s.ids;
    const G = await s.p({
      categoryId: 'c1',
      occasions: ['birthday'],
      flowerTypes: ['tulips'],
      colors: ['red'],
    });
    // G: A 3+2+1 = 6, B 3+2 = 5, C 1 (red)
    expect(idsOf(await s.related.execute({ id: G.id }))).to.deep.equal([A, B, C]);
  });

  it("recommendations: anonymous and new shoppers get the model's popular list, topped up by the suggested list", async () => {
    const s = await withModel(({ C, B, E }) => aModel(1, {}, [C, E, B]));
    const { A, B, C, D, F } = s.ids;
    // popular C, (E out of stock), B; then suggested F, A, D
    expect(idsOf(await s.recommend.execute({}))).to.deep.equal([C, B, F, A, D]);
    expect(idsOf(await s.recommend.execute({ userId: 'new-user', limit: 2 }))).to.deep.equal([C, B]);
  });

  it("recommendations: neighbours of the shopper's favourites and orders decide, minus favourites and recent purchases", async () => {
    // content taste of a rose/birthday shopper would say B first; the model says D then F for A, C for D
    const s = await withModel(({ A, B, C, D, F }) => aModel(1, { [A]: [D, F, B], [C]: [A] }, [B, C]));
    const { A, B, C, D, F } = s.ids;
    s.favorites.set('u', [C]); // neighbours of C: A (weight 2)
    await s.add('u', [A], 'delivered', ago(5)); // neighbours of A: D 3, F 2, B 1 (weight 3); A itself recent: excluded
    const got = idsOf(await s.recommend.execute({ userId: 'u', limit: 3 }));
    expect(got).to.deep.equal([D, F, B]);
    expect(got).to.not.include(A).and.not.include(C);
  });

  it('recommendations: stated favourite occasions blend in', async () => {
    const s = await withModel(({ A, B, D }) => aModel(1, { [A]: [B, D] }));
    const { A, B, C, D, F } = s.ids;
    await s.add('w', [A], 'delivered', ago(60));
    // B: 0.7 neighbours + 0.2 birthday + 0.1 price; D: 0.35 + 0.1; A: 0.2 + 0.1; then suggested (F)
    expect(idsOf(await s.recommend.execute({ userId: 'w', limit: 4 }))).to.deep.equal([B, D, A, F]);
    // a shopper who said "anniversary": C (no neighbour signal) comes in on the occasion alone
    const taste = { favoriteOccasions: ['anniversary'], priceRange: null };
    expect(idsOf(await s.recommend.execute({ userId: 'w', limit: 4, taste }))).to.deep.equal([B, D, A, C]);
  });

  it("trending: still the recency signal; the model's popularity breaks ties and fills a short list", async () => {
    const s = await withModel(({ F, C, B }) => aModel(1, {}, [F, C, B]));
    const { A, B, C, D, F } = s.ids;
    // the trending order is unchanged by a model that ranks them the other way round; F fills
    expect(idsOf(await s.trending.execute({}))).to.deep.equal([A, B, D, C, F]);
  });
});
