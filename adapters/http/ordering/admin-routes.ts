import { Type } from '@fastify/type-provider-typebox';
import { GetOrder } from '../../../application/ordering/queries.js';
import { PaymentReferences } from '../../../application/payments/index.js';
import { SalesAnalytics } from '../../../application/ordering/sales-analytics.js';
import { domainError } from '../../../domain/shared/errors.js';
import { toMajor } from '../../../domain/shared/money.js';
import { fail, unwrap } from '../errors.js';
import { bearerAuth, errors, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { registerChangeOrderStatus, registerListAllOrders } from './admin-operations.js';
import { dualOrderData } from './presenter.js';
import { DualOrderData, OrderRefParams } from './schemas.js';

const tags = ['admin'];

/**
 * /api/admin/orders: the admin guard and the audit trail already ran in the admin scope, so
 * `request.principal` is the admin.
 */
export async function adminOrderRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const getOrder = deps.resolve.get(GetOrder);
  const references = deps.resolve.get(PaymentReferences);

  registerListAllOrders(app, deps, {
    path: '/',
    tags,
    summary: 'Every order, newest first, optionally by status',
  });

  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'One order by id or order number',
        security: bearerAuth,
        params: OrderRefParams,
        response: { 200: success(DualOrderData), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const admin = request.principal!.user;
      const order = unwrap(
        await getOrder.execute({ order: request.params.id, userId: admin.id, isAdmin: true }),
      );
      return { status: 'success' as const, data: dualOrderData(order, await references.forOrder(order)) };
    },
  );

  registerChangeOrderStatus(app, deps, {
    path: '/:id/status',
    tags,
    summary: 'Move an order along the fulfilment workflow',
    description:
      'pending -> confirmed | cancelled; confirmed -> processing | cancelled; processing -> shipped | ' +
      'cancelled; shipped -> delivered. Cancelling returns the stock.',
    config: { audit: { action: 'status_change', resource: 'order' } },
  });
}

export const DateParam = Type.Union([Type.String({ format: 'date' }), Type.String({ format: 'date-time' })], {
  description: 'ISO date (YYYY-MM-DD, a whole UTC day) or date-time',
});

const MetricsSchema = Type.Object({
  totalRevenue: Type.Number(),
  totalOrders: Type.Integer(),
  averageOrderValue: Type.Number(),
  totalShipping: Type.Number(),
  totalTax: Type.Number(),
  totalSubtotal: Type.Number(),
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** A date-only end bound covers its whole UTC day. */
export function parseBound(value: string | undefined, end: boolean): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    fail(domainError('VALIDATION_FAILED', `Invalid date: ${value}`));
  }
  return end && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(date.getTime() + DAY_MS - 1) : date;
}

/** /api/admin/analytics (compat 8 and rule 20). */
export async function adminAnalyticsRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const analytics = deps.resolve.get(SalesAnalytics);

  app.get(
    '/sales',
    {
      schema: {
        tags,
        summary: 'Sales metrics, daily trends and top products',
        description:
          'Counts orders created in [startDate, endDate] whose status is neither pending nor cancelled. ' +
          'Revenue (totals, trends, top products) is net of refunds. The dashboard reads the four top-level numbers.',
        security: bearerAuth,
        querystring: Type.Object(
          { startDate: Type.Optional(DateParam), endDate: Type.Optional(DateParam) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            status: Type.Literal('success'),
            totalProducts: Type.Integer(),
            totalOrders: Type.Integer(),
            totalRevenue: Type.Number(),
            activeUsers: Type.Integer(),
            data: Type.Object({
              metrics: MetricsSchema,
              trends: Type.Array(
                Type.Object({ date: Type.String(), revenue: Type.Number(), orders: Type.Integer() }),
              ),
              topProducts: Type.Array(
                Type.Object({
                  productId: Type.String(),
                  name: Type.String(),
                  quantity: Type.Integer(),
                  revenue: Type.Number(),
                }),
              ),
            }),
          }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const from = parseBound(request.query.startDate, false);
      const to = parseBound(request.query.endDate, true);
      const report = unwrap(
        await analytics.execute({
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
        }),
      );
      const m = report.metrics;
      return {
        status: 'success' as const,
        totalProducts: report.totalProducts,
        totalOrders: m.totalOrders,
        totalRevenue: toMajor(m.totalRevenue),
        activeUsers: report.activeUsers,
        data: {
          metrics: {
            totalRevenue: toMajor(m.totalRevenue),
            totalOrders: m.totalOrders,
            averageOrderValue: toMajor(m.averageOrderValue),
            totalShipping: toMajor(m.totalShipping),
            totalTax: toMajor(m.totalTax),
            totalSubtotal: toMajor(m.totalSubtotal),
          },
          trends: report.trends.map((t) => ({ date: t.date, revenue: toMajor(t.revenue), orders: t.orders })),
          topProducts: report.topProducts.map((p) => ({ ...p, revenue: toMajor(p.revenue) })),
        },
      };
    },
  );
}
