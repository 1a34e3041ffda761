import { expect } from 'chai';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../support/harness.js';
import { apiRoutes, fill, key, validBody, type Route, type Shopper } from './support.js';

/**
 * API5:2023 Broken Function Level Authorization. The admin functions are enumerated from the app:
 * everything under /api/admin and every route whose OpenAPI operation documents a 403 (each of
 * those is admin-only today; a route where 403 means something else would fail here first). A shopper gets 403, an anonymous caller 401,
 * and no path or method trick gets around that.
 */

interface Operation {
  readonly security?: readonly Record<string, unknown>[];
  readonly responses?: Record<string, unknown>;
}

describe('OWASP API5 function-level authorization', function () {
  this.timeout(60_000);
  let t: TestApp;
  let shopper: Shopper;
  let admin: string;
  let ops: Record<string, Operation>;
  let adminRoutes: Route[];

  before(async () => {
    t = await buildTestApp();
    shopper = await registerUser(t);
    admin = await loginAdmin(t);
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    ops = {};
    for (const [path, methods] of Object.entries<Record<string, Operation>>(doc.paths))
      for (const [method, op] of Object.entries(methods))
        ops[`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`] = op;
    // A user's token opens them (bearerAuth): the metrics route's METRICS_TOKEN is no user's.
    const userAuth = (r: Route) => ops[key(r)]?.security?.some((s) => 'bearerAuth' in s) === true;
    adminRoutes = apiRoutes(t).filter(
      (r) =>
        r.url.startsWith('/api/admin/') || (ops[key(r)]?.responses?.['403'] !== undefined && userAuth(r)),
    );
  });
  after(async () => t.close());

  const send = (r: Route, token?: string, prefix = '') =>
    t.request({
      method: r.method as 'GET',
      url: prefix + fill(r.url, {}),
      ...(token ? { token } : {}),
      // a body the route's schema accepts, so that the guard and not the validation answers
      ...(validBody(t, r) !== undefined ? { body: validBody(t, r) } : {}),
      headers: { 'x-admin-confirmation': 'confirmed' },
    });

  it('refuses a shopper with 403 on every admin function, under /api and /api/api', async () => {
    expect(adminRoutes.length).to.be.greaterThan(60);
    const wrong: string[] = [];
    for (const r of adminRoutes)
      for (const prefix of ['', '/api']) {
        const res = await send(r, shopper.token, prefix);
        if (res.statusCode !== 403) wrong.push(`${prefix}${key(r)} -> ${res.statusCode}`);
      }
    expect(wrong).to.deep.equal([]);
  });

  it('refuses an anonymous caller with 401 on every route documented as needing a bearer token', async () => {
    const needing = apiRoutes(t).filter((r) => {
      const security = ops[key(r)]?.security;
      return (
        security !== undefined &&
        security.length > 0 &&
        security.every((s) => 'bearerAuth' in s || 'apiKey' in s)
      );
    });
    expect(needing.length).to.be.greaterThan(100);
    const wrong: string[] = [];
    for (const r of needing) {
      const res = await send(r);
      if (res.statusCode !== 401) wrong.push(`${key(r)} -> ${res.statusCode}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('the admin does reach them (the probes above are not refusing everyone)', async () => {
    for (const url of [
      '/api/admin/products',
      '/api/admin/orders',
      '/api/inventory/overview',
      '/api/analytics/dashboard',
    ])
      expect((await t.request({ method: 'GET', url, token: admin })).statusCode, url).to.equal(200);
  });

  it('ignores X-HTTP-Method-Override and friends: a shopper cannot turn a read into an admin write', async () => {
    const products = (await t.request({ method: 'GET', url: '/api/products?limit=1' })).json().data.products;
    const id = products[0]._id as string;
    for (const header of ['x-http-method-override', 'x-http-method', 'x-method-override'])
      for (const method of ['GET', 'POST'] as const) {
        const res = await t.request({
          method,
          url: `/api/products/${id}`,
          token: shopper.token,
          headers: { [header]: 'DELETE' },
          ...(method === 'POST' ? { body: {} } : {}),
        });
        expect(res.statusCode, `${method} + ${header}`).to.be.oneOf([200, 404]);
      }
    expect((await t.request({ method: 'GET', url: `/api/products/${id}` })).statusCode).to.equal(200);
  });

  it('HEAD and OPTIONS do not bypass the guard: HEAD answers like GET, OPTIONS runs no handler', async () => {
    for (const url of ['/api/admin/orders', '/api/admin/activity-logs', '/api/analytics/dashboard']) {
      const head = await t.app.inject({
        method: 'HEAD',
        url,
        headers: { authorization: `Bearer ${shopper.token}` },
      });
      expect(head.statusCode, `HEAD ${url}`).to.equal(403);
      expect((await t.app.inject({ method: 'HEAD', url })).statusCode, `anonymous HEAD ${url}`).to.equal(401);
      const options = await t.app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      });
      expect(options.statusCode, `OPTIONS ${url}`).to.be.below(300);
      expect(options.body, `OPTIONS ${url} runs no handler`).to.not.include('"data"');
    }
  });

  it('path tricks (trailing slash, case, encoded and doubled slashes, dot segments) never reach an admin function for a shopper', async () => {
    const tricks = [
      '/api/admin/orders/',
      '/API/ADMIN/ORDERS',
      '/api/Admin/orders',
      '/api/admin%2Forders',
      '/api/admin/%6frders',
      '//api/admin/orders',
      '/api//admin/orders',
      '/api/products/../admin/orders',
      '/api/./admin/orders',
      '/api/admin/orders;x=1',
      '/api/admin/orders%00',
      '/api/api/admin/orders/',
      '/api/analytics/dashboard/',
      '/api/ANALYTICS/dashboard',
    ];
    const leaks: string[] = [];
    for (const url of tricks) {
      const res = await t.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${shopper.token}` },
      });
      if (res.statusCode < 400 || res.statusCode >= 500) leaks.push(`${url} -> ${res.statusCode}`);
    }
    expect(leaks).to.deep.equal([]);
  });

  it('a shopper cannot make themselves admin (role change refused, role unchanged)', async () => {
    const res = await t.request({
      method: 'PUT',
      url: `/api/admin/users/${shopper.user._id}/role`,
      token: shopper.token,
      body: { role: 'admin' },
    });
    expect(res.statusCode).to.equal(403);
    const me = (await t.request({ method: 'GET', url: '/api/auth/me', token: shopper.token })).json().data;
    expect((me.user ?? me).role).to.equal('user');
  });
});
