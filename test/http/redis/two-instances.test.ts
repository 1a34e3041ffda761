import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { STOCK_STORE, type StockStore } from '../../../application/inventory/ports.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';

async function dropAndClose(apps: TestApp[]): Promise<void> {
  const first = apps[0];
  if (first) await first.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
  for (const app of apps) await app.close();
}

/**
 * Two application instances (two containers, in this process) on the same MongoDB database and
 * the same Redis: what one changes, the other serves at once. (test/journey/two-instances runs
 * the same proof with two server processes.)
 */
describeWith(['mongo', 'redis'], 'http/redis: two instances on one MongoDB and one Redis', function () {
  this.timeout(30_000);
  let a: TestApp;
  let b: TestApp;

  before(async () => {
    const env = { MONGODB_URI: mongoTestUri('redis2'), REDIS_URL: serviceUrl('redis') };
    a = await buildTestApp(env);
    b = await buildTestApp(env);
  });
  after(async () => {
    await dropAndClose([a, b].filter(Boolean));
  });

  const detail = async (t: TestApp, id: string) =>
    (await t.request({ method: 'GET', url: `/api/products/${id}` })).json().data.product;

  it('a price change on one instance is served by the other immediately (detail, list, search)', async () => {
    const admin = await loginAdmin(a);
    const product = (await b.request({ method: 'GET', url: '/api/products?limit=1&sort=price-asc' })).json()
      .data.products[0];
    const search = `/api/products/search?q=${encodeURIComponent(product.name)}`;
    // B has cached the detail, the listing and the search.
    expect((await detail(b, product._id)).price).to.equal(product.price);
    await b.request({ method: 'GET', url: search });
    const newPrice = product.price + 77;
    const put = await a.request({
      method: 'PUT',
      url: `/api/admin/products/${product._id}`,
      token: admin,
      body: { price: newPrice },
    });
    expect(put.statusCode).to.equal(200);
    expect((await detail(b, product._id)).price).to.equal(newPrice);
    const list = (await b.request({ method: 'GET', url: '/api/products?limit=100&sort=price-asc' })).json()
      .data.products;
    expect(list.find((p: { _id: string }) => p._id === product._id).price).to.equal(newPrice);
    const found = (await b.request({ method: 'GET', url: search })).json().data.products;
    expect(found.find((p: { _id: string }) => p._id === product._id).price).to.equal(newPrice);
  });

  it('a stock change without an event (as an order makes) on one is seen by the other: inStock', async () => {
    const id = (await b.request({ method: 'GET', url: '/api/products?limit=1' })).json().data.products[0]._id;
    expect((await detail(b, id)).inStock).to.equal(true);
    expect(await a.container.get<StockStore>(STOCK_STORE).setStock(id, 0)).to.equal(true);
    const seen = await detail(b, id);
    expect(seen.inventory.stock).to.equal(0);
    expect(seen.inStock).to.equal(false);
  });

  it('a logout on one instance is honoured by the other', async () => {
    const { token } = await registerUser(a);
    expect((await b.request({ method: 'GET', url: '/api/auth/me', token })).statusCode).to.equal(200);
    expect((await a.request({ method: 'POST', url: '/api/auth/logout', token })).statusCode).to.equal(200);
    expect((await b.request({ method: 'GET', url: '/api/auth/me', token })).statusCode).to.equal(401);
  });
});

describeWith(['mongo', 'redis'], 'http/redis: rate limits shared by two instances', function () {
  this.timeout(30_000);
  let a: TestApp;
  let b: TestApp;

  before(async () => {
    const env = {
      MONGODB_URI: mongoTestUri('redisrl'),
      REDIS_URL: serviceUrl('redis'),
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '6',
      RATE_LIMIT_AUTH_MAX: '3',
      RATE_LIMIT_FAILED_AUTH_MAX: '2',
    };
    a = await buildTestApp(env);
    b = await buildTestApp(env);
  });
  after(async () => {
    await dropAndClose([a, b].filter(Boolean));
  });

  it('one per-IP budget across both instances', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      codes.push((await (i % 2 ? a : b).request({ method: 'GET', url: '/api/categories' })).statusCode);
    }
    expect(codes).to.deep.equal([200, 200, 200, 200, 200, 200, 429, 429]);
  });

  it('one auth budget across the four auth routes and both instances; one failed-auth budget too', async () => {
    const from = (t: TestApp, ip: string, method: 'GET' | 'POST', url: string, extra: object = {}) =>
      t.app.inject({ method, url, remoteAddress: ip, ...extra });
    const ip = '10.9.0.1';
    const codes = [
      (await from(a, ip, 'POST', '/api/auth/login', { payload: { email: 'a@b.co', password: 'x' } }))
        .statusCode,
      (await from(b, ip, 'POST', '/api/auth/forgotpassword', { payload: { email: 'a@b.co' } })).statusCode,
      (
        await from(a, ip, 'POST', '/api/auth/register', {
          payload: { fullName: 'A', email: 'x', password: 'y' },
        })
      ).statusCode,
    ];
    expect(codes).not.to.include(429);
    const limited = await from(b, ip, 'POST', '/api/auth/login', {
      payload: { email: 'a@b.co', password: 'x' },
    });
    expect(limited.statusCode).to.equal(429);
    expect(Number(limited.headers['retry-after'])).to.be.greaterThan(0);

    const bad = { headers: { authorization: 'Bearer x.y.z' } };
    const ip2 = '10.9.0.2';
    expect((await from(a, ip2, 'GET', '/api/auth/me', bad)).statusCode).to.equal(401);
    expect((await from(b, ip2, 'GET', '/api/wishlist', bad)).statusCode).to.equal(401);
    expect((await from(a, ip2, 'GET', '/api/auth/me', bad)).statusCode).to.equal(429);
  });
});
