import { expect } from 'chai';
import { AUDIT_LOG, type AuditEntry, type AuditLog } from '../../../application/identity/ports.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { BATCH_MAX_REQUESTS } from '../../../adapters/http/batch/routes.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct } from '../../support/kit.js';
import { signRequest } from '../../support/signing.js';

interface Item {
  id?: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: unknown;
}
interface SubAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function batch(t: TestApp, requests: Item[], options: { token?: string; stopOnError?: boolean } = {}) {
  const res = await t.request({
    method: 'POST',
    url: '/api/batch',
    ...(options.token !== undefined ? { token: options.token } : {}),
    body: { requests, ...(options.stopOnError !== undefined ? { stopOnError: options.stopOnError } : {}) },
  });
  return { res, items: (res.statusCode === 200 ? res.json().data.responses : []) as SubAnswer[] };
}

describe('http/batch: POST /api/batch', () => {
  let t: TestApp;
  let shopper: { token: string; user: { _id: string } };
  let admin: string;
  let productId: string;

  before(async () => {
    t = await buildTestApp();
    shopper = await registerUser(t);
    admin = await loginAdmin(t);
    const product = aProduct({ inventory: { stock: 100, lowStockThreshold: 1, isAvailable: true } });
    await t.container.get<ProductRepository>(PRODUCT_REPOSITORY).create(product);
    productId = product.id;
  });
  after(async () => t.close());

  it('runs mixed GETs and POSTs in order with the caller’s token, echoing ids and statuses', async () => {
    const { res, items } = await batch(
      t,
      [
        { id: 'me', method: 'GET', path: '/api/auth/me' },
        { id: 'add', method: 'POST', path: '/api/cart', body: { productId, quantity: 2 } },
        { method: 'GET', path: '/api/cart' },
        { id: 'one', method: 'GET', path: `/api/products/${productId}` },
      ],
      { token: shopper.token },
    );
    expect(res.statusCode, res.body).to.equal(200);
    expect(items.map((i) => i.id)).to.deep.equal(['me', 'add', '2', 'one']);
    expect(items[0]!.status).to.equal(200);
    expect(items[0]!.body.user._id).to.equal(shopper.user._id);
    expect(items[1]!.status, JSON.stringify(items[1])).to.be.oneOf([200, 201]);
    // the GET after the POST sees its effect: sequential, in order
    expect(items[2]!.status).to.equal(200);
    const lines = items[2]!.body.data.cart.items as { quantity: number }[];
    expect(lines.map((l) => l.quantity)).to.deep.equal([2]);
    expect(items[3]!.body.data.product._id).to.equal(productId);
    expect(items[3]!.headers['content-type']).to.match(/^application\/json/);
  });

  it('is served under /api/api too, and takes query objects beside the path', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/api/batch',
      body: { requests: [{ method: 'GET', path: '/api/api/products', query: { limit: '1' } }] },
    });
    expect(res.statusCode, res.body).to.equal(200);
    const [item] = res.json().data.responses as SubAnswer[];
    expect(item!.status).to.equal(200);
    expect(item!.body.data.products).to.have.length(1);
  });

  it('answers a sub-request’s 404 in its item while the others succeed', async () => {
    const { res, items } = await batch(t, [
      { method: 'GET', path: `/api/products/${productId}` },
      { method: 'GET', path: '/api/products/0123456789abcdef01234567' },
      { method: 'GET', path: '/api/no-such-route' },
      { method: 'GET', path: '/api/categories' },
    ]);
    expect(res.statusCode).to.equal(200);
    expect(items.map((i) => i.status)).to.deep.equal([200, 404, 404, 200]);
    expect(items[2]!.body.code).to.equal('ROUTE_NOT_FOUND');
  });

  it(`refuses more than ${BATCH_MAX_REQUESTS} requests, and none, with a 400 naming the field`, async () => {
    const one: Item = { method: 'GET', path: '/api/categories' };
    const over = await batch(
      t,
      Array.from({ length: BATCH_MAX_REQUESTS + 1 }, () => one),
    );
    expect(over.res.statusCode).to.equal(400);
    expect(over.res.json().errors.map((e: { field: string }) => e.field)).to.include('body.requests');
    const none = await batch(t, []);
    expect(none.res.statusCode).to.equal(400);
    expect(none.res.json().errors.map((e: { field: string }) => e.field)).to.include('body.requests');
    const full = await batch(
      t,
      Array.from({ length: BATCH_MAX_REQUESTS }, () => one),
    );
    expect(full.res.statusCode).to.equal(200);
    expect(full.items).to.have.length(BATCH_MAX_REQUESTS);
  });

  it('refuses bad items with a 400 naming the field: method, path outside /api, own credentials', async () => {
    const cases: [Item, string][] = [
      [{ method: 'HEAD' as 'GET', path: '/api/categories' }, 'body.requests.0.method'],
      [{ method: 'GET', path: '/admin/' }, 'body.requests.0.path'],
      [{ method: 'GET', path: 'http://evil.example/api/x' }, 'body.requests.0.path'],
      [
        { method: 'GET', path: '/api/auth/me', headers: { Authorization: `Bearer ${admin}` } },
        'body.requests.0.headers.authorization',
      ],
      [
        { method: 'GET', path: '/api/auth/me', headers: { 'x-api-key': 'af_live_x' } },
        'body.requests.0.headers.x-api-key',
      ],
    ];
    for (const [item, field] of cases) {
      const { res } = await batch(t, [item], { token: shopper.token });
      expect(res.statusCode, JSON.stringify(item)).to.equal(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).to.include(field);
    }
  });

  it('refuses a nested batch, under either prefix, per item', async () => {
    const nested = { requests: [{ method: 'GET', path: '/api/categories' }] };
    const { items } = await batch(t, [
      { method: 'POST', path: '/api/batch', body: nested },
      { method: 'POST', path: '/api/api/batch', body: nested },
      { method: 'POST', path: '/api/batch/', body: nested },
      { method: 'GET', path: '/api/categories' },
    ]);
    expect(items.map((i) => i.status)).to.deep.equal([400, 400, 400, 200]);
    for (const item of items.slice(0, 3)) expect(item.body.code).to.equal('BATCH_REQUEST_NOT_ALLOWED');
  });

  it('refuses uploads, realtime channels, file exports and the API docs per item; JSON reads of the same routes run', async () => {
    const { items } = await batch(
      t,
      [
        { method: 'POST', path: `/api/admin/products/${productId}/images/upload` },
        { method: 'GET', path: '/api/realtime/stock-updates' },
        { method: 'GET', path: '/api/admin/audit-logs/export' },
        { method: 'GET', path: '/api/inventory/report', query: { format: 'csv' } },
        { method: 'GET', path: '/api/inventory/report?format=csv' },
        { method: 'GET', path: '/api/openapi.json' },
        { method: 'GET', path: '/api/inventory/report' },
        { method: 'GET', path: '/api/inventory/report', query: { format: 'json' } },
      ],
      { token: admin },
    );
    expect(items.map((i) => i.status)).to.deep.equal([400, 400, 400, 400, 400, 400, 200, 200]);
    for (const item of items.slice(0, 6)) expect(item.body.code).to.equal('BATCH_REQUEST_NOT_ALLOWED');
  });

  it('an anonymous batch cannot reach an authenticated route', async () => {
    const { items } = await batch(t, [
      { method: 'GET', path: '/api/auth/me' },
      { method: 'GET', path: '/api/orders/my-orders' },
      { method: 'GET', path: '/api/categories' },
    ]);
    expect(items.map((i) => i.status)).to.deep.equal([401, 401, 200]);
  });

  it('a shopper’s batch cannot reach admin routes, nor another shopper’s objects', async () => {
    const { items } = await batch(
      t,
      [
        { method: 'GET', path: '/api/admin/users' },
        { method: 'POST', path: '/api/categories', body: { name: 'Shopper-made' } },
        { method: 'GET', path: '/api/inventory/low-stock' },
        { method: 'GET', path: '/api/auth/me' },
      ],
      { token: shopper.token },
    );
    expect(items.map((i) => i.status)).to.deep.equal([403, 403, 403, 200]);
    const categories = await t.request({ method: 'GET', url: '/api/categories' });
    expect(JSON.stringify(categories.json())).not.to.include('Shopper-made');
  });

  it('an API key cannot batch (no key scope names the route), so a key never reaches routes beyond its scopes', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/admin/api-keys',
      token: admin,
      body: { name: 'batch probe', scopes: ['catalog:read'] },
    });
    expect(created.statusCode, created.body).to.equal(201);
    const res = await t.request({
      method: 'POST',
      url: '/api/batch',
      headers: { 'x-api-key': created.json().data.key },
      body: { requests: [{ method: 'GET', path: '/api/categories' }] },
    });
    expect(res.statusCode).to.equal(403);
    expect(res.json().code).to.equal('API_KEY_SCOPE');
  });

  it('stopOnError: after the first failing item the rest are not run (424 BATCH_ABORTED)', async () => {
    const name = `Never-made ${Date.now()}`;
    const { items } = await batch(
      t,
      [
        { method: 'GET', path: '/api/categories' },
        { method: 'GET', path: '/api/auth/me' },
        { method: 'POST', path: '/api/categories', body: { name } },
      ],
      { stopOnError: true },
    );
    expect(items.map((i) => i.status)).to.deep.equal([200, 401, 424]);
    expect(items[2]!.body.code).to.equal('BATCH_ABORTED');
    // without stopOnError the third would have run (and been refused 401 on its own)
    const { items: all } = await batch(t, [
      { method: 'GET', path: '/api/auth/me' },
      { method: 'GET', path: '/api/categories' },
    ]);
    expect(all.map((i) => i.status)).to.deep.equal([401, 200]);
  });

  it('X-Admin-Confirmation and request signatures on an item work as on the route alone', async () => {
    const key = (await t.request({ method: 'GET', url: '/api/auth/signing-key', token: admin })).json().data
      .key as string;
    const path = '/api/admin/products/bulk-update';
    const body = { productIds: [productId], updates: { price: 321 } };
    const confirmed = { 'X-Admin-Confirmation': 'confirmed' };
    const signed = signRequest({ method: 'PUT', url: path, body, key });
    const { items } = await batch(
      t,
      [
        { method: 'DELETE', path: '/api/admin/test-sensitive' },
        { method: 'DELETE', path: '/api/admin/test-sensitive', headers: confirmed },
        { method: 'PUT', path, headers: confirmed, body },
        {
          method: 'PUT',
          path,
          headers: { ...confirmed, ...signed },
          body: { ...body, updates: { price: 999 } },
        },
        { method: 'PUT', path, headers: { ...confirmed, ...signed }, body },
      ],
      { token: admin },
    );
    expect(items.map((i) => i.status)).to.deep.equal([400, 200, 401, 401, 200]);
    expect(items[0]!.body.code).to.equal('CONFIRMATION_REQUIRED');
    expect(items[2]!.body.code).to.equal('SIGNATURE_REQUIRED');
    expect(items[3]!.body.code).to.equal('SIGNATURE_INVALID'); // the signature covers the item's body
    const product = await t.container.get<ProductRepository>(PRODUCT_REPOSITORY).findById(productId);
    expect(product!.price).to.equal(32100);
  });

  it('an Idempotency-Key on a sub-request keeps working: the replay answers the first order, once', async () => {
    const key = `batch-${Date.now()}`;
    const order: Item = {
      method: 'POST',
      path: '/api/orders',
      headers: { 'Idempotency-Key': key },
      body: { items: [{ product: productId, quantity: 1 }], shippingAddress: ADDRESS },
    };
    const first = await batch(t, [order], { token: shopper.token });
    const second = await batch(t, [order], { token: shopper.token });
    expect(first.items[0]!.status, JSON.stringify(first.items[0]!.body)).to.equal(201);
    expect(second.items[0]!.status).to.equal(201);
    expect(second.items[0]!.headers['idempotent-replayed']).to.equal('true');
    expect(second.items[0]!.body.data.order._id).to.equal(first.items[0]!.body.data.order._id);
    const mine = await t.request({ method: 'GET', url: '/api/orders/my-orders', token: shopper.token });
    const ids = (mine.json().data.orders as { _id: string }[]).map((o) => o._id);
    expect(ids.filter((id) => id === first.items[0]!.body.data.order._id)).to.have.length(1);
  });
});

describe('http/batch: limits and the real caller', () => {
  it('each sub-request spends the caller’s per-IP budget; a batch cannot bypass it, even in parallel', async () => {
    const t = await buildTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_MAX: '6' });
    try {
      const send = (remoteAddress: string, n: number) =>
        t.app.inject({
          method: 'POST',
          url: '/api/batch',
          remoteAddress,
          payload: {
            requests: Array.from({ length: n }, () => ({ method: 'GET', path: '/api/categories' })),
          },
        });
      // the batch is one request and each of its 10 items another: 6 in all, then 429
      const first = await send('198.51.100.1', 10);
      expect(first.statusCode).to.equal(200);
      const statuses = (first.json().data.responses as SubAnswer[]).map((i) => i.status);
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
      const refused = (first.json().data.responses as SubAnswer[])[5]!;
      expect(refused.body.code).to.equal('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).to.be.greaterThan(0);
      // the budget is spent: the batch itself is now refused
      expect((await send('198.51.100.1', 1)).statusCode).to.equal(429);
      // another caller is untouched; its parallel batches together never pass its budget of 6
      const parallel = await Promise.all(Array.from({ length: 4 }, () => send('198.51.100.2', 3)));
      const passed = parallel
        .filter((r) => r.statusCode === 200)
        .flatMap((r) => (r.json().data.responses as SubAnswer[]).filter((i) => i.status === 200));
      const batchesLetIn = parallel.filter((r) => r.statusCode === 200).length;
      expect(passed.length + batchesLetIn).to.equal(6);
    } finally {
      await t.close();
    }
  });

  it('sub-requests spend the per-route budgets too (checkout per IP)', async () => {
    const t = await buildTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_CHECKOUT_IP_MAX: '2' });
    try {
      const shopper = await registerUser(t);
      const place = { method: 'POST', path: '/api/orders', body: { items: [], shippingAddress: ADDRESS } };
      const res = await t.request({
        method: 'POST',
        url: '/api/batch',
        token: shopper.token,
        body: { requests: [place, place, place, place] },
      });
      const statuses = (res.json().data.responses as SubAnswer[]).map((i) => i.status);
      expect(statuses.slice(2)).to.deep.equal([429, 429]);
      expect(statuses.slice(0, 2)).not.to.include(429);
    } finally {
      await t.close();
    }
  });

  it('audits an admin mutation sent in a batch with the real caller’s IP (behind a trusted proxy too)', async () => {
    const t = await buildTestApp({ TRUST_PROXY: '1' });
    try {
      const admin = await loginAdmin(t);
      const log = t.container.get<AuditLog>(AUDIT_LOG);
      const name = `Batch category ${Date.now()}`;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/batch',
        remoteAddress: '10.0.0.2', // the proxy
        headers: {
          authorization: `Bearer ${admin}`,
          'x-forwarded-for': '203.0.113.9',
          'user-agent': 'batch-audit-test',
        },
        payload: { requests: [{ method: 'POST', path: '/api/categories', body: { name } }] },
      });
      expect(res.statusCode, res.body).to.equal(200);
      const [item] = res.json().data.responses as SubAnswer[];
      expect(item!.status, JSON.stringify(item!.body)).to.equal(201);
      let entries: AuditEntry[] = [];
      for (let i = 0; i < 200 && entries.length < 2; i += 1) {
        entries = (await log.list(1, 1000)).items.filter((e) => e.userAgent === 'batch-audit-test');
        if (entries.length < 2) await new Promise((r) => setTimeout(r, 10));
      }
      // the item's own entry, and the batch's (one bulk operation)
      const byResource = Object.fromEntries(entries.map((e) => [e.resource, e]));
      expect(Object.keys(byResource).sort()).to.deep.equal(['batch', 'category']);
      expect(byResource.category!.ip).to.equal('203.0.113.9');
      expect(byResource.category!.action).to.equal('create');
      expect(byResource.category!.requestId).to.equal(`${byResource.batch!.requestId}.0`);
      expect(byResource.batch!.ip).to.equal('203.0.113.9');
      expect(byResource.batch!.action).to.equal('bulk_operation');
    } finally {
      await t.close();
    }
  });

  it('a batch body over the server’s body limit is refused 413', async () => {
    const t = await buildTestApp({ BODY_LIMIT_BYTES: '4096' });
    try {
      const big = { method: 'POST', path: '/api/categories', body: { name: 'x'.repeat(400) } };
      const res = await t.request({
        method: 'POST',
        url: '/api/batch',
        body: { requests: Array.from({ length: 12 }, () => big) },
      });
      expect(res.statusCode).to.equal(413);
      const small = await t.request({
        method: 'POST',
        url: '/api/batch',
        body: { requests: [{ method: 'GET', path: '/api/categories' }] },
      });
      expect(small.statusCode).to.equal(200);
    } finally {
      await t.close();
    }
  });
});
