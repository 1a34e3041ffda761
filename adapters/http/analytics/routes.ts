import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { toCsv } from '../csv.js';
import {
  AnalyticsReports,
  type DashboardReport,
  type Keyed,
  type ProductsReport,
  type Ranked,
  type RevenueReport,
  type SalesReport,
  type UsersReport,
} from '../../../application/analytics/reports.js';
import type { AnalyticsRange, RangeInput } from '../../../domain/analytics/figures.js';
import type { DomainError } from '../../../domain/shared/errors.js';
import { toMajor } from '../../../domain/shared/money.js';
import type { Result } from '../../../domain/shared/result.js';
import { authHooks } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { Dashboard, type DashboardT } from './dashboard-schema.js';

const tags = ['analytics'];

const Bound = Type.String({
  maxLength: 40,
  description: 'YYYY-MM-DD (a whole local day in `timezone`) or an ISO date-time',
});
export const AnalyticsQuery = Type.Object(
  {
    from: Type.Optional(Bound),
    to: Type.Optional(Bound),
    granularity: Type.Optional(
      Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
        description: 'Series buckets (weeks start on Monday); default day',
      }),
    ),
    timezone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'IANA zone of the buckets; default SHOP_TIMEZONE',
      }),
    ),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
type Query = Static<typeof AnalyticsQuery>;

const RangeSchema = Dashboard.properties.range;
const KeyedSchema = Type.Object({ key: Type.String(), orders: Type.Integer(), revenue: Type.Number() });
const RankedSchema = (id: string) =>
  Type.Object({ [id]: Type.String(), name: Type.String(), units: Type.Integer(), revenue: Type.Number() });

const SalesData = {
  range: RangeSchema,
  totals: Type.Object({
    orders: Type.Integer(),
    units: Type.Integer(),
    grossRevenue: Type.Number(),
    refunds: Type.Number(),
    netRevenue: Type.Number(),
    averageOrderValue: Type.Number(),
  }),
  series: Type.Array(
    Type.Object({
      period: Type.String(),
      orders: Type.Integer(),
      grossRevenue: Type.Number(),
      refunds: Type.Number(),
      netRevenue: Type.Number(),
    }),
  ),
};
const ProductsData = {
  range: RangeSchema,
  productViews: Type.Integer(),
  conversionPerView: Type.Number(),
  topProducts: Type.Array(RankedSchema('productId')),
  topCategories: Type.Array(RankedSchema('categoryId')),
  revenueByOccasion: Type.Array(KeyedSchema),
};
const UsersData = {
  range: RangeSchema,
  customers: Type.Integer(),
  newCustomers: Type.Integer(),
  returningCustomers: Type.Integer(),
  repeatCustomers: Type.Integer(),
  repeatCustomerRate: Type.Number(),
  carts: Type.Integer(),
  abandonedCarts: Type.Integer(),
  conversionPerCart: Type.Number(),
  cartAbandonmentRate: Type.Number(),
  membershipTiers: Type.Array(Type.Object({ tier: Type.String(), users: Type.Integer() })),
};
const RevenueData = {
  range: RangeSchema,
  grossRevenue: Type.Number(),
  refunds: Type.Number(),
  netRevenue: Type.Number(),
  revenueByCity: Type.Array(KeyedSchema),
  revenueByPaymentMethod: Type.Array(KeyedSchema),
  revenueByOccasion: Type.Array(KeyedSchema),
};

// ---- presenters: minor units -> rupees, dates -> ISO ----------------------------------------

const range = (r: AnalyticsRange) => ({
  from: r.from.toISOString(),
  to: r.to.toISOString(),
  granularity: r.granularity,
  timezone: r.timeZone,
});
const keyed = (k: Keyed) => ({ key: k.key, orders: k.orders, revenue: toMajor(k.revenue) });
const rankedAs = (id: 'productId' | 'categoryId') => (r: Ranked) => ({
  [id]: r.id,
  name: r.name,
  units: r.units,
  revenue: toMajor(r.revenue),
});

export function presentSales(s: SalesReport) {
  const t = s.totals;
  return {
    range: range(s.range),
    totals: {
      orders: t.orders,
      units: t.units,
      grossRevenue: toMajor(t.grossRevenue),
      refunds: toMajor(t.refunds),
      netRevenue: toMajor(t.netRevenue),
      averageOrderValue: toMajor(t.averageOrderValue),
    },
    series: s.series.map((b) => ({
      period: b.period,
      orders: b.orders,
      grossRevenue: toMajor(b.grossRevenue),
      refunds: toMajor(b.refunds),
      netRevenue: toMajor(b.netRevenue),
    })),
  };
}
export function presentProducts(p: ProductsReport) {
  return {
    range: range(p.range),
    productViews: p.productViews,
    conversionPerView: p.conversionPerView,
    topProducts: p.topProducts.map(rankedAs('productId')) as {
      productId: string;
      name: string;
      units: number;
      revenue: number;
    }[],
    topCategories: p.topCategories.map(rankedAs('categoryId')) as {
      categoryId: string;
      name: string;
      units: number;
      revenue: number;
    }[],
    revenueByOccasion: p.revenueByOccasion.map(keyed),
  };
}
export function presentUsers(u: UsersReport) {
  return { ...u, range: range(u.range) };
}
export function presentRevenue(r: RevenueReport) {
  return {
    range: range(r.range),
    grossRevenue: toMajor(r.grossRevenue),
    refunds: toMajor(r.refunds),
    netRevenue: toMajor(r.netRevenue),
    revenueByCity: r.revenueByCity.map(keyed),
    revenueByPaymentMethod: r.revenueByPaymentMethod.map(keyed),
    revenueByOccasion: r.revenueByOccasion.map(keyed),
  };
}
export function presentDashboard(d: DashboardReport): DashboardT {
  const sales = presentSales(d.sales);
  const products = presentProducts(d.products);
  const revenue = presentRevenue(d.revenue);
  return {
    range: sales.range,
    totals: {
      orders: sales.totals.orders,
      grossRevenue: sales.totals.grossRevenue,
      refunds: sales.totals.refunds,
      netRevenue: sales.totals.netRevenue,
      averageOrderValue: sales.totals.averageOrderValue,
      customers: d.users.customers,
      newCustomers: d.users.newCustomers,
      returningCustomers: d.users.returningCustomers,
      repeatCustomerRate: d.users.repeatCustomerRate,
      productViews: d.products.productViews,
      conversionPerView: d.products.conversionPerView,
      conversionPerCart: d.users.conversionPerCart,
      cartAbandonmentRate: d.users.cartAbandonmentRate,
    },
    series: sales.series.map((b) => ({ period: b.period, orders: b.orders, netRevenue: b.netRevenue })),
    topProducts: products.topProducts,
    topCategories: products.topCategories,
    revenueByCity: revenue.revenueByCity,
    revenueByOccasion: revenue.revenueByOccasion,
    revenueByPaymentMethod: revenue.revenueByPaymentMethod,
    membershipTiers: [...d.users.membershipTiers],
    lowStock: [...d.lowStock],
    latestOrders: d.latestOrders.map((o) => ({
      id: o.id,
      orderNumber: o.orderNumber,
      status: o.status,
      total: toMajor(o.total),
      customer: o.customer,
      createdAt: o.createdAt.toISOString(),
    })),
  };
}

// ---- CSV: a header row, then one row per bucket / item / metric -------------------------------

const csv = (columns: readonly string[], rows: readonly (readonly unknown[])[]) => toCsv(rows, columns);

export const CSV: Record<string, { columns: readonly string[]; rows: (data: never) => unknown[][] }> = {
  sales: {
    columns: ['period', 'orders', 'grossRevenue', 'refunds', 'netRevenue'],
    rows: (d: ReturnType<typeof presentSales>) =>
      d.series.map((b) => [b.period, b.orders, b.grossRevenue, b.refunds, b.netRevenue]),
  },
  products: {
    columns: ['kind', 'id', 'name', 'orders', 'units', 'revenue'],
    rows: (d: ReturnType<typeof presentProducts>) => [
      ...d.topProducts.map((p) => ['product', p.productId, p.name, '', p.units, p.revenue]),
      ...d.topCategories.map((c) => ['category', c.categoryId, c.name, '', c.units, c.revenue]),
      ...d.revenueByOccasion.map((o) => ['occasion', o.key, o.key, o.orders, '', o.revenue]),
    ],
  },
  users: {
    columns: ['metric', 'value'],
    rows: (d: ReturnType<typeof presentUsers>) => [
      ...Object.entries(d).flatMap(([k, v]) => (typeof v === 'number' ? [[k, v]] : [])),
      ...d.membershipTiers.map((t) => [`tier:${t.tier}`, t.users]),
    ],
  },
  revenue: {
    columns: ['dimension', 'key', 'orders', 'revenue'],
    rows: (d: ReturnType<typeof presentRevenue>) => [
      ['total', 'gross', '', d.grossRevenue],
      ['total', 'refunds', '', d.refunds],
      ['total', 'net', '', d.netRevenue],
      ...d.revenueByCity.map((k) => ['city', k.key, k.orders, k.revenue]),
      ...d.revenueByPaymentMethod.map((k) => ['paymentMethod', k.key, k.orders, k.revenue]),
      ...d.revenueByOccasion.map((k) => ['occasion', k.key, k.orders, k.revenue]),
    ],
  },
  dashboard: {
    columns: ['metric', 'value'],
    rows: (d: DashboardT) => [
      ...Object.entries(d.totals).map(([k, v]) => [k, v]),
      ...d.series.map((b) => [`netRevenue:${b.period}`, b.netRevenue]),
    ],
  },
};

function answer(reply: FastifyReply, name: string, data: Record<string, unknown>, format: Query['format']) {
  if (format === 'csv') {
    const spec = CSV[name]!;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="analytics-${name}.csv"`)
      .send(csv(spec.columns, spec.rows(data as never)));
  }
  return reply.send({ status: 'success' as const, data });
}

const input = (q: Query): RangeInput => ({
  ...(q.from !== undefined ? { from: q.from } : {}),
  ...(q.to !== undefined ? { to: q.to } : {}),
  ...(q.granularity !== undefined ? { granularity: q.granularity } : {}),
  ...(q.timezone !== undefined ? { timeZone: q.timezone } : {}),
});

/**
 * /api/analytics/{sales,products,users,revenue,dashboard} (admin): date range, granularity, the
 * shop's timezone, JSON or ?format=csv. Rules of every figure: domain/analytics/figures.ts.
 */
export async function analyticsRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAdmin } = authHooks(deps.resolve);
  const reports = deps.resolve.get(AnalyticsReports);

  const route = <R>(
    name: string,
    summary: string,
    data: Record<string, TSchema> | TSchema,
    run: (i: RangeInput) => Promise<Result<R, DomainError>>,
    present: (r: R) => Record<string, unknown>,
  ) => {
    const json =
      'type' in data && data.type === 'object' ? data : Type.Object(data as Record<string, TSchema>);
    app.get(
      `/${name}`,
      {
        preHandler: requireAdmin,
        schema: {
          tags,
          summary,
          description:
            'Admin only. Range `from`..`to` (default the last 30 days, at most 2 years), series buckets by ' +
            '`granularity` in `timezone` (default SHOP_TIMEZONE). Money in rupees, rates 0-1. ' +
            `?format=csv answers text/csv with a header row: ${CSV[name]!.columns.join(',')}.`,
          security: bearerAuth,
          querystring: AnalyticsQuery,
          response: {
            200: {
              description: 'The report as JSON; with ?format=csv, text/csv',
              content: {
                'application/json': { schema: Type.Object({ status: Type.Literal('success'), data: json }) },
                'text/csv': { schema: Type.String({ description: `CSV: ${CSV[name]!.columns.join(',')}` }) },
              },
            },
            ...errors(400, 401, 403, 429),
          },
        },
      },
      async (request, reply) => {
        const q = request.query as Query;
        return answer(reply, name, present(unwrap(await run(input(q)))), q.format);
      },
    );
  };

  route(
    'sales',
    'Sales: orders, revenue (gross, refunds, net), AOV, series',
    SalesData,
    (i) => reports.sales(i),
    presentSales,
  );
  route(
    'products',
    'Products: top products and categories, revenue by occasion, conversion per view',
    ProductsData,
    (i) => reports.productsReport(i),
    presentProducts,
  );
  route(
    'users',
    'Users: customers new/returning, repeat rate, carts, abandonment, membership tiers',
    UsersData,
    (i) => reports.users(i),
    presentUsers,
  );
  route(
    'revenue',
    'Revenue net of refunds and cancellations, by city, payment method and occasion',
    RevenueData,
    (i) => reports.revenue(i),
    presentRevenue,
  );
  route(
    'dashboard',
    'Everything the admin dashboard shows (adapters/http/analytics/dashboard-schema.ts)',
    Dashboard,
    (i) => reports.dashboard(i),
    presentDashboard,
  );
}
