import type { FastifyRequest } from 'fastify';
import { Type, type Static } from '@fastify/type-provider-typebox';
import { PlaceOrder } from '../../../application/ordering/place-order.js';
import { GetOrder, ListMyOrders } from '../../../application/ordering/queries.js';
import { CancelOrder } from '../../../application/ordering/cancel-order.js';
import { PaymentReferences } from '../../../application/payments/index.js';
import { authHooks, principalOf } from '../auth.js';
import { registerChangeOrderStatus, registerListAllOrders } from './admin-operations.js';
import { fail, unwrap } from '../errors.js';
import { domainError } from '../../../domain/shared/errors.js';
import type { DeliveryChoice } from '../../../application/delivery/index.js';
import { idempotent, IdempotencyKeyHeaders, replayable } from '../idempotency.js';
import { absentBodyAsEmptyObject, bearerAuth, errors, IdParams, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import {
  dualOrderData,
  OrderSchema,
  PopulatedOrderSchema,
  presentOrder,
  presentPopulatedOrder,
} from './presenter.js';
import { CancelBody, DualOrderData, MyOrdersQuery, PlaceOrderBody } from './schemas.js';
import { NextCursorProps } from '../cursor.js';
import { orderLinesFromBody } from './order-lines.js';
import { registerDeliveryRoutes } from './delivery-routes.js';
import { registerOrderNotificationRoutes } from './notification-routes.js';

/** Both or neither: one without the other is a 400 naming the missing one. */
function deliveryChoice(date: string | undefined, slot: string | undefined): DeliveryChoice | undefined {
  if (date === undefined && slot === undefined) return undefined;
  if (date !== undefined && slot !== undefined) return { date, slot };
  const missing = date === undefined ? 'body.deliveryDate' : 'body.deliverySlot';
  const message = 'is required with ' + (date === undefined ? 'deliverySlot' : 'deliveryDate');
  return fail(
    domainError('VALIDATION_FAILED', `${missing} ${message}`, { errors: [{ field: missing, message }] }),
  );
}

/** Shoppers' orders under /api/orders (compat 5), plus the two admin routes the original kept here. */
export async function orderingRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth, requireAdmin } = authHooks(deps.resolve);
  const placeOrder = deps.resolve.get(PlaceOrder);
  const listMine = deps.resolve.get(ListMyOrders);
  const getOrder = deps.resolve.get(GetOrder);
  const cancelOrder = deps.resolve.get(CancelOrder);
  // The storefront gateway's ids the answers carry (compat 5.5) live in the payment records.
  const references = deps.resolve.get(PaymentReferences);
  const idempotency = idempotent(deps);
  const tags = ['orders'];

  app.post(
    '/',
    {
      preHandler: [requireAuth, idempotency.preHandler],
      onSend: idempotency.onSend,
      schema: {
        tags,
        summary: 'Place an order (from the request items, or from the server cart)',
        description:
          'Prices, shipping, tax and totals are computed by the server; client totals are ignored. ' +
          'When there are no items, or any item has no `product` id (lines moved to the cart from the ' +
          'wishlist), the order is placed from the server cart; `data.source` says which was used. ' +
          'With an `Idempotency-Key` a retry answers the first response (`Idempotent-Replayed: true`) ' +
          'and never places a second order.',
        security: bearerAuth,
        headers: IdempotencyKeyHeaders,
        body: PlaceOrderBody,
        response: {
          201: replayable(
            success({
              ...DualOrderData,
              source: Type.Union([Type.Literal('request'), Type.Literal('cart')]),
            }),
          ),
          ...errors(400, 401, 404, 409, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const body = request.body;
      const delivery = deliveryChoice(body.deliveryDate, body.deliverySlot);
      const placed = unwrap(
        await placeOrder.execute({
          userId: user.id,
          lines: orderLinesFromBody(body.items),
          shippingAddress: body.shippingAddress,
          ...(body.shippingMethod !== undefined ? { shippingMethod: body.shippingMethod } : {}),
          ...(body.paymentInfo?.method !== undefined ? { paymentMethod: body.paymentInfo.method } : {}),
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
          ...(body.promoCode !== undefined ? { promoCode: body.promoCode } : {}),
          ...(delivery !== undefined ? { delivery } : {}),
          ...(body.gift !== undefined
            ? { gift: { ...body.gift, anonymous: body.gift.anonymous ?? false } }
            : {}),
        }),
      );
      reply.status(201);
      return {
        status: 'success' as const,
        message: 'Order created successfully',
        data: { ...dualOrderData(placed.order), source: placed.source },
      };
    },
  );

  const listSchema = {
    tags,
    summary: "The caller's orders, newest first (all, or one cursor page with `cursor`)",
    security: bearerAuth,
    querystring: MyOrdersQuery,
    response: {
      200: success(
        { orders: Type.Array(PopulatedOrderSchema) },
        { count: Type.Integer(), ...NextCursorProps },
      ),
      ...errors(400, 401, 429),
    },
  };
  const listHandler = async (request: FastifyRequest) => {
    const { user } = principalOf(request);
    // Validated by `listSchema.querystring` (the handler is shared by two paths, so untyped here).
    const { cursor, limit } = request.query as Static<typeof MyOrdersQuery>;
    const { orders, products, nextCursor } = unwrap(
      await listMine.execute({
        userId: user.id,
        ...(cursor !== undefined ? { cursor } : {}),
        ...(limit !== undefined ? { limit } : {}),
      }),
    );
    const byId = new Map(products.map((p) => [p.id, p]));
    const refs = await references.forOrders(orders);
    return {
      status: 'success' as const,
      count: orders.length,
      ...(nextCursor !== undefined ? { nextCursor } : {}),
      data: { orders: orders.map((o) => presentPopulatedOrder(o, byId, refs.get(o.id))) },
    };
  };
  // Static paths are registered before `/:id` (and win over it in the router anyway).
  app.get('/my-orders', { preHandler: requireAuth, schema: listSchema }, listHandler);
  app.get(
    '/',
    { preHandler: requireAuth, schema: { ...listSchema, summary: 'Alias of /orders/my-orders' } },
    listHandler,
  );

  // Static `/analytics` and the `/:id/...` delivery routes (tracking, delivery updates).
  registerDeliveryRoutes(app, deps);
  registerOrderNotificationRoutes(app, deps);

  registerListAllOrders(app, deps, {
    path: '/admin/all',
    tags,
    summary: 'Every order (admin), newest first',
    preHandler: requireAdmin,
  });

  app.get(
    '/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'One order (owner or admin); the order at the top of `data` and in `data.order`',
        security: bearerAuth,
        params: IdParams,
        response: { 200: success(DualOrderData), ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const order = unwrap(
        await getOrder.execute({ order: request.params.id, userId: user.id, isAdmin: user.role === 'admin' }),
      );
      return { status: 'success' as const, data: dualOrderData(order, await references.forOrder(order)) };
    },
  );

  app.put(
    '/:id/cancel',
    {
      // The body is optional (a PUT may carry none).
      preValidation: absentBodyAsEmptyObject,
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Cancel an own order while pending or confirmed; stock is returned',
        security: bearerAuth,
        params: IdParams,
        body: CancelBody,
        response: { 200: success({ order: OrderSchema }), ...errors(400, 401, 404, 409, 429) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const reason = request.body.reason;
      const order = unwrap(
        await cancelOrder.execute({
          orderId: request.params.id,
          userId: user.id,
          ...(reason !== undefined ? { reason } : {}),
        }),
      );
      return {
        status: 'success' as const,
        message: 'Order cancelled',
        data: { order: presentOrder(order, await references.forOrder(order)) },
      };
    },
  );

  registerChangeOrderStatus(app, deps, {
    path: '/:id/status',
    tags,
    summary: 'Move an order along the fulfilment workflow (admin)',
    preHandler: requireAdmin,
    // audited like its /api/admin twin (the root admin-mutation hook reads it)
    config: { audit: { action: 'status_change', resource: 'order' } },
  });
}
