import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../architecture/source-graph.js';
import { expect } from 'chai';
import type { Connection } from 'mongoose';
import type { AnalyticsQueries } from '../../../application/analytics/ports.js';
import { bucketsOf, type AnalyticsRange, type Granularity } from '../../../domain/analytics/figures.js';
import type { Cart } from '../../../domain/cart/cart.js';
import type { User } from '../../../domain/identity/user.js';
import type { Order } from '../../../domain/ordering/order.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryAnalyticsQueries } from '../../../adapters/persistence/memory/analytics-queries.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryCartRepository } from '../../../adapters/persistence/memory/cart-repository.js';
import { MemoryProductViews } from '../../../adapters/persistence/memory/discovery-product-views.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { MongoAnalyticsQueries } from '../../../adapters/persistence/mongo/analytics-queries.js';
import { MongoOrderRepository } from '../../../adapters/persistence/mongo/ordering-order-repository.js';
import { MongoCartRepository } from '../../../adapters/persistence/mongo/cart-repository.js';
import { MongoProductViews } from '../../../adapters/persistence/mongo/discovery-product-views.js';
import { MongoUserRepository } from '../../../adapters/persistence/mongo/identity-user-repository.js';
import { ADDRESS, aCart, anOrder, aUser, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { describeWith } from '../../support/services.js';
import { testPiiCipher } from '../../support/pii.js';

// ---- one fixture, seeded into memory and Mongo alike --------------------------------------------
// The shop is in Asia/Kolkata (UTC+5:30): May 2026 there is 2026-04-30T18:30Z .. 2026-05-31T18:29:59.999Z.

const P1 = testId();
const P2 = testId();
const P3 = testId();
const u1 = aUser({ membershipTier: 'gold', lifetimePoints: 20_000 });
const u2 = aUser({ membershipTier: 'silver', lifetimePoints: 5_000 });
const u3 = aUser();
const u4 = aUser({ membershipTier: 'gold', lifetimePoints: 20_000 });

const at = (iso: string) => new Date(iso);
const order = (
  user: User,
  when: string,
  items: Parameters<typeof anOrder>[0] extends infer S ? (S extends { items?: infer I } ? I : never) : never,
  extra: {
    status?: Order['status'];
    city?: string;
    method?: 'card' | 'paypal' | 'razorpay';
    refund?: number | 'all';
  } = {},
): Order => {
  const o = anOrder({
    userId: user.id,
    now: at(when),
    items,
    shippingAddress: { ...ADDRESS, city: extra.city ?? 'Pune' },
    paymentMethod: extra.method ?? 'card',
    status: extra.status ?? 'delivered',
  });
  const refund = extra.refund === 'all' ? o.total : extra.refund;
  return refund !== undefined ? { ...o, refundAmount: refund } : o;
};

const ORDERS: readonly Order[] = [
  order(u1, '2026-04-20T09:00:00Z', [P1]), // before May: u1 returns in May
  // 23:59 IST on May 1, then 00:01 IST on May 2 (both May 1 in UTC): the timezone boundary
  order(u1, '2026-05-01T18:29:00Z', [{ productId: P1, quantity: 2, size: { name: 'deluxe', price: 50000 } }]),
  order(u1, '2026-05-01T18:31:00Z', [P2], {
    status: 'shipped',
    city: 'Mumbai',
    method: 'razorpay',
    refund: 30000,
  }),
  order(u2, '2026-05-10T10:00:00Z', [P1, { productId: P3, quantity: 4, unitPrice: 25000 }], {
    status: 'confirmed',
    city: 'Mumbai',
    method: 'paypal',
  }),
  order(u2, '2026-05-12T10:00:00Z', [P1], { status: 'cancelled' }), // not a sale
  order(u3, '2026-05-20T10:00:00Z', [P2], { status: 'pending' }), // not a sale
  order(
    u4,
    '2026-05-25T00:00:00Z',
    [{ productId: P2, quantity: 3, vase: { name: 'premium', price: 30000 } }],
    {
      city: 'Delhi',
      refund: 'all',
    },
  ),
  order(u3, '2026-05-31T18:45:00Z', [P3]), // 00:15 IST on June 1: outside May
];

const cartOf = (user: User, when: string, items: Cart['items']): Cart => ({
  ...aCart({ userId: user.id }),
  items,
  updatedAt: at(when),
});
const CARTS: readonly Cart[] = [
  cartOf(u2, '2026-05-15T10:00:00Z', [{ id: testId(), productId: P1, quantity: 1, unitPrice: 100000 }]), // abandoned
  cartOf(u1, '2026-05-02T10:00:00Z', []), // emptied by checkout: converted
  cartOf(u3, '2026-04-01T10:00:00Z', [{ id: testId(), productId: P2, quantity: 1, unitPrice: 100000 }]), // before May
];
const VIEWS: readonly [string, string, number][] = [
  [P1, '2026-05-01', 5],
  [P2, '2026-05-15', 3],
  [P1, '2026-04-29', 100], // before May's UTC days
];

interface Stores {
  orders: { create(o: Order, e: []): Promise<unknown> };
  carts: { save(c: Cart): Promise<unknown> };
  views: { increment(productId: string, day: string): Promise<void> };
  users: { create(u: User): Promise<unknown> };
}
async function seed(s: Stores): Promise<void> {
  for (const u of [u1, u2, u3, u4]) await s.users.create(u);
  for (const o of ORDERS) await s.orders.create(o, []);
  for (const c of CARTS) await s.carts.save(c);
  for (const [p, day, n] of VIEWS) for (let i = 0; i < n; i++) await s.views.increment(p, day);
}

const MAY_IST = { from: at('2026-04-30T18:30:00Z'), to: at('2026-05-31T18:29:59.999Z') };
const range = (granularity: Granularity, timeZone = 'Asia/Kolkata', w = MAY_IST): AnalyticsRange => ({
  ...w,
  granularity,
  timeZone,
});
const RANGES: readonly AnalyticsRange[] = [
  range('day'),
  range('week'),
  range('month'),
  range('day', 'UTC', { from: at('2026-05-01T00:00:00Z'), to: at('2026-05-31T23:59:59.999Z') }),
  range('month', 'America/New_York', { from: at('2026-01-01T00:00:00Z'), to: at('2026-12-31T00:00:00Z') }),
];
const SETS = [
  { key: 'birthday', productIds: [P1, P2] },
  { key: 'anniversary', productIds: [P2] },
  { key: 'none', productIds: [testId()] },
];

/** Every answer of the port, for every range and granularity. */
async function snapshot(q: AnalyticsQueries) {
  const out = [];
  for (const r of RANGES) {
    out.push({
      range: `${r.timeZone} ${r.granularity}`,
      totals: await q.totals(r),
      series: await q.series(r),
      city: await q.byDimension(r, 'city'),
      method: await q.byDimension(r, 'paymentMethod'),
      products: (await q.products(r)).sort((a, b) => (a.productId < b.productId ? -1 : 1)),
      sets: await q.productSets(r, SETS),
      customers: await q.customers(r),
      views: await q.productViews(r),
      carts: await q.carts(r),
    });
  }
  return { ranges: out, tiers: await q.membershipTiers() };
}

async function memoryQueries(): Promise<AnalyticsQueries> {
  const db = new MemoryDatabase();
  await seed({
    orders: new MemoryOrderRepository(db),
    carts: new MemoryCartRepository(db),
    views: new MemoryProductViews(db),
    users: new MemoryUserRepository(db),
  });
  return new MemoryAnalyticsQueries(db);
}

const total = (o: Order) => o.total;
const [, o1, o2, o3, , , o7] = ORDERS as [Order, Order, Order, Order, Order, Order, Order, Order];

function contract(make: () => Promise<AnalyticsQueries>): void {
  it('counts sales only (no pending, no cancelled), gross, refunds and units, in the range', async () => {
    const q = await make();
    expect(await q.totals(MAY_IST)).to.deep.equal({
      orders: 4,
      gross: [o1, o2, o3, o7].map(total).reduce((a, b) => a + b, 0),
      refunds: 30000 + o7.total,
      units: 2 + 1 + 5 + 3,
    });
  });

  it("cuts the series in the shop's timezone, with zero rows for empty buckets", async () => {
    const q = await make();
    const days = await q.series(range('day'));
    expect(days).to.have.length(31);
    expect(days[0]).to.deep.equal({ period: '2026-05-01', orders: 1, gross: o1.total, refunds: 0 });
    expect(days[1]).to.deep.equal({ period: '2026-05-02', orders: 1, gross: o2.total, refunds: 30000 });
    expect(days[2]).to.deep.equal({ period: '2026-05-03', orders: 0, gross: 0, refunds: 0 });
    const utc = await q.series(RANGES[3]!);
    expect(utc[0]).to.include({ period: '2026-05-01', orders: 2 });
    const weeks = await q.series(range('week'));
    expect(weeks.map((w) => w.period)).to.deep.equal(bucketsOf(range('week')).map((b) => b.period));
    expect(weeks[0]).to.deep.include({ period: '2026-04-27', orders: 2 });
    expect(weeks.reduce((n, w) => n + w.orders, 0)).to.equal(4);
    expect((await q.series(range('month'))).map((m) => [m.period, m.orders])).to.deep.equal([
      ['2026-05-01', 4],
    ]);
  });

  it('groups by city and payment method, and values the lines of products and product sets', async () => {
    const q = await make();
    expect((await q.byDimension(MAY_IST, 'city')).map((c) => [c.key, c.orders])).to.deep.equal([
      ['Mumbai', 2],
      ['Delhi', 1],
      ['Pune', 1],
    ]);
    expect((await q.byDimension(MAY_IST, 'paymentMethod')).find((m) => m.key === 'razorpay')).to.deep.equal({
      key: 'razorpay',
      orders: 1,
      gross: o2.total,
      refunds: 30000,
    });
    const products = await q.products(MAY_IST);
    expect(products.find((p) => p.productId === P1)).to.deep.equal({
      productId: P1,
      units: 3,
      revenue: 2 * 150000 + 100000,
    });
    expect(products.find((p) => p.productId === P3)).to.deep.equal({
      productId: P3,
      units: 4,
      revenue: 100000,
    });
    expect(await q.productSets(MAY_IST, SETS)).to.deep.equal([
      { key: 'birthday', orders: 4, units: 2 + 1 + 1 + 3, revenue: 300000 + 100000 + 100000 + 3 * 130000 },
      { key: 'anniversary', orders: 2, units: 4, revenue: 100000 + 3 * 130000 },
      { key: 'none', orders: 0, units: 0, revenue: 0 },
    ]);
  });

  it('counts customers new and returning, repeat customers, views, carts and tiers', async () => {
    const q = await make();
    expect(await q.customers(MAY_IST)).to.deep.equal({
      customers: 3,
      newCustomers: 2,
      returningCustomers: 1,
      repeatCustomers: 1,
    });
    expect(await q.productViews(MAY_IST)).to.equal(8); // UTC days 04-30 .. 05-31
    expect(await q.carts(MAY_IST)).to.deep.equal({ carts: 2, abandoned: 1 });
    expect(await q.membershipTiers()).to.deep.equal([
      { tier: 'bronze', users: 1 },
      { tier: 'gold', users: 2 },
      { tier: 'silver', users: 1 },
    ]);
  });
}

describe('contract: AnalyticsQueries (memory)', () => {
  contract(memoryQueries);
});

describeWith(['mongo'], 'contract: AnalyticsQueries (mongo)', () => {
  const mongo = useMongo('analytics_contract');
  let queries: AnalyticsQueries | undefined;
  async function mongoQueries(): Promise<AnalyticsQueries> {
    if (queries) return queries;
    const c: Connection = mongo.connection();
    const stores = {
      orders: new MongoOrderRepository(c, testPiiCipher(c)),
      carts: new MongoCartRepository(c),
      views: new MongoProductViews(c),
      users: new MongoUserRepository(c, testPiiCipher(c)),
    };
    queries = new MongoAnalyticsQueries(c);
    await mongo.reset();
    await seed(stores);
    return queries;
  }

  contract(mongoQueries);

  it('gives the same numbers as memory for every report, range, timezone and granularity', async () => {
    expect(await snapshot(await mongoQueries())).to.deep.equal(await snapshot(await memoryQueries()));
  });

  it("detects what the server lacks, and the adapter's pipelines use none of it", async () => {
    const probe = mongo.connection().db!.collection('analytics_probe');
    await probe.insertMany([
      { _id: 'a' as never, t: new Date('2026-05-01T00:00:00Z'), v: 2, w: 3 },
      { _id: 'b' as never, t: new Date('2026-05-02T00:00:00Z'), v: 5, w: 7 },
    ]);
    const tries: Record<string, object[]> = {
      $dateToString: [{ $project: { k: { $dateToString: { format: '%Y-%m-%d', date: '$t' } } } }],
      $subtract: [{ $project: { k: { $subtract: ['$v', '$w'] } } }],
      $multiply: [{ $project: { k: { $multiply: ['$v', '$w'] } } }],
      $cond: [{ $project: { k: { $cond: [true, 1, 0] } } }],
      $switch: [{ $project: { k: { $switch: { branches: [{ case: true, then: 1 }], default: 0 } } } }],
      $bucket: [{ $bucket: { groupBy: '$v', boundaries: [0, 10], output: { n: { $sum: 1 } } } }],
      $facet: [{ $facet: { a: [{ $count: 'n' }] } }],
      $lookup: [{ $lookup: { from: 'analytics_probe', localField: '_id', foreignField: '_id', as: 'j' } }],
      $first: [{ $group: { _id: null, f: { $first: '$v' } } }],
      $max: [{ $group: { _id: null, f: { $max: '$v' } } }],
    };
    const lacking: string[] = [];
    for (const [op, pipeline] of Object.entries(tries)) {
      await probe
        .aggregate(pipeline)
        .toArray()
        .catch(() => lacking.push(op));
    }
    // Two accumulators in one $group: FerretDB 1.24 gets only the first right.
    const [two] = await probe
      .aggregate([{ $group: { _id: null, v: { $sum: '$v' }, w: { $sum: '$w' } } }])
      .toArray();
    const oneAccumulatorOnly = two?.w !== 10;
    // The source, from the project root: the same from test/ and from the compiled dist/test/.
    const code = readFileSync(join(root, 'adapters/persistence/mongo/analytics-queries.ts'), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    for (const op of lacking)
      expect(code, `${op} is missing on this server`).not.to.contain(`'${op}'`).and.not.to.contain(`${op}:`);
    if (oneAccumulatorOnly) {
      const groups = [...code.matchAll(/\$group: \{[^}]*\{[^}]*\}[^}]*\}/g)].map((m) => m[0]);
      for (const g of groups) expect((g.match(/\$sum/g) ?? []).length, g).to.be.at.most(1);
    }
  });
});
