import { expect } from 'chai';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { Connection } from 'mongoose';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { Dashboard } from '../../../adapters/http/analytics/dashboard-schema.js';
import { CART_REPOSITORY, type CartRepository } from '../../../application/cart/ports.js';
import { PRODUCT_VIEWS, type ProductViews } from '../../../application/discovery/ports.js';
import { ADDRESS, aCart, anOrder, aProduct } from '../../support/kit.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
const REPORTS = ['sales', 'products', 'users', 'revenue', 'dashboard'] as const;
const MAY = 'from=2026-05-01&to=2026-05-31';

function analyticsSuite(env: () => Record<string, string>) {
  let t: TestApp;
  let admin: string;
  let shopper: string;
  const rose = aProduct({
    name: 'Red Roses',
    occasions: ['birthday'],
    inventory: { stock: 2, lowStockThreshold: 5, isAvailable: true },
  });
  const lily = aProduct({ name: 'Lilies', occasions: ['anniversary'] });

  before(async () => {
    t = await buildTestApp(env());
    admin = await loginAdmin(t);
    shopper = (await registerUser(t)).token;
    const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    await products.create(rose);
    await products.create(lily);
    const orders = t.container.get<OrderRepository>(ORDER_REPOSITORY);
    const place = (when: string, productId: string, extra: Parameters<typeof anOrder>[0] = {}) =>
      orders.create(anOrder({ now: new Date(when), items: [productId], status: 'delivered', ...extra }), []);
    // 00:01 on May 2 in the shop's zone (Asia/Kolkata), still May 1 in UTC
    await place('2026-05-01T18:31:00Z', rose.id, { shippingAddress: { ...ADDRESS, city: 'Mumbai' } });
    await place('2026-05-10T10:00:00Z', lily.id);
    await place('2026-05-11T10:00:00Z', lily.id, { status: 'cancelled' });
    const views = t.container.get<ProductViews>(PRODUCT_VIEWS);
    for (let i = 0; i < 4; i++) await views.increment(rose.id, '2026-05-05');
    const carts = t.container.get<CartRepository>(CART_REPOSITORY);
    const when = new Date('2026-05-15T10:00:00Z');
    await carts.save({ ...aCart(), updatedAt: when }); // emptied by a checkout
    await carts.save({
      ...aCart({ items: [{ productId: rose.id, quantity: 1, unitPrice: 100000 }] }),
      updatedAt: when,
    }); // abandoned
  });
  after(async () => {
    if (env().MONGODB_URI) await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await t.close();
  });

  const get = (url: string, token: string | undefined = admin) => t.request({ method: 'GET', url, token });

  it('is for admins only: 401 without a token, 403 for a shopper, on every report and under /api/api', async () => {
    for (const name of REPORTS) {
      expect((await get(`/api/analytics/${name}`, '')).statusCode, name).to.equal(401);
      expect((await get(`/api/analytics/${name}`, shopper)).statusCode, name).to.equal(403);
      expect((await get(`/api/analytics/${name}`)).statusCode, name).to.equal(200);
    }
    expect((await get(`/api/api/analytics/sales?${MAY}`)).statusCode).to.equal(200);
  });

  it('answers 400 naming the field for a bad range, granularity or timezone', async () => {
    const cases: [string, string][] = [
      ['from=2026-06-01&to=2026-05-01', 'from'],
      ['from=2022-01-01&to=2026-05-01', 'from'],
      ['timezone=Mars/Olympus', 'timezone'],
      ['from=2026-02-30', 'from'],
      ['to=yesterday', 'to'],
      ['granularity=year', 'granularity'],
      ['format=xml', 'format'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/api/analytics/sales?${query}`);
      expect(res.statusCode, query).to.equal(400);
      expect(JSON.stringify(res.json()), query).to.contain(field);
    }
  });

  it('answers no 500 to extreme or odd bounds (years out of range, offsets, whole two years by day)', async () => {
    const queries = [
      'from=0000-01-01&to=0000-01-02',
      'to=%2B275760-09-13T00:00:00.000Z',
      'from=9998-12-30&to=9998-12-31&granularity=week',
      'from=1970-01-01T00:00:00Z&to=1970-01-01T00:00:00Z',
      'from=2024-06-01&to=2026-05-31&granularity=day',
      'from=2026-05-01T00:00:00%2B14:00&to=2026-05-01T00:00:00-12:00&timezone=Pacific/Kiritimati',
      'from=May%201%202026',
      'timezone=Etc/GMT%2B12&granularity=month',
    ];
    for (const query of queries) {
      for (const name of REPORTS) {
        const res = await get(`/api/analytics/${name}?${query}`);
        expect(res.statusCode, `${name}?${query}: ${res.body.slice(0, 200)}`).to.be.oneOf([200, 400]);
      }
    }
    expect((await get('/api/analytics/sales?to=%2B275760-09-13T00:00:00.000Z')).statusCode).to.equal(400);
    const twoYears = (await get('/api/analytics/sales?from=2024-06-01&to=2026-05-31')).json().data;
    expect(twoYears.series).to.have.length(730);
  });

  it("cuts buckets in the shop's timezone by default, or the one asked; sales and revenue net of cancellations", async () => {
    const shop = (await get(`/api/analytics/sales?${MAY}`)).json().data;
    expect(shop.range).to.deep.include({ timezone: 'Asia/Kolkata', granularity: 'day' });
    expect(shop.range.from).to.equal('2026-04-30T18:30:00.000Z');
    expect(shop.series).to.have.length(31);
    expect(shop.series[1]).to.include({ period: '2026-05-02', orders: 1 });
    expect(shop.totals.orders).to.equal(2);
    const utc = (await get(`/api/analytics/sales?${MAY}&timezone=UTC&granularity=month`)).json().data;
    expect(utc.series).to.deep.equal([
      {
        period: '2026-05-01',
        orders: 2,
        grossRevenue: shop.totals.grossRevenue,
        refunds: 0,
        netRevenue: shop.totals.netRevenue,
      },
    ]);
    const users = (await get(`/api/analytics/users?${MAY}`)).json().data;
    expect(users).to.deep.include({
      customers: 2,
      newCustomers: 2,
      returningCustomers: 0,
      repeatCustomerRate: 0,
      carts: 2,
      abandonedCarts: 1,
      conversionPerCart: 1,
      cartAbandonmentRate: 0.5,
    });
    const products = (await get(`/api/analytics/products?${MAY}`)).json().data;
    expect(products).to.deep.include({ productViews: 4, conversionPerView: 0.5 });
    const revenue = (await get(`/api/analytics/revenue?${MAY}`)).json().data;
    expect(revenue.revenueByCity.map((c: { key: string }) => c.key).sort()).to.deep.equal(['Mumbai', 'Pune']);
    expect(revenue.revenueByOccasion.map((c: { key: string }) => c.key).sort()).to.deep.equal([
      'anniversary',
      'birthday',
    ]);
  });

  it('answers the dashboard in the shape the admin page reads (dashboard-schema.ts)', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(Dashboard);
    const res = await get(`/api/analytics/dashboard?${MAY}`);
    expect(res.statusCode).to.equal(200);
    const data = res.json().data;
    expect(validate(data), JSON.stringify(validate.errors)).to.equal(true);
    expect(data.totals.orders).to.equal(2);
    expect(data.topProducts.map((p: { name: string }) => p.name).sort()).to.deep.equal([
      'Lilies',
      'Red Roses',
    ]);
    expect(data.lowStock.map((p: { productId: string }) => p.productId)).to.include(rose.id);
    expect(data.latestOrders.map((o: { status: string }) => o.status)).to.include('cancelled');
    const times = data.latestOrders.map((o: { createdAt: string }) => o.createdAt);
    expect(times).to.deep.equal([...times].sort().reverse());
    const byDefault = (await get('/api/analytics/dashboard')).json().data;
    expect(validate(byDefault), JSON.stringify(validate.errors)).to.equal(true);
    expect(byDefault.series).to.have.length(30);
  });

  it('exports every report as CSV with a header row (?format=csv)', async () => {
    const headers: Record<(typeof REPORTS)[number], string> = {
      sales: 'period,orders,grossRevenue,refunds,netRevenue',
      products: 'kind,id,name,orders,units,revenue',
      users: 'metric,value',
      revenue: 'dimension,key,orders,revenue',
      dashboard: 'metric,value',
    };
    for (const name of REPORTS) {
      const res = await get(`/api/analytics/${name}?${MAY}&format=csv`);
      expect(res.statusCode, name).to.equal(200);
      expect(res.headers['content-type'], name).to.match(/^text\/csv/);
      const lines = res.body.trim().split('\n');
      expect(lines[0], name).to.equal(headers[name]);
      expect(lines.length, name).to.be.greaterThan(1);
    }
    const sales = (await get(`/api/analytics/sales?${MAY}&format=csv`)).body.trim().split('\n');
    expect(sales).to.have.length(32);
    expect(sales[2]).to.match(/^2026-05-02,1,/);
  });
}

describe('HTTP /api/analytics (memory)', () => {
  analyticsSuite(() => ({}));
});

describeWith(['mongo'], 'HTTP /api/analytics (mongo)', () => {
  const uri = mongoTestUri('analytics_http');
  analyticsSuite(() => ({ MONGODB_URI: uri }));
});
