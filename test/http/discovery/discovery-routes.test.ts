import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { WISHLIST_REPOSITORY, type WishlistRepository } from '../../../application/wishlist/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct, anOrder, testId } from '../../support/kit.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

function discoverySuite(env: () => Record<string, string>): void {
  let t: TestApp;
  let products: ProductRepository;
  let orders: OrderRepository;
  let p: Product[];

  const ids = (res: { json(): { data: { products: { _id: string }[] } } }) =>
    res.json().data.products.map((x) => x._id);
  const get = (url: string, token?: string) => t.request({ method: 'GET', url, token });

  before(async () => {
    t = await buildTestApp(env());
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    orders = t.container.get<OrderRepository>(ORDER_REPOSITORY);
    // attribute-free products: only the arranged history relates them
    p = [];
    for (let i = 0; i < 4; i++) {
      p.push(
        await products.create(
          aProduct({ name: `Plain ${i}`, categoryId: null, occasions: [], flowerTypes: [], colors: [] }),
        ),
      );
    }
    const now = new Date();
    for (const lines of [
      [p[0]!.id, p[1]!.id],
      [p[1]!.id, p[0]!.id],
      [p[0]!.id, p[2]!.id],
    ]) {
      (
        await orders.create(anOrder({ userId: testId(), items: lines, status: 'delivered', now }), [])
      ).unwrap();
    }
    for (let i = 0; i < 20; i++) expect((await get(`/api/products/${p[3]!.id}`)).statusCode).to.equal(200);
  });
  after(async () => {
    if (env().MONGODB_URI) await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await t.close();
  });

  it('GET /products/:id/related: bought together first, never itself; 400 / 404', async () => {
    const res = await get(`/api/products/${p[0]!.id}/related`);
    expect(res.statusCode, res.body).to.equal(200);
    expect(ids(res)).to.deep.equal([p[1]!.id, p[2]!.id]);
    expect(res.json().count).to.equal(2);
    expect(ids(await get(`/api/api/products/${p[0]!.id}/related?limit=1`))).to.deep.equal([p[1]!.id]);
    expect(ids(await get(`/api/products/${p[3]!.id}/related`))).to.deep.equal([]);
    expect((await get(`/api/products/not-an-id/related`)).statusCode).to.equal(400);
    expect((await get(`/api/products/${testId()}/related`)).statusCode).to.equal(404);
    expect((await get(`/api/products/${p[0]!.id}/related?limit=0`)).statusCode).to.equal(400);
    expect((await get(`/api/products/${p[0]!.id}/related?x=1`)).statusCode).to.equal(400);
  });

  it('GET /products/trending: product page views and ordered units, strongest first', async () => {
    // views: p3 x20 (20); units: p0 x3 (15), p1 x2 (10), p2 x1 (5)
    const res = await get('/api/products/trending');
    expect(res.statusCode, res.body).to.equal(200);
    expect(ids(res)).to.deep.equal([p[3]!.id, p[0]!.id, p[1]!.id, p[2]!.id]);
    expect(ids(await get('/api/products/trending?limit=2'))).to.deep.equal([p[3]!.id, p[0]!.id]);
    expect((await get('/api/products/trending?limit=51')).statusCode).to.equal(400);
    expect((await get('/api/products/trending?limit[$gt]=1')).statusCode).to.equal(400);
  });

  it('GET /products/recommendations: suggested when anonymous or new; personal when signed in', async () => {
    const suggested = ids(await get('/api/products/suggested?limit=8'));
    expect(suggested).to.have.length(8);
    expect(ids(await get('/api/products/recommendations'))).to.deep.equal(suggested);
    expect(ids(await get('/api/products/recommendations', 'not-a-token'))).to.deep.equal(suggested);
    const fresh = await registerUser(t);
    expect(ids(await get('/api/products/recommendations', fresh.token))).to.deep.equal(suggested);

    const shopper = await registerUser(t);
    const cat = testId();
    const taste = {
      categoryId: cat,
      occasions: ['sympathy' as const],
      flowerTypes: ['orchids' as const],
      colors: ['purple' as const],
    };
    const favorite = await products.create(aProduct({ name: 'Fav', ...taste }));
    const alike = await products.create(aProduct({ name: 'Alike', ...taste }));
    const bought = await products.create(aProduct({ name: 'Bought', ...taste }));
    await t.container.get<WishlistRepository>(WISHLIST_REPOSITORY).add(shopper.user._id, favorite.id);
    (
      await orders.create(
        anOrder({ userId: shopper.user._id, items: [bought.id], status: 'delivered', now: new Date() }),
        [],
      )
    ).unwrap();
    const mine = ids(await get('/api/products/recommendations?limit=8', shopper.token));
    expect(mine).to.have.length(8);
    expect(mine[0]).to.equal(alike.id);
    expect(mine).to.not.include(favorite.id);
    expect(mine).to.not.include(bought.id);
    expect((await get('/api/products/recommendations?limit=abc')).statusCode).to.equal(400);
  });
}

describe('HTTP related / trending / recommendations (memory)', () => {
  discoverySuite(() => ({}));
});

describeWith(['mongo'], 'HTTP related / trending / recommendations (mongo)', () => {
  const uri = mongoTestUri('discovery_http');
  discoverySuite(() => ({ MONGODB_URI: uri }));
});
