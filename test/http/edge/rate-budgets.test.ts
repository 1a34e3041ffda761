import { expect } from 'chai';
import type { LightMyRequestResponse } from 'fastify';
import { budgetKindOf } from '../../../adapters/http/server.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { foreignToken } from '../identity/helpers.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';

/** One request from a given client address, with an optional bearer token. */
function from(
  t: TestApp,
  ip: string,
  method: 'GET' | 'POST',
  url: string,
  token?: string,
  body?: unknown,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    remoteAddress: ip,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body !== undefined ? { payload: body as object } : {}),
  });
}

function expectLimited(res: LightMyRequestResponse, scope: RegExp): void {
  expect(res.statusCode, res.body.slice(0, 200)).to.equal(429);
  expect(res.json()).to.include({ status: 'error', code: 'RATE_LIMITED' });
  expect(res.json().message).to.match(scope);
  const after = Number(res.headers['retry-after']);
  expect(after).to.be.greaterThan(0);
  expect(res.json().retryAfter).to.equal(after);
}

describe('http/edge: per-IP and per-user budgets of auth, search, checkout and admin routes (issue 13)', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '100000',
      RATE_LIMIT_AUTH_MAX: '100000',
      RATE_LIMIT_AUTH_IP_MAX: '100000',
      RATE_LIMIT_AUTH_USER_MAX: '3',
      RATE_LIMIT_SEARCH_IP_MAX: '3',
      RATE_LIMIT_SEARCH_USER_MAX: '2',
      RATE_LIMIT_CHECKOUT_IP_MAX: '2',
      RATE_LIMIT_CHECKOUT_USER_MAX: '100',
      RATE_LIMIT_ADMIN_IP_MAX: '100000',
      RATE_LIMIT_ADMIN_USER_MAX: '2',
    });
  });
  after(async () => {
    await t.close();
  });

  it('classifies routes by their pattern', () => {
    expect(budgetKindOf('GET', '/api/auth/me', {})).to.equal('auth');
    expect(budgetKindOf('GET', '/api/products', { search: 'rose' })).to.equal('search');
    expect(budgetKindOf('GET', '/api/products', { q: 'rose' })).to.equal('search');
    expect(budgetKindOf('GET', '/api/products', { category: 'x' })).to.equal(null);
    expect(budgetKindOf('GET', '/api/products/search/advanced', {})).to.equal('search');
    expect(budgetKindOf('GET', '/api/search/popular', {})).to.equal('search');
    expect(budgetKindOf('POST', '/api/orders', {})).to.equal('checkout');
    expect(budgetKindOf('GET', '/api/orders', {})).to.equal(null);
    expect(budgetKindOf('POST', '/api/payments/verify', {})).to.equal('checkout');
    expect(budgetKindOf('GET', '/api/admin/test', {})).to.equal('admin');
    expect(budgetKindOf('POST', '/api/products', {}, true)).to.equal('admin');
    expect(budgetKindOf('GET', '/api/administrators', {})).to.equal(null);
    expect(budgetKindOf('GET', undefined, {})).to.equal(null);
  });

  it('search: per IP, under /api and /api/api alike; other IPs and plain listings are not counted', async () => {
    const ip = '10.13.1.1';
    for (const url of [
      '/api/products?search=rose',
      '/api/api/products/search?q=lily',
      '/api/products?q=tulip',
    ]) {
      expect((await from(t, ip, 'GET', url)).statusCode, url).to.equal(200);
    }
    expectLimited(await from(t, ip, 'GET', '/api/products/search?q=rose'), /search requests from this IP/);
    expect((await from(t, ip, 'GET', '/api/products')).statusCode).to.equal(200);
    expect((await from(t, '10.13.1.2', 'GET', '/api/products?search=rose')).statusCode).to.equal(200);
  });

  it('search: per user across addresses, keyed by the verified token only', async () => {
    const rose = await registerUser(t);
    const lily = await registerUser(t);
    expect((await from(t, '10.13.2.1', 'GET', '/api/products?search=a', rose.token)).statusCode).to.equal(
      200,
    );
    expect((await from(t, '10.13.2.2', 'GET', '/api/products?search=a', rose.token)).statusCode).to.equal(
      200,
    );
    expectLimited(
      await from(t, '10.13.2.3', 'GET', '/api/products?search=a', rose.token),
      /search requests from this account/,
    );
    // another account from the same address is not affected
    expect((await from(t, '10.13.2.3', 'GET', '/api/products?search=a', lily.token)).statusCode).to.equal(
      200,
    );
    // a token naming Lily but signed with another secret spends nothing of hers
    const forged = foreignToken(lily.user._id);
    for (const ip of ['10.13.2.4', '10.13.2.5', '10.13.2.6']) {
      expect((await from(t, ip, 'GET', '/api/products?search=a', forged)).statusCode).to.equal(200);
    }
    expect((await from(t, '10.13.2.7', 'GET', '/api/products?search=a', lily.token)).statusCode).to.equal(
      200,
    );
  });

  it('search: parallel requests from one address: exactly the budget passes', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => from(t, '10.13.3.1', 'GET', '/api/products?search=rose')),
    );
    // Exactly the budget passes (the plugin's own in-process store answered every parallel caller
    // the same counter, read after all the increments: the whole burst was refused); the rest 429.
    expect(answers.filter((r) => r.statusCode === 200).length).to.equal(3);
    for (const r of answers.filter((a) => a.statusCode !== 200)) expectLimited(r, /search requests/);
  });

  it('checkout: POST /api/orders and the payment routes share one per-IP budget, bad input counted too', async () => {
    const shopper = await registerUser(t);
    const ip = '10.13.4.1';
    expect((await from(t, ip, 'POST', '/api/orders', shopper.token, {})).statusCode).to.equal(400);
    expect((await from(t, ip, 'POST', '/api/payments/verify', shopper.token, {})).statusCode).to.not.equal(
      429,
    );
    expectLimited(
      await from(t, ip, 'POST', '/api/orders', shopper.token, {}),
      /checkout requests from this IP/,
    );
    expect((await from(t, ip, 'GET', '/api/orders/my-orders', shopper.token)).statusCode).to.equal(200);
  });

  it('auth: every /api/auth route spends the per-user budget', async () => {
    const shopper = await registerUser(t);
    for (let i = 0; i < 3; i += 1) {
      expect((await from(t, `10.13.5.${i}`, 'GET', '/api/auth/me', shopper.token)).statusCode).to.equal(200);
    }
    expectLimited(
      await from(t, '10.13.5.9', 'GET', '/api/auth/me', shopper.token),
      /auth requests from this account/,
    );
  });

  it('admin: the admin area and admin-only routes elsewhere share the per-user budget', async () => {
    const admin = await loginAdmin(t);
    expect((await from(t, '10.13.6.1', 'GET', '/api/admin/test', admin)).statusCode).to.equal(200);
    // POST /api/products is admin-only outside /api/admin (refused for its empty body, but counted)
    expect((await from(t, '10.13.6.2', 'POST', '/api/products', admin, {})).statusCode).to.equal(400);
    expectLimited(
      await from(t, '10.13.6.3', 'GET', '/api/admin/test', admin),
      /admin requests from this account/,
    );
    // a public read is not an admin request
    expect((await from(t, '10.13.6.3', 'GET', '/api/products', admin)).statusCode).to.equal(200);
  });
});

describeWith(
  ['mongo', 'redis'],
  'http/edge: the budgets on Redis are shared by every instance (issue 13)',
  function () {
    // Instances share Redis keys when they share a database (redisKeyPrefix).
    this.timeout(30_000);
    let a: TestApp;
    let b: TestApp;
    // Counters outlive a run in Redis: fresh addresses each run.
    const run = Math.floor(Math.random() * 250);
    before(async () => {
      const env = {
        MONGODB_URI: mongoTestUri('rlbudgets'),
        REDIS_URL: serviceUrl('redis'),
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_MAX: '100000',
        RATE_LIMIT_AUTH_MAX: '100000',
        RATE_LIMIT_AUTH_IP_MAX: '100000',
        RATE_LIMIT_SEARCH_IP_MAX: '3',
        RATE_LIMIT_SEARCH_USER_MAX: '2',
      };
      a = await buildTestApp(env);
      b = await buildTestApp(env);
    });
    after(async () => {
      if (a) await a.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await a?.close();
      await b?.close();
    });

    it('per user across instances and addresses', async () => {
      const rose = await registerUser(a);
      const url = '/api/products?search=rose';
      expect((await from(a, `10.14.${run}.1`, 'GET', url, rose.token)).statusCode).to.equal(200);
      expect((await from(b, `10.14.${run}.2`, 'GET', url, rose.token)).statusCode).to.equal(200);
      expectLimited(
        await from(a, `10.14.${run}.3`, 'GET', url, rose.token),
        /search requests from this account/,
      );
    });

    it('per IP: parallel requests on two instances let exactly the budget through', async () => {
      const ip = `10.15.${run}.${Math.floor(Math.random() * 250)}`;
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => from(i % 2 ? a : b, ip, 'GET', '/api/products/search?q=x')),
      );
      expect(answers.filter((r) => r.statusCode === 200)).to.have.length(3);
      for (const r of answers.filter((x) => x.statusCode !== 200))
        expectLimited(r, /search requests from this IP/);
    });
  },
);
