import { Type } from '@fastify/type-provider-typebox';
import { ChangeOrderStatus } from '../../../application/ordering/change-order-status.js';
import { ListAllOrders } from '../../../application/ordering/queries.js';
import { PaymentReferences } from '../../../application/payments/index.js';
import { principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { atMount, type RouteMount } from '../route-mount.js';
import { nextCursorOf, NextCursorProps } from '../cursor.js';
import { errors, success } from '../schemas.js';
import type { App, RouteDeps } from '../types.js';
import { OrderSchema, presentOrder } from './presenter.js';
import { OrderListQuery, OrderRefParams, PaginationSchema, StatusChangeBody } from './schemas.js';

/**
 * The admin order operations served twice: under /api/orders (the original's paths, behind
 * `requireAdmin`) and under /api/admin/orders (the admin scope). One schema and one handler each.
 */

/** Every order, newest first, optionally by status, paginated. */
export function registerListAllOrders(app: App, deps: RouteDeps, mount: RouteMount): void {
  const listAll = deps.resolve.get(ListAllOrders);
  const references = deps.resolve.get(PaymentReferences);
  app.get(
    mount.path,
    atMount(mount, {
      querystring: OrderListQuery,
      response: {
        200: success(
          { orders: Type.Array(OrderSchema), pagination: PaginationSchema, ...NextCursorProps },
          { count: Type.Integer() },
        ),
        ...errors(400, 401, 403, 429),
      },
    }),
    async (request) => {
      const { status, page, limit, cursor } = request.query;
      const result = unwrap(
        await listAll.execute({
          ...(status !== undefined ? { status } : {}),
          ...(page !== undefined ? { page } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
          limit,
        }),
      );
      const refs = await references.forOrders(result.items);
      return {
        status: 'success' as const,
        count: result.items.length,
        data: {
          orders: result.items.map((o) => presentOrder(o, refs.get(o.id))),
          pagination: {
            page: result.page,
            limit,
            total: result.total,
            pages: Math.ceil(result.total / limit),
          },
          ...nextCursorOf(result),
        },
      };
    },
  );
}

/** Moves an order along the fulfilment workflow; the caller (an admin) is recorded as `changedBy`. */
export function registerChangeOrderStatus(app: App, deps: RouteDeps, mount: RouteMount): void {
  const changeStatus = deps.resolve.get(ChangeOrderStatus);
  const references = deps.resolve.get(PaymentReferences);
  app.put(
    mount.path,
    atMount(mount, {
      params: OrderRefParams,
      body: StatusChangeBody,
      response: { 200: success({ order: OrderSchema }), ...errors(400, 401, 403, 404, 409, 429) },
    }),
    async (request) => {
      const { user } = principalOf(request);
      const { status, trackingNumber, statusMessage, note } = request.body;
      const order = unwrap(
        await changeStatus.execute({
          order: request.params.id,
          status,
          changedBy: user.id,
          ...(trackingNumber !== undefined ? { trackingNumber } : {}),
          ...(statusMessage !== undefined ? { statusMessage } : {}),
          ...(note !== undefined ? { note } : {}),
        }),
      );
      return {
        status: 'success' as const,
        message: `Order status updated to ${order.status}`,
        data: { order: presentOrder(order, await references.forOrder(order)) },
      };
    },
  );
}
