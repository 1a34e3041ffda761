import { Type, type Static } from '@fastify/type-provider-typebox';

/**
 * GET /api/analytics/dashboard's answer (`{success: true, data: Dashboard}`): the contract between
 * the analytics routes and the admin dashboard page (/admin/). Money in major units (rupees),
 * rates as fractions 0-1, periods as the shop-timezone start of each bucket (YYYY-MM-DD).
 */
const Keyed = Type.Object({ key: Type.String(), orders: Type.Integer(), revenue: Type.Number() });

export const Dashboard = Type.Object({
  range: Type.Object({
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    granularity: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')]),
    timezone: Type.String(),
  }),
  totals: Type.Object({
    orders: Type.Integer(),
    grossRevenue: Type.Number(),
    refunds: Type.Number(),
    netRevenue: Type.Number(),
    averageOrderValue: Type.Number(),
    customers: Type.Integer(),
    newCustomers: Type.Integer(),
    returningCustomers: Type.Integer(),
    repeatCustomerRate: Type.Number(),
    productViews: Type.Integer(),
    conversionPerView: Type.Number(),
    conversionPerCart: Type.Number(),
    cartAbandonmentRate: Type.Number(),
  }),
  /** One row per bucket of the range, oldest first, zeros included. */
  series: Type.Array(
    Type.Object({ period: Type.String(), orders: Type.Integer(), netRevenue: Type.Number() }),
  ),
  topProducts: Type.Array(
    Type.Object({
      productId: Type.String(),
      name: Type.String(),
      units: Type.Integer(),
      revenue: Type.Number(),
    }),
  ),
  topCategories: Type.Array(
    Type.Object({
      categoryId: Type.String(),
      name: Type.String(),
      units: Type.Integer(),
      revenue: Type.Number(),
    }),
  ),
  revenueByCity: Type.Array(Keyed),
  revenueByOccasion: Type.Array(Keyed),
  revenueByPaymentMethod: Type.Array(Keyed),
  membershipTiers: Type.Array(Type.Object({ tier: Type.String(), users: Type.Integer() })),
  lowStock: Type.Array(
    Type.Object({
      productId: Type.String(),
      name: Type.String(),
      stock: Type.Integer(),
      lowStockThreshold: Type.Integer(),
    }),
  ),
  latestOrders: Type.Array(
    Type.Object({
      id: Type.String(),
      orderNumber: Type.String(),
      status: Type.String(),
      total: Type.Number(),
      customer: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
    }),
  ),
});
export type DashboardT = Static<typeof Dashboard>;
