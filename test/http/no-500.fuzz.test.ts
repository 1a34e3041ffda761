import { expect } from 'chai';
import fc from 'fast-check';
import webpush from 'web-push';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../support/harness.js';

/**
 * "No input, however malformed, produces a 500": every API route, fed random JSON bodies, random
 * query strings, random path parameters and every kind of caller, must answer below 500.
 */
describe('fuzz: no route answers 500 to any input', function () {
  this.timeout(120_000);
  let t: TestApp;
  let tokens: string[];
  let knownIds: string[];

  before(async () => {
    // Every optional feature on: a deliberate 503 of a feature left unconfigured (PUSH_NOT_CONFIGURED) is
    // not the kind of failure this looks for.
    const vapid = webpush.generateVAPIDKeys();
    t = await buildTestApp({
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@amourflorals.example',
    });
    const shopper = await registerUser(t);
    const admin = await loginAdmin(t);
    tokens = ['', shopper.token, admin, 'not.a.token', `${shopper.token}x`];
    const products = (await t.request({ method: 'GET', url: '/api/products?limit=5' })).json().data.products;
    knownIds = products.map((p: { _id: string }) => p._id);
    const order = await t.request({
      method: 'POST',
      url: '/api/orders',
      token: shopper.token,
      body: {
        items: [{ product: knownIds[0], quantity: 1 }],
        shippingAddress: { fullName: 'F', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' },
      },
    });
    knownIds.push(order.json().data._id, order.json().data.orderNumber);
  });
  after(async () => t.close());

  it('holds for every registered route', async () => {
    const routes = t.app.registeredRoutes.filter(
      (r) =>
        r.url.startsWith('/api/') &&
        !r.url.startsWith('/api/docs') &&
        !['HEAD', 'OPTIONS'].includes(r.method),
    );
    expect(routes.length).to.be.greaterThan(60);
    const failures: string[] = [];
    const param = fc.oneof(
      fc.constantFrom(...knownIds),
      fc.stringMatching(/^[0-9a-f]{24}$/),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('in-pune', 'AF-000000000', '%', '..', '$gt', 'mock-1', '0'.repeat(500)),
    );
    const scalar = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer().map(String),
      fc.constantFrom('true', '-1', '1e999', ''),
      // issue 8: numbers at the edges and characters no text may hold
      fc.constantFrom('1e308', '-1e308', '1e+25', 'Infinity', '-Infinity', 'NaN', '1.5', '0x10'),
      fc.constantFrom('\u0000', 'a\ud800', '\u202eevil', 'javascript:alert(1)'),
    );
    const query = fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'page',
          'limit',
          'sort',
          'fields',
          'q',
          'minPrice',
          'category',
          'status',
          'startDate',
        ),
        fc.string({ maxLength: 8 }),
      ),
      fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
      { maxKeys: 4 },
    );
    const body = fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 }), fc.object({ maxDepth: 2 }));

    for (const route of routes) {
      await fc
        .assert(
          fc.asyncProperty(
            param,
            param,
            query,
            body,
            fc.constantFrom(...tokens),
            fc.boolean(),
            async (p1, p2, q, b, token, confirm) => {
              let n = 0;
              const path = route.url.replace(/:\w+/g, () => encodeURIComponent(n++ === 0 ? p1 : p2));
              const search = new URLSearchParams();
              for (const [k, v] of Object.entries(q)) for (const one of [v].flat()) search.append(k, one);
              const res = await t.app.inject({
                method: route.method as 'GET',
                url: `${path}${search.size ? `?${search}` : ''}`,
                headers: {
                  ...(token ? { authorization: `Bearer ${token}` } : {}),
                  ...(confirm ? { 'x-admin-confirmation': 'confirmed' } : {}),
                  ...(b !== undefined ? { 'content-type': 'application/json' } : {}),
                },
                ...(b !== undefined && route.method !== 'GET' ? { payload: JSON.stringify(b) } : {}),
              });
              if (res.statusCode >= 500)
                failures.push(`${route.method} ${route.url} -> ${res.statusCode} ${res.body.slice(0, 200)}`);
              return res.statusCode < 500;
            },
          ),
          { numRuns: 25, seed: 20261125, endOnFailure: true },
        )
        .catch(() => undefined); // collected below, so one report lists every failing route
    }
    expect(failures).to.deep.equal([]);
  });
});
