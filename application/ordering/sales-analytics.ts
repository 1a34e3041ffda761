import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import { lineTotal } from '../../domain/shared/line-pricing.js';
import type { Order } from '../../domain/ordering/order.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import type { ProductRepository } from '../catalog/index.js';
import type { UserRepository } from '../identity/index.js';
import type { OrderRepository } from './ports.js';

/** Orders that count as sales: neither still pending nor cancelled (compat rule 20). */
const EXCLUDED: readonly OrderStatus[] = ['pending', 'cancelled'];
export const TOP_PRODUCTS = 10;

export interface SalesMetrics {
  readonly totalRevenue: Money;
  readonly totalOrders: number;
  /** Mean total, rounded to a whole minor unit; 0 without orders. */
  readonly averageOrderValue: Money;
  readonly totalShipping: Money;
  readonly totalTax: Money;
  readonly totalSubtotal: Money;
}

export interface SalesTrend {
  /** UTC day, YYYY-MM-DD. */
  readonly date: string;
  readonly revenue: Money;
  readonly orders: number;
}

export interface TopProduct {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly revenue: Money;
}

export interface SalesReport {
  readonly metrics: SalesMetrics;
  /** Oldest day first. */
  readonly trends: readonly SalesTrend[];
  /** By revenue, then quantity, at most TOP_PRODUCTS. */
  readonly topProducts: readonly TopProduct[];
  readonly totalProducts: number;
  readonly activeUsers: number;
}

export interface SalesAnalyticsInput {
  /** Inclusive bounds on `createdAt`; open when absent. */
  readonly from?: Date;
  readonly to?: Date;
}

/** What an order brought in: its total less what was refunded of it (never below 0). */
export function netRevenue(order: Order): Money {
  return Math.max(0, order.total - (order.refundAmount ?? 0));
}

/**
 * Revenue is net of refunds (a partially refunded order counts for what was kept); the
 * shipping, tax and subtotal sums are the orders' own figures (a refund is not split over them).
 */
export function salesMetrics(orders: readonly Order[]): SalesMetrics {
  const sum = (f: (o: Order) => number) => orders.reduce((s, o) => s + f(o), 0);
  const totalRevenue = sum(netRevenue);
  return {
    totalRevenue,
    totalOrders: orders.length,
    averageOrderValue: orders.length === 0 ? 0 : Math.round(totalRevenue / orders.length),
    totalShipping: sum((o) => o.shippingFee),
    totalTax: sum((o) => o.tax),
    totalSubtotal: sum((o) => o.subtotal),
  };
}

export class SalesAnalytics {
  constructor(
    private readonly orders: OrderRepository,
    private readonly products: ProductRepository,
    private readonly users: UserRepository,
  ) {}

  async execute(input: SalesAnalyticsInput): Promise<Result<SalesReport, DomainError>> {
    if (input.from && input.to && input.from.getTime() > input.to.getTime()) {
      return Err(domainError('VALIDATION_FAILED', 'startDate must not be after endDate'));
    }
    const all = await this.orders.listCreatedBetween(input.from, input.to);
    const sales = all.filter((o) => !EXCLUDED.includes(o.status));

    const trends = new Map<string, { revenue: Money; orders: number }>();
    const products = new Map<string, TopProduct>();
    for (const order of sales) {
      const day = order.createdAt.toISOString().slice(0, 10);
      const t = trends.get(day) ?? { revenue: 0, orders: 0 };
      trends.set(day, { revenue: t.revenue + netRevenue(order), orders: t.orders + 1 });
      // A refund is spread over the lines in proportion to their value (rounded per line).
      const kept = order.total > 0 ? netRevenue(order) / order.total : 1;
      for (const line of order.items) {
        const p = products.get(line.productId);
        products.set(line.productId, {
          productId: line.productId,
          name: p?.name ?? line.name,
          quantity: (p?.quantity ?? 0) + line.quantity,
          revenue: (p?.revenue ?? 0) + Math.round(lineTotal(line) * kept),
        });
      }
    }

    const [catalog, activeUsers] = await Promise.all([
      this.products.all(),
      this.users.count({ isActive: true }),
    ]);
    return Ok({
      metrics: salesMetrics(sales),
      trends: [...trends.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([date, t]) => ({ date, ...t })),
      topProducts: [...products.values()]
        .sort((a, b) => b.revenue - a.revenue || b.quantity - a.quantity)
        .slice(0, TOP_PRODUCTS),
      totalProducts: catalog.length,
      activeUsers,
    });
  }
}
