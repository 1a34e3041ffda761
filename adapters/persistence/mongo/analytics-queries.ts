/**
 * The analytics aggregates on MongoDB, by aggregation pipelines run in the database, under the
 * rules of domain/analytics/figures.ts (the memory adapter is the reference; the contract suite
 * test/contract/analytics/ holds both to the same numbers).
 *
 * What runs where, and why. The server CI runs (FerretDB 1.24) was probed stage by stage (the
 * `FerretDB capabilities` test in the contract suite keeps those findings honest):
 * - It has `$match`, `$unwind`, `$group` (by a field or a compound key), `$sort`, `$count`,
 *   `$project` (inclusion) and the `$sum` accumulator. Every figure below is a `$match` on the
 *   indexed `createdAt` and `status` followed by those stages.
 * - It lacks `$lookup`, `$facet`, `$bucket`, `$cond`, `$switch`, `$multiply`, `$subtract`,
 *   `$max`, `$first`, `$avg`, `$addToSet` and every date operator (`$dateToString`, `$toLong`,
 *   date `$subtract`), and computes only the FIRST accumulator of a `$group` correctly (the others
 *   come back 0). So:
 *   - each pipeline has one accumulator: orders (`$count`), gross (`$sum: $total`) and refunds
 *     (`$sum: $refundAmount`) are separate pipelines run in parallel, merged by key here;
 *   - line value = (unitPrice + size + vase) x quantity cannot be multiplied in the database: the
 *     lines are grouped by (product, unit price, size price, vase price) summing the quantity in
 *     the database, and the few distinct price points are multiplied here;
 *   - no expression can name an order's shop-timezone bucket in the database (no date operator,
 *     no `$cond`/`$bucket`): for the series the database filters the sales of the range and
 *     projects each to {createdAt, total, refundAmount}; the adapter folds them into buckets
 *     (bucketsOf). This is the one figure read per order;
 *   - no `$lookup`: new vs returning and repeat customers take the range's customer ids from one
 *     `$group` and count their earlier and total sales with `$match: {userId: {$in}}` pipelines;
 *     products' categories and occasions are joined by the application (catalog) and asked back as
 *     product-id sets (`$match: {'items.productId': {$in}}`).
 * On a full MongoDB the same pipelines run unchanged.
 */
import type { Connection, Model } from 'mongoose';
import type {
  AnalyticsQueries,
  AnalyticsWindow,
  BucketFigures,
  CartFigures,
  CustomerFigures,
  KeyedFigures,
  ProductFigures,
  ProductSet,
  ProductSetFigures,
  SalesDimension,
  SalesFigures,
} from '../../../application/analytics/ports.js';
import {
  bucketsOf,
  MEMBERSHIP_DEFAULT_TIER,
  NOT_SALES,
  utcDaysOf,
  type AnalyticsRange,
} from '../../../domain/analytics/figures.js';
import { cartModel } from './cart-repository.js';
import { viewsModel } from './discovery-product-views.js';
import { userModel } from './identity-user-repository.js';
import { openCollection } from './open-collection.js';
import { orderModel } from './ordering-order-repository.js';

type Stage = Record<string, unknown>;
type Row = { _id: unknown; n?: number };

const salesIn = (w: AnalyticsWindow, extra: Stage = {}): Stage => ({
  $match: { status: { $nin: [...NOT_SALES] }, createdAt: { $gte: w.from, $lte: w.to }, ...extra },
});

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

interface PricePoint {
  readonly p?: string;
  readonly u?: number;
  readonly s?: number;
  readonly v?: number;
}
/** The line value of `n` units at a price point (domain/shared/line-pricing's lineTotal). */
const pointValue = (k: PricePoint, n: number) => (num(k.u) + num(k.s) + num(k.v)) * n;
const PRICE_POINT = {
  p: '$items.productId',
  u: '$items.unitPrice',
  s: '$items.size.price',
  v: '$items.vase.price',
};

export class MongoAnalyticsQueries implements AnalyticsQueries {
  private readonly orders: Model<unknown>;
  private readonly cartsModel: Model<unknown>;
  private readonly views: Model<unknown>;
  private readonly users: Model<unknown>;

  constructor(connection: Connection) {
    this.orders = orderModel(connection) as unknown as Model<unknown>;
    this.cartsModel = cartModel(connection) as unknown as Model<unknown>;
    this.views = viewsModel(connection) as unknown as Model<unknown>;
    this.users = userModel(connection) as unknown as Model<unknown>;
  }

  private run(model: Model<unknown>, pipeline: Stage[]): Promise<Row[]> {
    return openCollection(model).aggregate<Row>(pipeline).toArray();
  }

  /** `$count` of a pipeline (0 when nothing matched). */
  private async count(model: Model<unknown>, pipeline: Stage[]): Promise<number> {
    const rows = await this.run(model, [...pipeline, { $count: 'n' }]);
    return num(rows[0]?.n);
  }

  /** One `$sum` per pipeline (FerretDB: only a group's first accumulator is right), by key. */
  private async sum(
    model: Model<unknown>,
    pipeline: Stage[],
    key: unknown,
    value: unknown,
  ): Promise<Map<string, number>> {
    const rows = await this.run(model, [...pipeline, { $group: { _id: key, n: { $sum: value } } }]);
    return new Map(rows.map((r) => [r._id == null ? '' : String(r._id), num(r.n)]));
  }

  /** Quantities sold per price point of the lines matched after `$unwind`. */
  private async pricePoints(pipeline: Stage[]): Promise<{ key: PricePoint; units: number }[]> {
    const rows = await this.run(this.orders, [
      ...pipeline,
      { $unwind: '$items' },
      { $group: { _id: PRICE_POINT, n: { $sum: '$items.quantity' } } },
    ]);
    return rows.map((r) => ({ key: (r._id ?? {}) as PricePoint, units: num(r.n) }));
  }

  async totals(window: AnalyticsWindow): Promise<SalesFigures> {
    const match = [salesIn(window)];
    const [orders, gross, refunds, units] = await Promise.all([
      this.count(this.orders, match),
      this.sum(this.orders, match, null, '$total'),
      this.sum(this.orders, match, null, '$refundAmount'),
      this.sum(this.orders, [...match, { $unwind: '$items' }], null, '$items.quantity'),
    ]);
    return { orders, gross: gross.get('') ?? 0, refunds: refunds.get('') ?? 0, units: units.get('') ?? 0 };
  }

  async series(range: AnalyticsRange): Promise<BucketFigures[]> {
    const buckets = bucketsOf(range);
    const rows = (await this.run(this.orders, [
      salesIn(range),
      { $project: { _id: 0, createdAt: 1, total: 1, refundAmount: 1 } },
      { $sort: { createdAt: 1 } },
    ])) as unknown as { createdAt: Date; total?: number; refundAmount?: number }[];
    const out = buckets.map((b) => ({ period: b.period, orders: 0, gross: 0, refunds: 0 }));
    let i = 0;
    for (const r of rows) {
      while (i < buckets.length && r.createdAt.getTime() >= buckets[i]!.until.getTime()) i++;
      const o = out[i];
      if (!o) break;
      o.orders += 1;
      o.gross += num(r.total);
      o.refunds += num(r.refundAmount);
    }
    return out;
  }

  async byDimension(window: AnalyticsWindow, dimension: SalesDimension): Promise<KeyedFigures[]> {
    const key = dimension === 'city' ? '$shippingAddress.city' : '$paymentInfo.method';
    const match = [salesIn(window)];
    const [orders, gross, refunds] = await Promise.all([
      this.sum(this.orders, match, key, 1),
      this.sum(this.orders, match, key, '$total'),
      this.sum(this.orders, match, key, '$refundAmount'),
    ]);
    return [...orders.entries()]
      .map(([k, n]) => ({ key: k, orders: n, gross: gross.get(k) ?? 0, refunds: refunds.get(k) ?? 0 }))
      .sort((a, b) => b.orders - a.orders || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async products(window: AnalyticsWindow): Promise<ProductFigures[]> {
    const rows = new Map<string, ProductFigures>();
    for (const { key, units } of await this.pricePoints([salesIn(window)])) {
      const id = key.p ?? '';
      const r = rows.get(id) ?? { productId: id, units: 0, revenue: 0 };
      rows.set(id, { productId: id, units: r.units + units, revenue: r.revenue + pointValue(key, units) });
    }
    return [...rows.values()];
  }

  async productSets(window: AnalyticsWindow, sets: readonly ProductSet[]): Promise<ProductSetFigures[]> {
    return Promise.all(
      sets.map(async (set) => {
        const ids = { $in: [...set.productIds] };
        const [orders, points] = await Promise.all([
          this.count(this.orders, [salesIn(window, { 'items.productId': ids })]),
          this.run(this.orders, [
            salesIn(window, { 'items.productId': ids }),
            { $unwind: '$items' },
            { $match: { 'items.productId': ids } },
            { $group: { _id: PRICE_POINT, n: { $sum: '$items.quantity' } } },
          ]),
        ]);
        return {
          key: set.key,
          orders,
          units: points.reduce((s, r) => s + num(r.n), 0),
          revenue: points.reduce((s, r) => s + pointValue((r._id ?? {}) as PricePoint, num(r.n)), 0),
        };
      }),
    );
  }

  async customers(window: AnalyticsWindow): Promise<CustomerFigures> {
    const ids = (await this.run(this.orders, [salesIn(window), { $group: { _id: '$userId' } }])).map((r) =>
      String(r._id),
    );
    if (ids.length === 0) return { customers: 0, newCustomers: 0, returningCustomers: 0, repeatCustomers: 0 };
    const theirs = { status: { $nin: [...NOT_SALES] }, userId: { $in: ids } };
    const [returning, repeat] = await Promise.all([
      this.count(this.orders, [
        { $match: { ...theirs, createdAt: { $lt: window.from } } },
        { $group: { _id: '$userId' } },
      ]),
      this.count(this.orders, [
        { $match: theirs },
        { $group: { _id: '$userId', n: { $sum: 1 } } },
        { $match: { n: { $gte: 2 } } },
      ]),
    ]);
    return {
      customers: ids.length,
      newCustomers: ids.length - returning,
      returningCustomers: returning,
      repeatCustomers: repeat,
    };
  }

  async productViews(window: AnalyticsWindow): Promise<number> {
    const { first, last } = utcDaysOf(window);
    const sums = await this.sum(
      this.views,
      [{ $match: { day: { $gte: first, $lte: last } } }],
      null,
      '$count',
    );
    return sums.get('') ?? 0;
  }

  async carts(window: AnalyticsWindow): Promise<CartFigures> {
    const touched = { updatedAt: { $gte: window.from, $lte: window.to } };
    const [carts, abandoned] = await Promise.all([
      this.count(this.cartsModel, [{ $match: touched }]),
      this.count(this.cartsModel, [{ $match: { ...touched, 'items.0': { $exists: true } } }]),
    ]);
    return { carts, abandoned };
  }

  async membershipTiers(): Promise<{ tier: string; users: number }[]> {
    const rows = await this.sum(this.users, [], '$membershipTier', 1);
    const tiers = new Map<string, number>();
    for (const [k, n] of rows) {
      const tier = k === '' ? MEMBERSHIP_DEFAULT_TIER : k;
      tiers.set(tier, (tiers.get(tier) ?? 0) + n);
    }
    return [...tiers.entries()]
      .map(([tier, users]) => ({ tier, users }))
      .sort((a, b) => (a.tier < b.tier ? -1 : a.tier > b.tier ? 1 : 0));
  }
}
