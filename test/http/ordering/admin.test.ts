import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct, TestClock, testId } from '../../support/kit.js';

/** Major units to whole cents, for comparing money at cent precision. */
const cents = (major: number) => Math.round(major * 100);

describe('http/ordering: /api/admin/orders', () => {
  let t: TestApp;
  let products: ProductRepository;
  let shopper: { token: string; user: { _id: string } };
  let admin: string;

  before(async () => {
    t = await buildTestApp();
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    shopper = await registerUser(t);
    admin = await loginAdmin(t);
  });
  after(async () => {
    await t.close();
  });

  async function placeOk(productId: string, quantity = 1) {
    const res = await t.request({
      method: 'POST',
      url: '/api/orders',
      token: shopper.token,
      body: { items: [{ product: productId, quantity }], shippingAddress: ADDRESS },
    });
    expect(res.statusCode, res.body).to.equal(201);
    return res.json().data.order;
  }

  it('401 without a token, 403 for a shopper on every admin order route', async () => {
    const id = testId();
    const routes: { method: 'GET' | 'PUT'; url: string; body?: unknown }[] = [
      { method: 'GET', url: '/api/admin/orders' },
      { method: 'GET', url: `/api/admin/orders/${id}` },
      { method: 'PUT', url: `/api/admin/orders/${id}/status`, body: { status: 'confirmed' } },
      { method: 'GET', url: '/api/admin/analytics/sales' },
    ];
    for (const r of routes) {
      const anon = await t.request({ ...r });
      expect(anon.statusCode, r.url).to.equal(401);
      expect(anon.json().message).to.contain('Not authorized');
      const user = await t.request({ ...r, token: shopper.token });
      expect(user.statusCode, r.url).to.equal(403);
      expect(user.json().message).to.equal('User does not have admin privileges');
    }
  });

  it('lists orders with a status filter and pagination', async () => {
    const p = await products.create(aProduct());
    const a = await placeOk(p.id);
    await new Promise((r) => setTimeout(r, 3));
    const b = await placeOk(p.id);
    await new Promise((r) => setTimeout(r, 3));
    const c = await placeOk(p.id);
    await t.request({
      method: 'PUT',
      url: `/api/admin/orders/${b._id}/status`,
      token: admin,
      body: { status: 'confirmed' },
    });

    const page1 = await t.request({ method: 'GET', url: '/api/admin/orders?limit=2', token: admin });
    expect(page1.statusCode, page1.body).to.equal(200);
    expect(page1.json().data.orders.map((o: { _id: string }) => o._id)).to.deep.equal([c._id, b._id]);
    expect(page1.json().data.pagination).to.deep.equal({ page: 1, limit: 2, total: 3, pages: 2 });
    expect(page1.json().count).to.equal(2);
    const page2 = await t.request({ method: 'GET', url: '/api/admin/orders?limit=2&page=2', token: admin });
    expect(page2.json().data.orders.map((o: { _id: string }) => o._id)).to.deep.equal([a._id]);

    const confirmed = await t.request({
      method: 'GET',
      url: '/api/api/admin/orders?status=confirmed',
      token: admin,
    });
    expect(confirmed.json().data.orders.map((o: { _id: string }) => o._id)).to.deep.equal([b._id]);

    for (const q of ['status=lost', 'page=0', 'limit=1000', 'page=abc', 'sort=1', 'status[$ne]=x']) {
      const bad = await t.request({ method: 'GET', url: `/api/admin/orders?${q}`, token: admin });
      expect(bad.statusCode, q).to.equal(400);
    }
  });

  it('shows one order by id or by order number; 404 unknown; 400 malformed', async () => {
    const p = await products.create(aProduct());
    const order = await placeOk(p.id);
    for (const ref of [order._id, order.orderNumber]) {
      const res = await t.request({ method: 'GET', url: `/api/admin/orders/${ref}`, token: admin });
      expect(res.statusCode, ref).to.equal(200);
      expect(res.json().data._id).to.equal(order._id);
      expect(res.json().data.order.orderNumber).to.equal(order.orderNumber);
    }
    expect(
      (await t.request({ method: 'GET', url: `/api/admin/orders/${testId()}`, token: admin })).statusCode,
    ).to.equal(404);
    expect(
      (await t.request({ method: 'GET', url: '/api/admin/orders/AF-000000000', token: admin })).statusCode,
    ).to.equal(404);
    expect(
      (await t.request({ method: 'GET', url: '/api/admin/orders/AF-12', token: admin })).statusCode,
    ).to.equal(400);
  });

  it('moves an order along the workflow, refuses invalid transitions, and an admin cancel restores stock', async () => {
    const p = await products.create(
      aProduct({ inventory: { stock: 10, lowStockThreshold: 1, isAvailable: true } }),
    );
    const order = await placeOk(p.id, 4);
    const url = `/api/admin/orders/${order.orderNumber}/status`;
    const walk = await t.request({
      method: 'PUT',
      url,
      token: admin,
      body: { status: 'confirmed', note: 'paid' },
    });
    expect(walk.statusCode, walk.body).to.equal(200);
    expect(walk.json().data.order.statusHistory.at(-1)).to.deep.include({
      status: 'confirmed',
      note: 'paid',
    });

    const invalid = await t.request({ method: 'PUT', url, token: admin, body: { status: 'delivered' } });
    expect(invalid.statusCode).to.equal(400);
    expect(invalid.json()).to.deep.include({
      status: 'error',
      code: 'INVALID_STATUS_TRANSITION',
      message: 'Cannot change order status from confirmed to delivered',
    });
    for (const body of [{}, { status: 'confirmed', extra: 1 }, { status: { $ne: 'x' } }, { status: 42 }]) {
      const bad = await t.request({ method: 'PUT', url, token: admin, body });
      expect(bad.statusCode, JSON.stringify(body)).to.equal(400);
      expect(bad.json().code).to.equal('VALIDATION_FAILED');
    }

    expect((await products.findById(p.id))!.inventory.stock).to.equal(6);
    const cancel = await t.request({ method: 'PUT', url, token: admin, body: { status: 'cancelled' } });
    expect(cancel.statusCode).to.equal(200);
    expect((await products.findById(p.id))!.inventory.stock).to.equal(10);
    const revive = await t.request({ method: 'PUT', url, token: admin, body: { status: 'shipped' } });
    expect(revive.statusCode).to.equal(400);
    expect(revive.json().message).to.equal('Cannot change order status from cancelled to shipped');

    const logs = await t.request({ method: 'GET', url: '/api/admin/activity-logs?limit=200', token: admin });
    const entry = logs
      .json()
      .data.activities.find(
        (a: { details: { endpoint: string }; success: boolean }) => a.details.endpoint === url && a.success,
      );
    expect(entry).to.deep.include({ action: 'status_change', resource: 'order' });
  });
});

describe('http/ordering: /api/admin/analytics/sales', () => {
  let t: TestApp;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock(new Date('2026-04-30T08:00:00.000Z'));
    t = await buildTestApp({}, { clock });
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers zero metrics with no orders, and the dashboard numbers at the top level', async () => {
    const admin = await loginAdmin(t);
    await registerUser(t);
    const res = await t.request({ method: 'GET', url: '/api/api/admin/analytics/sales', token: admin });
    expect(res.statusCode, res.body).to.equal(200);
    const body = res.json();
    expect(body.data.metrics).to.deep.equal({
      totalRevenue: 0,
      totalOrders: 0,
      averageOrderValue: 0,
      totalShipping: 0,
      totalTax: 0,
      totalSubtotal: 0,
    });
    expect(body.data.trends).to.deep.equal([]);
    expect(body.data.topProducts).to.deep.equal([]);
    const catalog = await t.container.get<ProductRepository>(PRODUCT_REPOSITORY).all();
    expect(body).to.deep.include({
      status: 'success',
      totalOrders: 0,
      totalRevenue: 0,
      totalProducts: catalog.length,
      activeUsers: 2,
    });
  });

  it('computes the metrics exactly over orders in the range that are neither pending nor cancelled', async () => {
    const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const a = await products.create(aProduct({ name: 'A', price: 10001 }));
    const b = await products.create(aProduct({ name: 'B', price: 2550 }));
    const admin = await loginAdmin(t);
    const shopper = await registerUser(t);

    async function orderAt(iso: string, items: { product: string; quantity: number }[], statuses: string[]) {
      clock.set(iso);
      const res = await t.request({
        method: 'POST',
        url: '/api/orders',
        token: shopper.token,
        body: { items, shippingAddress: ADDRESS },
      });
      expect(res.statusCode, res.body).to.equal(201);
      const id = res.json().data._id;
      for (const status of statuses) {
        const moved = await t.request({
          method: 'PUT',
          url: `/api/admin/orders/${id}/status`,
          token: admin,
          body: { status },
        });
        expect(moved.statusCode, moved.body).to.equal(200);
      }
      return res.json().data;
    }

    const o1 = await orderAt('2026-05-01T09:00:00.000Z', [{ product: a.id, quantity: 1 }], ['confirmed']);
    const o2 = await orderAt(
      '2026-05-01T18:00:00.000Z',
      [{ product: b.id, quantity: 3 }],
      ['confirmed', 'processing'],
    );
    const o3 = await orderAt(
      '2026-05-03T12:00:00.000Z',
      [
        { product: a.id, quantity: 2 },
        { product: b.id, quantity: 1 },
      ],
      ['confirmed', 'processing', 'shipped', 'delivered'],
    );
    await orderAt('2026-05-02T10:00:00.000Z', [{ product: a.id, quantity: 5 }], []); // pending
    await orderAt('2026-05-02T11:00:00.000Z', [{ product: a.id, quantity: 5 }], ['confirmed', 'cancelled']);
    await orderAt('2026-05-12T11:00:00.000Z', [{ product: a.id, quantity: 1 }], ['confirmed']); // out of range

    expect([o1.total, o2.total, o3.total]).to.deep.equal([113.01, 87.62, 248.56]);
    const res = await t.request({
      method: 'GET',
      url: '/api/admin/analytics/sales?startDate=2026-05-01&endDate=2026-05-10',
      token: admin,
    });
    expect(res.statusCode, res.body).to.equal(200);
    const body = res.json();
    const m = body.data.metrics;
    expect(cents(m.totalRevenue)).to.equal(11301 + 8762 + 24856);
    expect(m.totalOrders).to.equal(3);
    expect(cents(m.averageOrderValue)).to.equal(Math.round((11301 + 8762 + 24856) / 3));
    expect(cents(m.totalShipping)).to.equal(1500);
    expect(cents(m.totalTax)).to.equal(800 + 612 + 1804);
    expect(cents(m.totalSubtotal)).to.equal(10001 + 7650 + 22552);
    expect(body.totalOrders).to.equal(3);
    expect(cents(body.totalRevenue)).to.equal(44919);
    expect(body.data.trends).to.deep.equal([
      { date: '2026-05-01', revenue: 200.63, orders: 2 },
      { date: '2026-05-03', revenue: 248.56, orders: 1 },
    ]);
    expect(body.data.topProducts).to.deep.equal([
      { productId: a.id, name: 'A', quantity: 3, revenue: 300.03 },
      { productId: b.id, name: 'B', quantity: 4, revenue: 102 },
    ]);

    const narrow = await t.request({
      method: 'GET',
      url: '/api/admin/analytics/sales?startDate=2026-05-01T12:00:00.000Z&endDate=2026-05-01T23:59:59.999Z',
      token: admin,
    });
    expect(narrow.json().data.metrics.totalOrders).to.equal(1);
    expect(cents(narrow.json().data.metrics.totalRevenue)).to.equal(8762);

    // A date-only endDate covers its whole (UTC) day.
    const oneDay = await t.request({
      method: 'GET',
      url: '/api/admin/analytics/sales?startDate=2026-05-03&endDate=2026-05-03',
      token: admin,
    });
    expect(oneDay.json().data.metrics.totalOrders).to.equal(1);
    expect(cents(oneDay.json().data.metrics.totalRevenue)).to.equal(24856);

    const all = await t.request({ method: 'GET', url: '/api/admin/analytics/sales', token: admin });
    expect(all.json().data.metrics.totalOrders).to.equal(4);

    for (const q of ['startDate=yesterday', 'startDate=2026-06-01&endDate=2026-05-01', 'foo=1']) {
      const bad = await t.request({ method: 'GET', url: `/api/admin/analytics/sales?${q}`, token: admin });
      expect(bad.statusCode, q).to.equal(400);
    }
  });
});
