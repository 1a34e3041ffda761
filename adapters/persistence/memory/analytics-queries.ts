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
  isSale,
  MEMBERSHIP_DEFAULT_TIER,
  utcDaysOf,
  type AnalyticsRange,
} from '../../../domain/analytics/figures.js';
import type { Cart } from '../../../domain/cart/cart.js';
import type { DailyViews } from '../../../domain/discovery/scoring.js';
import type { User } from '../../../domain/identity/user.js';
import type { Order } from '../../../domain/ordering/order.js';
import { lineTotal } from '../../../domain/shared/line-pricing.js';
import { USERS_COLLECTION } from './identity-user-repository.js';
import type { MemoryDatabase } from './memory-database.js';

const within = (at: Date, from: Date, to: Date) =>
  at.getTime() >= from.getTime() && at.getTime() <= to.getTime();

function figures(orders: readonly Order[]): SalesFigures {
  return {
    orders: orders.length,
    gross: orders.reduce((s, o) => s + o.total, 0),
    refunds: orders.reduce((s, o) => s + (o.refundAmount ?? 0), 0),
    units: orders.reduce((s, o) => s + o.items.reduce((u, l) => u + l.quantity, 0), 0),
  };
}

const byKey = <T extends { key: string; orders: number }>(a: T, b: T) =>
  b.orders - a.orders || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The analytics aggregates over the embedded default's collections (orders, carts, product_views,
 * users), in JS, by the rules of domain/analytics/figures.ts: the reference the Mongo adapter's
 * pipelines are held to by the contract suite.
 */
export class MemoryAnalyticsQueries implements AnalyticsQueries {
  constructor(private readonly db: MemoryDatabase) {}

  private sales(window: AnalyticsWindow): Order[] {
    return [...this.db.collection<Order>('orders').values()].filter(
      (o) => isSale(o.status) && within(o.createdAt, window.from, window.to),
    );
  }

  async totals(window: AnalyticsWindow): Promise<SalesFigures> {
    return figures(this.sales(window));
  }

  async series(range: AnalyticsRange): Promise<BucketFigures[]> {
    const sales = this.sales(range);
    return bucketsOf(range).map((b) => {
      const { orders, gross, refunds } = figures(
        sales.filter(
          (o) => o.createdAt.getTime() >= b.from.getTime() && o.createdAt.getTime() < b.until.getTime(),
        ),
      );
      return { period: b.period, orders, gross, refunds };
    });
  }

  async byDimension(window: AnalyticsWindow, dimension: SalesDimension): Promise<KeyedFigures[]> {
    const rows = new Map<string, KeyedFigures>();
    for (const o of this.sales(window)) {
      const key = (dimension === 'city' ? o.shippingAddress.city : o.paymentInfo.method) ?? '';
      const r = rows.get(key) ?? { key, orders: 0, gross: 0, refunds: 0 };
      rows.set(key, {
        key,
        orders: r.orders + 1,
        gross: r.gross + o.total,
        refunds: r.refunds + (o.refundAmount ?? 0),
      });
    }
    return [...rows.values()].sort(byKey);
  }

  async products(window: AnalyticsWindow): Promise<ProductFigures[]> {
    const rows = new Map<string, ProductFigures>();
    for (const o of this.sales(window)) {
      for (const l of o.items) {
        const r = rows.get(l.productId) ?? { productId: l.productId, units: 0, revenue: 0 };
        rows.set(l.productId, { ...r, units: r.units + l.quantity, revenue: r.revenue + lineTotal(l) });
      }
    }
    return [...rows.values()];
  }

  async productSets(window: AnalyticsWindow, sets: readonly ProductSet[]): Promise<ProductSetFigures[]> {
    const sales = this.sales(window);
    return sets.map((set) => {
      const ids = new Set(set.productIds);
      let orders = 0;
      let units = 0;
      let revenue = 0;
      for (const o of sales) {
        const lines = o.items.filter((l) => ids.has(l.productId));
        if (lines.length === 0) continue;
        orders += 1;
        units += lines.reduce((s, l) => s + l.quantity, 0);
        revenue += lines.reduce((s, l) => s + lineTotal(l), 0);
      }
      return { key: set.key, orders, units, revenue };
    });
  }

  async customers(window: AnalyticsWindow): Promise<CustomerFigures> {
    const customers = new Set(this.sales(window).map((o) => o.userId));
    const ever = new Map<string, number>();
    const before = new Set<string>();
    for (const o of this.db.collection<Order>('orders').values()) {
      if (!isSale(o.status) || !customers.has(o.userId)) continue;
      ever.set(o.userId, (ever.get(o.userId) ?? 0) + 1);
      if (o.createdAt.getTime() < window.from.getTime()) before.add(o.userId);
    }
    return {
      customers: customers.size,
      newCustomers: customers.size - before.size,
      returningCustomers: before.size,
      repeatCustomers: [...ever.values()].filter((n) => n >= 2).length,
    };
  }

  async productViews(window: AnalyticsWindow): Promise<number> {
    const { first, last } = utcDaysOf(window);
    return [...this.db.collection<DailyViews>('product_views').values()]
      .filter((v) => v.day >= first && v.day <= last)
      .reduce((s, v) => s + v.count, 0);
  }

  async carts(window: AnalyticsWindow): Promise<CartFigures> {
    const carts = [...this.db.collection<Cart>('carts').values()].filter((c) =>
      within(c.updatedAt, window.from, window.to),
    );
    return { carts: carts.length, abandoned: carts.filter((c) => c.items.length > 0).length };
  }

  async membershipTiers(): Promise<{ tier: string; users: number }[]> {
    const tiers = new Map<string, number>();
    for (const u of this.db.collection<User>(USERS_COLLECTION).values()) {
      const tier = u.membershipTier ?? MEMBERSHIP_DEFAULT_TIER;
      tiers.set(tier, (tiers.get(tier) ?? 0) + 1);
    }
    return [...tiers.entries()]
      .map(([tier, users]) => ({ tier, users }))
      .sort((a, b) => (a.tier < b.tier ? -1 : a.tier > b.tier ? 1 : 0));
  }
}
