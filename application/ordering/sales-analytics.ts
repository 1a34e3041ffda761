import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import { lineTotal } from '../../domain/shared/line-pricing.js';
import type { Order } from '../../domain/ordering/order.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import type { ProductRepository } from '../catalog/index.js';
import type { UserRepository } from '../identity/index.js';
import type { OrderFigures, OrderRepository } from './ports.js';
import type { Clock } from '../shared/ports.js';

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
export function netRevenue(order: Pick<Order, 'total' | 'refundAmount'>): Money {
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

// ---------------------------------------------------------------------------------------------
// Order analytics (GET /orders/analytics): counts and value of every order by status and period,
// over the store's figures query (no lines read). Sales analytics above count sales only; these
// count every order, whatever became of it.
// ---------------------------------------------------------------------------------------------

export const ANALYTICS_PERIODS = ['day', 'week', 'month'] as const;
export type AnalyticsPeriod = (typeof ANALYTICS_PERIODS)[number];

/** The most periods one answer covers: a year of days. */
export const MAX_ANALYTICS_BUCKETS = 366;
/** Periods covered when `from` is absent. */
export const DEFAULT_ANALYTICS_SPAN: Readonly<Record<AnalyticsPeriod, number>> = {
  day: 30,
  week: 12,
  month: 12,
};

export interface StatusFigures {
  readonly status: OrderStatus;
  readonly count: number;
  /** Sum of the orders' totals, minor units. */
  readonly value: Money;
  /** The same net of refunds (netRevenue). */
  readonly netValue: Money;
}

export interface PeriodFigures {
  /** The period's first day (UTC): YYYY-MM-DD; weeks start on Monday. */
  readonly start: string;
  readonly count: number;
  readonly value: Money;
  readonly netValue: Money;
  /** Only the statuses the period has. */
  readonly byStatus: readonly StatusFigures[];
}

export interface OrderAnalyticsReport {
  readonly period: AnalyticsPeriod;
  readonly from: Date;
  readonly to: Date;
  readonly count: number;
  readonly value: Money;
  readonly netValue: Money;
  /** Every status, in state-machine order (zeros included). */
  readonly byStatus: readonly StatusFigures[];
  /** Every period of [from, to], oldest first (empty ones included). */
  readonly byPeriod: readonly PeriodFigures[];
}

const DAY = 24 * 60 * 60 * 1000;

/** The UTC start of the period holding `at`. */
export function periodStart(at: Date, period: AnalyticsPeriod): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (period === 'day') return day;
  if (period === 'week') return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

function nextPeriod(start: Date, period: AnalyticsPeriod): Date {
  if (period === 'day') return new Date(start.getTime() + DAY);
  if (period === 'week') return new Date(start.getTime() + 7 * DAY);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

function shiftPeriods(start: Date, period: AnalyticsPeriod, n: number): Date {
  if (period === 'day') return new Date(start.getTime() - n * DAY);
  if (period === 'week') return new Date(start.getTime() - 7 * n * DAY);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - n, 1));
}

const ORDERED_STATUSES: readonly OrderStatus[] = [
  'pending',
  'confirmed',
  'processing',
  'shipped',
  'delivered',
  'cancelled',
];

const rangeError = (message: string) =>
  Err(domainError('VALIDATION_FAILED', message, { errors: [{ field: 'from', message }] }));

/** Buckets the figures (pure): by status and by every period of [from, to]. */
export function orderAnalytics(
  figures: readonly OrderFigures[],
  period: AnalyticsPeriod,
  from: Date,
  to: Date,
): OrderAnalyticsReport {
  const add = (f: StatusFigures | undefined, o: OrderFigures, status: OrderStatus): StatusFigures => ({
    status,
    count: (f?.count ?? 0) + 1,
    value: (f?.value ?? 0) + o.total,
    netValue: (f?.netValue ?? 0) + netRevenue(o),
  });
  const byStatus = new Map<OrderStatus, StatusFigures>();
  const periods = new Map<string, Map<OrderStatus, StatusFigures>>();
  for (let s = periodStart(from, period); s.getTime() <= to.getTime(); s = nextPeriod(s, period)) {
    periods.set(s.toISOString().slice(0, 10), new Map());
  }
  for (const o of figures) {
    byStatus.set(o.status, add(byStatus.get(o.status), o, o.status));
    const key = periodStart(o.createdAt, period).toISOString().slice(0, 10);
    const bucket = periods.get(key);
    if (bucket) bucket.set(o.status, add(bucket.get(o.status), o, o.status));
  }
  const sum = (list: readonly StatusFigures[], f: (s: StatusFigures) => number) =>
    list.reduce((t, s) => t + f(s), 0);
  const statuses = ORDERED_STATUSES.map(
    (status) => byStatus.get(status) ?? { status, count: 0, value: 0, netValue: 0 },
  );
  return {
    period,
    from,
    to,
    count: sum(statuses, (s) => s.count),
    value: sum(statuses, (s) => s.value),
    netValue: sum(statuses, (s) => s.netValue),
    byStatus: statuses,
    byPeriod: [...periods.entries()].map(([start, bucket]) => {
      const list = ORDERED_STATUSES.flatMap((s) => (bucket.has(s) ? [bucket.get(s)!] : []));
      return {
        start,
        count: sum(list, (s) => s.count),
        value: sum(list, (s) => s.value),
        netValue: sum(list, (s) => s.netValue),
        byStatus: list,
      };
    }),
  };
}

export interface OrderAnalyticsInput {
  readonly period: AnalyticsPeriod;
  /** Inclusive; default: the start of the period DEFAULT_ANALYTICS_SPAN periods back from `to`. */
  readonly from?: Date;
  /** Inclusive; default: now. */
  readonly to?: Date;
}

/** Counts and value of the orders created in a bounded range, by status and by period (admin). */
export class OrderAnalytics {
  constructor(
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: OrderAnalyticsInput): Promise<Result<OrderAnalyticsReport, DomainError>> {
    const to = input.to ?? this.clock.now();
    const from =
      input.from ??
      shiftPeriods(periodStart(to, input.period), input.period, DEFAULT_ANALYTICS_SPAN[input.period] - 1);
    if (from.getTime() > to.getTime()) return rangeError('from must not be after to');
    let buckets = 0;
    for (
      let s = periodStart(from, input.period);
      s.getTime() <= to.getTime();
      s = nextPeriod(s, input.period)
    ) {
      if (++buckets > MAX_ANALYTICS_BUCKETS) {
        return rangeError(`from..to may cover at most ${MAX_ANALYTICS_BUCKETS} ${input.period}s`);
      }
    }
    const figures = await this.orders.figuresBetween(from, to);
    return Ok(orderAnalytics(figures, input.period, from, to));
  }
}
