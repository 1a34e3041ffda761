import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import {
  STOCK_LEDGER,
  STOCK_STORE,
  type StockLedger,
  type StockStore,
} from '../../../application/inventory/ports.js';
import { VerifyStockLedger } from '../../../application/inventory/use-cases.js';
import { ADDRESS, aProduct, testId } from '../../support/kit.js';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { describeWith, mongoTestUri } from '../../support/services.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { notificationsSettled } from '../../support/notifications.js';
import {
  NOTIFICATION_REPOSITORY,
  type NotificationRepository,
} from '../../../application/notifications/ports.js';

/** The back-in-stock mails in the outbox, once the notification workers sent what was queued. */
async function backInStockMails(t: TestApp): Promise<{ to: string; subject: string; text: string }[]> {
  await notificationsSettled(t);
  const dir = t.config.mail.outboxDir;
  return readdirSync(dir)
    .map(
      (f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { to: string; subject: string; text: string },
    )
    .filter((m) => m.subject.startsWith('Back in stock'));
}

function inventorySuite(env: () => Record<string, string>) {
  let t: TestApp;
  let admin: string;
  let shopper: { token: string; user: { _id: string; email: string } };
  let products: ProductRepository;
  let stock: StockStore;

  before(async () => {
    t = await buildTestApp(env());
    admin = await loginAdmin(t);
    shopper = await registerUser(t);
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    stock = t.container.get<StockStore>(STOCK_STORE);
  });
  after(async () => {
    if (env().MONGODB_URI) await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await t.close();
  });

  async function product(stock: number, overrides = {}) {
    const p = aProduct({ inventory: { stock, lowStockThreshold: 3, isAvailable: true }, ...overrides });
    await products.create(p);
    return p;
  }

  async function verify() {
    const check = (
      await new VerifyStockLedger(products, t.container.get<StockLedger>(STOCK_LEDGER)).execute()
    ).unwrap();
    expect(check.mismatches).to.deep.equal([]);
    expect(check.checked).to.be.greaterThan(0);
  }

  describe('PUT /api/products/:id/stock and /api/inventory/:productId/stock', () => {
    it('sets and adjusts with a reason; the ledger follows', async () => {
      const p = await product(5);
      let res = await t.request({
        method: 'PUT',
        url: `/api/products/${p.id}/stock`,
        token: admin,
        body: { set: 9 },
      });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data).to.include({ previousStock: 5, stock: 9, notified: 0 });
      expect(res.json().data.product.inventory.stock).to.equal(9);
      res = await t.request({
        method: 'PUT',
        url: `/api/inventory/${p.id}/stock`,
        token: admin,
        body: { adjust: -4, reason: 'damaged' },
      });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data).to.include({ previousStock: 9, stock: 5 });
      const mv = await t.request({
        method: 'GET',
        url: `/api/inventory/movements?productId=${p.id}`,
        token: admin,
      });
      expect(mv.statusCode).to.equal(200);
      expect(mv.json().total).to.equal(3);
      expect(
        mv.json().data.movements.map((m: { reason: string; quantity: number }) => [m.reason, m.quantity]),
      ).to.deep.equal([
        ['adjustment', -4],
        ['adjustment', 4],
        ['initial', 5],
      ]);
      expect(mv.json().data.movements[0].reference).to.equal('damaged');
      await verify();
    });

    it('refuses a negative result, both or neither of set/adjust, bad input, and unknown products', async () => {
      const p = await product(2);
      const put = (body: unknown, id = p.id, token: string | null = admin) =>
        t.request({ method: 'PUT', url: `/api/products/${id}/stock`, ...(token ? { token } : {}), body });
      let res = await put({ adjust: -3 });
      expect(res.statusCode).to.equal(400);
      expect(res.json().code).to.equal('NEGATIVE_STOCK');
      expect((await put({ set: -1 })).statusCode).to.equal(400);
      expect((await put({ set: 1, adjust: 1 })).statusCode).to.equal(400);
      expect((await put({})).statusCode).to.equal(400);
      expect((await put({ set: '3' })).statusCode).to.equal(400);
      expect((await put({ set: { $gt: '' } })).statusCode).to.equal(400);
      expect((await put({ set: 3, extra: true })).statusCode).to.equal(400);
      expect((await put({ set: 3 }, 'not-an-id')).statusCode).to.equal(400);
      res = await put({ set: 3 }, testId());
      expect(res.statusCode).to.equal(404);
      expect((await put({ set: 3 }, p.id, null)).statusCode).to.equal(401);
      expect((await put({ set: 3 }, p.id, shopper.token)).statusCode).to.equal(403);
      expect((await products.findById(p.id))!.inventory.stock).to.equal(2);
    });
  });

  describe('low stock, alerts, overview', () => {
    it('lists products at or below their own threshold; alerts split out-of-stock', async () => {
      const low = await product(1, { name: 'Low One' });
      const out = await product(0, { name: 'Out One' });
      const fine = await product(50, { name: 'Fine One' });
      const res = await t.request({ method: 'GET', url: '/api/inventory/low-stock', token: admin });
      expect(res.statusCode).to.equal(200);
      const ids = res.json().data.products.map((i: { product: { _id: string } }) => i.product._id);
      expect(ids).to.include.members([low.id, out.id]);
      expect(ids).to.not.include(fine.id);
      expect(res.json().count).to.equal(ids.length);
      const alerts = (await t.request({ method: 'GET', url: '/api/inventory/alerts', token: admin })).json()
        .data;
      expect(alerts.outOfStock.map((i: { product: { _id: string } }) => i.product._id)).to.include(out.id);
      expect(alerts.lowStock.map((i: { product: { _id: string } }) => i.product._id)).to.include(low.id);
      expect(alerts.lowStock.map((i: { product: { _id: string } }) => i.product._id)).to.not.include(out.id);
      const ov = await t.request({ method: 'GET', url: '/api/inventory/overview', token: admin });
      expect(ov.statusCode).to.equal(200);
      const all = await products.all();
      expect(ov.json().data.overview.totalProducts).to.equal(all.length);
      expect(ov.json().data.overview.totalUnits).to.equal(all.reduce((n, p) => n + p.inventory.stock, 0));
      for (const url of ['/api/inventory/low-stock', '/api/inventory/alerts', '/api/inventory/overview']) {
        expect((await t.request({ method: 'GET', url })).statusCode).to.equal(401);
        expect((await t.request({ method: 'GET', url, token: shopper.token })).statusCode).to.equal(403);
      }
    });
  });

  describe('restock and notify-me', () => {
    it('a restock from 0 mails each notify-me shopper once; later restocks send nothing', async () => {
      const p = await product(0, { name: 'Peonies <Rare>' });
      const other = await registerUser(t);
      for (const s of [shopper, other, shopper]) {
        const res = await t.request({
          method: 'POST',
          url: `/api/inventory/${p.id}/notify-me`,
          token: s.token,
        });
        expect(res.statusCode).to.equal(201);
        expect(res.json().data.request).to.include({ product: p.id, inStock: false });
      }
      const before = (await backInStockMails(t)).length;
      let res = await t.request({
        method: 'POST',
        url: '/api/inventory/restock',
        token: admin,
        body: { productId: p.id, quantity: 4, reference: 'PO-17' },
      });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data).to.include({ previousStock: 0, stock: 4, notified: 2, reference: 'PO-17' });
      res = await t.request({
        method: 'POST',
        url: '/api/inventory/restock',
        token: admin,
        body: { productId: p.id, quantity: 1 },
      });
      expect(res.json().data.notified).to.equal(0);
      expect(res.json().data.reference).to.match(/^restock-/);
      const mails = (await backInStockMails(t)).slice(before);
      expect(mails.map((m) => m.to).sort()).to.deep.equal([shopper.user.email, other.user.email].sort());
      expect(mails[0]!.subject).to.equal('Back in stock: Peonies <Rare>');
      // Recorded like every message: one notification per request, sent.
      const recorded = (
        await t.container.get<NotificationRepository>(NOTIFICATION_REPOSITORY).query({ page: 1, limit: 100 })
      ).items.filter((n) => n.template === 'back-in-stock' && n.subject === 'Back in stock: Peonies <Rare>');
      expect(recorded.map((n) => [n.recipient, n.status]).sort()).to.deep.equal(
        [
          [shopper.user.email, 'sent'],
          [other.user.email, 'sent'],
        ].sort(),
      );
      expect(recorded.every((n) => n.id.startsWith('back-in-stock:'))).to.equal(true);
      const mv = await t.request({
        method: 'GET',
        url: `/api/inventory/movements?productId=${p.id}&reason=restock`,
        token: admin,
      });
      expect(
        mv
          .json()
          .data.movements.map((m: { quantity: number; reference: string }) => [m.quantity, m.reference]),
      ).to.deep.equal([
        [1, res.json().data.reference],
        [4, 'PO-17'],
      ]);
      await verify();
    });

    it('restock and notify-me failure paths', async () => {
      const p = await product(0);
      const restock = (body: unknown, token: string | null = admin) =>
        t.request({ method: 'POST', url: '/api/inventory/restock', ...(token ? { token } : {}), body });
      expect((await restock({ productId: p.id, quantity: 0 })).statusCode).to.equal(400);
      expect((await restock({ productId: p.id, quantity: 1.5 })).statusCode).to.equal(400);
      expect((await restock({ productId: p.id })).statusCode).to.equal(400);
      expect((await restock({ productId: { $gt: '' }, quantity: 1 })).statusCode).to.equal(400);
      expect((await restock({ productId: p.id, quantity: 1, x: 1 })).statusCode).to.equal(400);
      expect((await restock({ productId: testId(), quantity: 1 })).statusCode).to.equal(404);
      expect((await restock({ productId: p.id, quantity: 1 }, null)).statusCode).to.equal(401);
      expect((await restock({ productId: p.id, quantity: 1 }, shopper.token)).statusCode).to.equal(403);
      expect((await products.findById(p.id))!.inventory.stock).to.equal(0);
      expect(
        (await t.request({ method: 'POST', url: `/api/inventory/${p.id}/notify-me` })).statusCode,
      ).to.equal(401);
      expect(
        (
          await t.request({
            method: 'POST',
            url: `/api/inventory/${testId()}/notify-me`,
            token: shopper.token,
          })
        ).statusCode,
      ).to.equal(404);
      expect(
        (await t.request({ method: 'POST', url: '/api/inventory/bad-id/notify-me', token: shopper.token }))
          .statusCode,
      ).to.equal(400);
    });
  });

  describe('reports', () => {
    it('JSON: stock value, movements by reason, sell-through and out-of-stock days over the period', async () => {
      const p = await product(0, { name: 'Report Lilies', price: 100000 });
      const from = new Date(Date.now() - 1000);
      await stock.adjustStock(p.id, 6, { reason: 'restock' });
      expect(await stock.reserveStock(p.id, 2, 'rep-r1')).to.equal(true);
      await stock.commitReservation(p.id, 'rep-r1');
      const to = new Date(Date.now() + 1000);
      const res = await t.request({
        method: 'GET',
        url: `/api/inventory/reports?from=${from.toISOString()}&to=${to.toISOString()}`,
        token: admin,
      });
      expect(res.statusCode).to.equal(200);
      const row = res.json().data.rows.find((r: { productId: string }) => r.productId === p.id);
      expect(row).to.include({
        name: 'Report Lilies',
        price: 1000,
        stock: 4,
        stockValue: 4000,
        sold: 2,
        restocked: 6,
        movements: 2,
      });
      expect(row.sellThrough).to.equal(0.3333);
      expect(row.outOfStockDays).to.be.within(0, 0.01);
      expect(res.json().data.movementsByReason.restock).to.be.at.least(1);
      const all = await products.all();
      expect(res.json().data.totalStockValue).to.equal(
        all.reduce((n, x) => n + x.inventory.stock * x.price, 0) / 100,
      );
    });

    it('CSV via ?format=csv on /reports and the compat /report, quoting names', async () => {
      const p = await product(3, { name: 'Roses, "red"', price: 50050 });
      for (const url of ['/api/inventory/reports?format=csv', '/api/inventory/report?format=csv']) {
        const res = await t.request({ method: 'GET', url, token: admin });
        expect(res.statusCode).to.equal(200);
        expect(res.headers['content-type']).to.match(/^text\/csv/);
        const lines = res.body.trim().split('\n');
        expect(lines[0]).to.equal(
          'productId,name,price,stock,stockValue,sold,restocked,movements,sellThrough,outOfStockDays',
        );
        const line = lines.find((l) => l.startsWith(p.id));
        expect(line).to.equal(`${p.id},"Roses, ""red""",500.5,3,1501.5,0,0,1,0,0`);
        expect(lines.length).to.equal((await products.all()).length + 1);
      }
    });

    it('report failure paths', async () => {
      const get = (url: string, token?: string) =>
        t.request({ method: 'GET', url, ...(token ? { token } : {}) });
      expect((await get('/api/inventory/reports?format=xml', admin)).statusCode).to.equal(400);
      expect((await get('/api/inventory/reports?from=yesterday', admin)).statusCode).to.equal(400);
      expect(
        (await get('/api/inventory/reports?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', admin))
          .statusCode,
      ).to.equal(400);
      expect((await get('/api/inventory/reports?x=1', admin)).statusCode).to.equal(400);
      expect((await get('/api/inventory/report?format=csv')).statusCode).to.equal(401);
      expect((await get('/api/inventory/reports', shopper.token)).statusCode).to.equal(403);
      expect((await get('/api/inventory/movements?page=0', admin)).statusCode).to.equal(400);
      expect((await get('/api/inventory/movements?reason=theft', admin)).statusCode).to.equal(400);
      expect((await get('/api/inventory/movements?productId=nope', admin)).statusCode).to.equal(400);
      expect((await get('/api/inventory/movements')).statusCode).to.equal(401);
      expect((await get('/api/inventory/movements', shopper.token)).statusCode).to.equal(403);
    });
  });

  describe('PUT /api/inventory/bulk-update', () => {
    it('needs the confirmation header, then sets each stock and reports failures per item', async () => {
      const a = await product(1);
      const b = await product(2);
      const missing = testId();
      const body = {
        updates: [
          { productId: a.id, stock: 10 },
          { productId: b.id, stock: 0 },
          { productId: missing, stock: 1 },
        ],
      };
      let res = await t.request({
        method: 'PUT',
        url: '/api/inventory/bulk-update',
        token: admin,
        body,
        sign: true,
      });
      expect(res.statusCode).to.equal(400);
      expect(res.json().requiresConfirmation).to.equal(true);
      const headers = { 'x-admin-confirmation': 'confirmed' };
      res = await t.request({
        method: 'PUT',
        url: '/api/inventory/bulk-update',
        token: admin,
        body,
        headers,
        sign: true,
      });
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.include({ updated: 2, failed: 1 });
      expect(res.json().data.results[2]).to.deep.equal({
        productId: missing,
        success: false,
        message: 'Product not found',
      });
      expect((await products.findById(a.id))!.inventory.stock).to.equal(10);
      expect((await products.findById(b.id))!.inventory.stock).to.equal(0);
      const put = (b2: unknown, token?: string) =>
        t.request({
          method: 'PUT',
          url: '/api/inventory/bulk-update',
          ...(token ? { token } : {}),
          body: b2,
          headers,
          sign: true,
        });
      expect((await put({ updates: [] }, admin)).statusCode).to.equal(400);
      expect((await put({ updates: [{ productId: a.id, stock: -1 }] }, admin)).statusCode).to.equal(400);
      expect((await put({ updates: [{ productId: a.id, stock: 1, x: 1 }] }, admin)).statusCode).to.equal(400);
      expect((await put(body)).statusCode).to.equal(401);
      expect((await put(body, shopper.token)).statusCode).to.equal(403);
      await verify();
    });
  });

  it('an order takes stock as a sale movement; cancelling puts it back with the order id', async () => {
    const p = await product(5);
    const res = await t.request({
      method: 'POST',
      url: '/api/orders',
      token: shopper.token,
      body: {
        items: [{ product: p.id, quantity: 2 }],
        shippingAddress: ADDRESS,
      },
    });
    expect(res.statusCode).to.equal(201);
    const orderId = res.json().data._id as string;
    expect((await products.findById(p.id))!.inventory.stock).to.equal(3);
    const cancel = await t.request({
      method: 'PUT',
      url: `/api/orders/${orderId}/cancel`,
      token: shopper.token,
      body: {},
    });
    expect(cancel.statusCode).to.equal(200);
    const mv = await t.request({
      method: 'GET',
      url: `/api/inventory/movements?productId=${p.id}`,
      token: admin,
    });
    const rows = mv
      .json()
      .data.movements.map((m: { reason: string; quantity: number; reference: string; actor: string }) => [
        m.reason,
        m.quantity,
        m.reason === 'cancellation' ? m.reference : '',
        m.reason === 'cancellation' ? m.actor : '',
      ]);
    expect(rows).to.deep.equal([
      ['cancellation', 2, orderId, shopper.user._id],
      ['sale', -2, '', ''],
      ['initial', 5, '', ''],
    ]);
    expect((await products.findById(p.id))!.inventory.stock).to.equal(5);
    await verify();
  });

  it('orders placed and cancelled keep stock == sum of movements (parallel restocks too)', async () => {
    const p = await product(2);
    await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => stock.reserveStock(p.id, 1, `ord-${i}`)),
      ...Array.from({ length: 3 }, () =>
        t.request({
          method: 'POST',
          url: '/api/inventory/restock',
          token: admin,
          body: { productId: p.id, quantity: 1 },
        }),
      ),
    ]);
    await Promise.all(Array.from({ length: 6 }, (_, i) => stock.releaseReservation(p.id, `ord-${i}`, 1)));
    expect((await products.findById(p.id))!.inventory.stock).to.equal(5);
    await verify();
  });
}

describe('http/inventory (embedded)', function () {
  this.timeout(20_000);
  inventorySuite(() => ({}));
});

describeWith(['mongo'], 'http/inventory (mongo)', function () {
  this.timeout(60_000);
  const uri = mongoTestUri('http-inventory');
  inventorySuite(() => ({ MONGODB_URI: uri }));
});
