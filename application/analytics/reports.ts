import { Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import {
  analyticsRange,
  averageOrderValue,
  rate,
  TOP_LIMIT,
  type AnalyticsRange,
  type RangeInput,
} from '../../domain/analytics/figures.js';
import type { Product } from '../../domain/catalog/product.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import type { CategoryRepository, ProductRepository } from '../catalog/index.js';
import type { OrderRepository } from '../ordering/index.js';
import type { Clock } from '../shared/ports.js';
import type { AnalyticsQueries, AnalyticsSettings, KeyedFigures, SalesFigures } from './ports.js';

/** Money below is minor units; the HTTP edge converts. Rules: domain/analytics/figures.ts. */
export interface Keyed {
  readonly key: string;
  readonly orders: number;
  readonly revenue: Money;
}
export interface Ranked {
  readonly id: string;
  readonly name: string;
  readonly units: number;
  readonly revenue: Money;
}

export interface SalesReport {
  readonly range: AnalyticsRange;
  readonly totals: {
    readonly orders: number;
    readonly units: number;
    readonly grossRevenue: Money;
    readonly refunds: Money;
    readonly netRevenue: Money;
    readonly averageOrderValue: Money;
  };
  readonly series: readonly {
    readonly period: string;
    readonly orders: number;
    readonly grossRevenue: Money;
    readonly refunds: Money;
    readonly netRevenue: Money;
  }[];
}

export interface ProductsReport {
  readonly range: AnalyticsRange;
  readonly productViews: number;
  readonly conversionPerView: number;
  readonly topProducts: readonly Ranked[];
  readonly topCategories: readonly Ranked[];
  readonly revenueByOccasion: readonly Keyed[];
}

export interface UsersReport {
  readonly range: AnalyticsRange;
  readonly customers: number;
  readonly newCustomers: number;
  readonly returningCustomers: number;
  readonly repeatCustomers: number;
  readonly repeatCustomerRate: number;
  readonly carts: number;
  readonly abandonedCarts: number;
  readonly conversionPerCart: number;
  readonly cartAbandonmentRate: number;
  readonly membershipTiers: readonly { readonly tier: string; readonly users: number }[];
}

export interface RevenueReport {
  readonly range: AnalyticsRange;
  readonly grossRevenue: Money;
  readonly refunds: Money;
  readonly netRevenue: Money;
  readonly revenueByCity: readonly Keyed[];
  readonly revenueByPaymentMethod: readonly Keyed[];
  readonly revenueByOccasion: readonly Keyed[];
}

export interface LatestOrder {
  readonly id: string;
  readonly orderNumber: string;
  readonly status: OrderStatus;
  readonly total: Money;
  readonly customer: string;
  readonly createdAt: Date;
}

export interface DashboardReport {
  readonly sales: SalesReport;
  readonly products: ProductsReport;
  readonly users: UsersReport;
  readonly revenue: RevenueReport;
  readonly lowStock: readonly {
    readonly productId: string;
    readonly name: string;
    readonly stock: number;
    readonly lowStockThreshold: number;
  }[];
  readonly latestOrders: readonly LatestOrder[];
}

export const LATEST_ORDERS = 10;

interface Shared {
  totals(): Promise<SalesFigures>;
  occasions(catalog: readonly Product[]): Promise<Keyed[]>;
}
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const net = (k: KeyedFigures): Keyed => ({ key: k.key, orders: k.orders, revenue: k.gross - k.refunds });
const ranked = (rows: Ranked[]) =>
  rows.sort((a, b) => b.revenue - a.revenue || b.units - a.units || byName(a.id, b.id)).slice(0, TOP_LIMIT);

/** The admin's business reports (/api/analytics/*): the port's aggregates, named and derived. */
export class AnalyticsReports {
  constructor(
    private readonly queries: AnalyticsQueries,
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
    private readonly settings: AnalyticsSettings,
  ) {}

  /** The checked range (400 VALIDATION_FAILED naming `from`, `to` or `timezone`). */
  range(input: RangeInput): Result<AnalyticsRange, DomainError> {
    return analyticsRange(input, this.settings.timeZone, this.clock.now());
  }

  private async checked<T>(
    input: RangeInput,
    build: (range: AnalyticsRange) => Promise<T>,
  ): Promise<Result<T, DomainError>> {
    const range = this.range(input);
    if (range.isErr()) return range;
    return Ok(await build(range.value));
  }

  sales(input: RangeInput): Promise<Result<SalesReport, DomainError>> {
    return this.checked(input, (range) => this.salesOf(range, this.shared(range)));
  }
  productsReport(input: RangeInput): Promise<Result<ProductsReport, DomainError>> {
    return this.checked(input, async (range) =>
      this.productsOf(range, await this.products.all(), this.shared(range)),
    );
  }
  users(input: RangeInput): Promise<Result<UsersReport, DomainError>> {
    return this.checked(input, (range) => this.usersOf(range, this.shared(range)));
  }
  revenue(input: RangeInput): Promise<Result<RevenueReport, DomainError>> {
    return this.checked(input, async (range) =>
      this.revenueOf(range, await this.products.all(), this.shared(range)),
    );
  }

  dashboard(input: RangeInput): Promise<Result<DashboardReport, DomainError>> {
    return this.checked(input, async (range) => {
      const catalog = await this.products.all();
      const s = this.shared(range);
      const [sales, products, users, revenue, latest] = await Promise.all([
        this.salesOf(range, s),
        this.productsOf(range, catalog, s),
        this.usersOf(range, s),
        this.revenueOf(range, catalog, s),
        this.orders.list({}, 1, LATEST_ORDERS),
      ]);
      return {
        sales,
        products,
        users,
        revenue,
        lowStock: catalog
          .filter((p) => p.inventory.stock <= p.inventory.lowStockThreshold)
          .sort((a, b) => a.inventory.stock - b.inventory.stock || byName(a.name, b.name))
          .map((p) => ({
            productId: p.id,
            name: p.name,
            stock: p.inventory.stock,
            lowStockThreshold: p.inventory.lowStockThreshold,
          })),
        latestOrders: latest.items.map((o) => ({
          id: o.id,
          orderNumber: o.orderNumber,
          status: o.status,
          total: o.total,
          customer: o.shippingAddress.fullName,
          createdAt: o.createdAt,
        })),
      };
    });
  }

  private async salesOf(range: AnalyticsRange, s: Shared): Promise<SalesReport> {
    const [totals, series] = await Promise.all([s.totals(), this.queries.series(range)]);
    const netRevenue = totals.gross - totals.refunds;
    return {
      range,
      totals: {
        orders: totals.orders,
        units: totals.units,
        grossRevenue: totals.gross,
        refunds: totals.refunds,
        netRevenue,
        averageOrderValue: averageOrderValue(netRevenue, totals.orders),
      },
      series: series.map((b) => ({
        period: b.period,
        orders: b.orders,
        grossRevenue: b.gross,
        refunds: b.refunds,
        netRevenue: b.gross - b.refunds,
      })),
    };
  }

  /** The figures several parts of one answer need, asked of the store once. */
  private shared(range: AnalyticsRange): Shared {
    let totals: Promise<SalesFigures> | undefined;
    let occasions: Promise<Keyed[]> | undefined;
    return {
      totals: () => (totals ??= this.queries.totals(range)),
      occasions: (catalog) => (occasions ??= this.occasions(range, catalog)),
    };
  }

  private async occasions(range: AnalyticsRange, catalog: readonly Product[]): Promise<Keyed[]> {
    const sets = new Map<string, string[]>();
    for (const p of catalog) for (const o of p.occasions) sets.set(o, [...(sets.get(o) ?? []), p.id]);
    const rows = await this.queries.productSets(
      range,
      [...sets.entries()].sort(([a], [b]) => byName(a, b)).map(([key, productIds]) => ({ key, productIds })),
    );
    return rows
      .filter((r) => r.orders > 0)
      .map((r) => ({ key: r.key, orders: r.orders, revenue: r.revenue }))
      .sort((a, b) => b.revenue - a.revenue || byName(a.key, b.key));
  }

  private async productsOf(
    range: AnalyticsRange,
    catalog: readonly Product[],
    s: Shared,
  ): Promise<ProductsReport> {
    const [sold, views, totals, categories, revenueByOccasion] = await Promise.all([
      this.queries.products(range),
      this.queries.productViews(range),
      s.totals(),
      this.categories.list(),
      s.occasions(catalog),
    ]);
    const product = new Map(catalog.map((p) => [p.id, p]));
    const categoryName = new Map(categories.map((c) => [c.id, c.name]));
    const byCategory = new Map<string, Ranked>();
    for (const s of sold) {
      const id = product.get(s.productId)?.categoryId ?? '';
      const c = byCategory.get(id) ?? {
        id,
        name: categoryName.get(id) ?? 'Uncategorised',
        units: 0,
        revenue: 0,
      };
      byCategory.set(id, { ...c, units: c.units + s.units, revenue: c.revenue + s.revenue });
    }
    return {
      range,
      productViews: views,
      conversionPerView: rate(totals.orders, views),
      topProducts: ranked(
        sold.map((s) => ({
          id: s.productId,
          name: product.get(s.productId)?.name ?? s.productId,
          units: s.units,
          revenue: s.revenue,
        })),
      ),
      topCategories: ranked([...byCategory.values()]),
      revenueByOccasion,
    };
  }

  private async usersOf(range: AnalyticsRange, s: Shared): Promise<UsersReport> {
    const [customers, carts, totals, membershipTiers] = await Promise.all([
      this.queries.customers(range),
      this.queries.carts(range),
      s.totals(),
      this.queries.membershipTiers(),
    ]);
    return {
      range,
      ...customers,
      repeatCustomerRate: rate(customers.repeatCustomers, customers.customers),
      carts: carts.carts,
      abandonedCarts: carts.abandoned,
      conversionPerCart: rate(totals.orders, carts.carts),
      cartAbandonmentRate: rate(carts.abandoned, carts.carts),
      membershipTiers,
    };
  }

  private async revenueOf(
    range: AnalyticsRange,
    catalog: readonly Product[],
    s: Shared,
  ): Promise<RevenueReport> {
    const [totals, cities, methods, revenueByOccasion] = await Promise.all([
      s.totals(),
      this.queries.byDimension(range, 'city'),
      this.queries.byDimension(range, 'paymentMethod'),
      s.occasions(catalog),
    ]);
    return {
      range,
      grossRevenue: totals.gross,
      refunds: totals.refunds,
      netRevenue: totals.gross - totals.refunds,
      revenueByCity: cities.map(net),
      revenueByPaymentMethod: methods.map(net),
      revenueByOccasion,
    };
  }
}
