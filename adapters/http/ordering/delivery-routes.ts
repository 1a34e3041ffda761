import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { UpdateDelivery, type DeliveryRequest } from '../../../application/ordering/update-delivery.js';
import { UploadDeliveryProof } from '../../../application/ordering/delivery-proof.js';
import { readMultipart, receivedFile } from '../media/routes.js';
import { acceptMultipart, UPLOADS_HTTP, type UploadsHttpSettings } from '../media/uploads.js';
import { TrackOrder, trackingOf, type OrderTracking } from '../../../application/ordering/tracking.js';
import { OrderAnalytics, type StatusFigures } from '../../../application/ordering/sales-analytics.js';
import { PaymentReferences } from '../../../application/payments/index.js';
import { isDeliveryStaff } from '../../../domain/identity/user.js';
import { domainError } from '../../../domain/shared/errors.js';
import { toMajor } from '../../../domain/shared/money.js';
import { authHooks, principalOf } from '../auth.js';
import { fail, unwrap } from '../errors.js';
import { bearerAuth, errors, IsoDate, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { parseBound } from './admin-routes.js';
import { OrderSchema, presentOrder } from './presenter.js';
import {
  DeliveryUpdateBody,
  OrderAnalyticsQuery,
  OrderRefParams,
  type DeliveryUpdateBodyJson,
} from './schemas.js';

/** The proof upload's form, validated after parsing (the file is named by its field). */
const ProofForm = Type.Object(
  { file: Type.String({ format: 'binary', description: 'JPEG, PNG, WebP or GIF (checked by content)' }) },
  { additionalProperties: false, required: ['file'] },
);

const DaySchema = Type.Object({ date: Type.String(), slot: Type.Optional(Type.String()) });

export const TrackingSchema = Type.Object({
  orderId: Type.String(),
  orderNumber: Type.String(),
  status: Type.String({ description: 'Fulfilment status (out for delivery stays `shipped`)' }),
  orderStatus: Type.String(),
  deliveryState: Type.String({
    description: 'none | out_for_delivery | attempt_failed | rescheduled | delivered',
  }),
  timeline: Type.Array(
    Type.Object({
      at: IsoDate,
      kind: Type.Union([Type.Literal('status'), Type.Literal('delivery')]),
      status: Type.Optional(Type.String()),
      action: Type.Optional(Type.String()),
      note: Type.Optional(Type.String()),
      reason: Type.Optional(Type.String()),
      recipientName: Type.Optional(Type.String()),
      proofPhotoUrl: Type.Optional(Type.String()),
      rescheduledTo: Type.Optional(DaySchema),
    }),
    { description: 'Status changes and delivery updates, oldest first' },
  ),
  deliveryDate: Type.Optional(
    Type.String({ description: 'The day the order holds: chosen at checkout, moved by a reschedule' }),
  ),
  deliverySlot: Type.Optional(
    Type.String({ description: 'The slot the order holds: chosen at checkout, moved by a reschedule' }),
  ),
  eta: Type.Optional(
    Type.Object({
      date: Type.String(),
      slot: Type.Optional(Type.String()),
      source: Type.Union([Type.Literal('rescheduled'), Type.Literal('chosen'), Type.Literal('estimate')]),
    }),
  ),
  estimatedDelivery: IsoDate,
  courier: Type.Optional(Type.Object({ name: Type.String(), phone: Type.Optional(Type.String()) })),
  trackingNumber: Type.Optional(Type.String()),
  deliveredAt: Type.Optional(IsoDate),
  failedAttempts: Type.Integer(),
});

export function presentTracking(t: OrderTracking) {
  return {
    orderId: t.order.id,
    orderNumber: t.order.orderNumber,
    status: t.status,
    orderStatus: t.orderStatus,
    deliveryState: t.deliveryState,
    timeline: t.timeline.map((e) => ({
      ...e,
      at: e.at.toISOString(),
    })),
    ...(t.chosenDelivery !== undefined ? { deliveryDate: t.chosenDelivery.date } : {}),
    ...(t.chosenDelivery?.slot !== undefined ? { deliverySlot: t.chosenDelivery.slot } : {}),
    ...(t.eta !== undefined ? { eta: t.eta } : {}),
    estimatedDelivery: t.order.estimatedDelivery.toISOString(),
    ...(t.courier !== undefined ? { courier: t.courier } : {}),
    ...(t.trackingNumber !== undefined ? { trackingNumber: t.trackingNumber } : {}),
    ...(t.deliveredAt !== undefined ? { deliveredAt: t.deliveredAt.toISOString() } : {}),
    failedAttempts: t.failedAttempts,
  };
}

/** The fields each action takes beside `action` and `note`. */
const FIELDS_OF: Readonly<Record<DeliveryUpdateBodyJson['action'], readonly string[]>> = {
  'out-for-delivery': ['trackingNumber'],
  delivered: ['recipientName', 'proofPhotoUrl'],
  'failed-attempt': ['reason'],
  rescheduled: ['date', 'slot', 'reason'],
};
const ACTION_FIELDS = ['trackingNumber', 'recipientName', 'proofPhotoUrl', 'reason', 'date', 'slot'] as const;

/** The body as the domain's input; a field the action does not take is refused, naming it. */
function deliveryInput(body: DeliveryUpdateBodyJson): DeliveryRequest {
  const stray = ACTION_FIELDS.find((f) => body[f] !== undefined && !FIELDS_OF[body.action].includes(f));
  if (stray !== undefined) {
    const message = `${stray} is not used by ${body.action}`;
    fail(domainError('VALIDATION_FAILED', message, { errors: [{ field: stray, message }] }));
  }
  switch (body.action) {
    case 'out-for-delivery':
      return {
        action: body.action,
        ...(body.trackingNumber !== undefined ? { trackingNumber: body.trackingNumber } : {}),
      };
    case 'delivered':
      return {
        action: body.action,
        recipientName: body.recipientName ?? '',
        ...(body.proofPhotoUrl !== undefined ? { proofPhotoUrl: body.proofPhotoUrl } : {}),
      };
    case 'failed-attempt':
      return { action: body.action, reason: body.reason ?? '' };
    case 'rescheduled':
      return {
        action: body.action,
        date: body.date ?? '',
        slot: body.slot ?? '',
        reason: body.reason ?? '',
      };
  }
}

function presentFigures(f: StatusFigures) {
  return { status: f.status, count: f.count, value: toMajor(f.value), netValue: toMajor(f.netValue) };
}

const FiguresSchema = Type.Object({
  status: Type.String(),
  count: Type.Integer(),
  value: Type.Number({ description: 'Sum of order totals, major units' }),
  netValue: Type.Number({ description: 'The same net of refunds' }),
});

/**
 * Under /api/orders: delivery updates (admin or courier), tracking (owner, admin or courier) and
 * order analytics (admin). Static `/analytics` is registered with the other routes of the plugin;
 * the router prefers it over `/:id` (test/http/ordering/tracking.test.ts checks both prefixes).
 */
export function registerDeliveryRoutes(app: App, deps: HttpRouteDeps): void {
  const { requireAuth, requireAdmin, requireDeliveryStaff } = authHooks(deps.resolve);
  const updateDelivery = deps.resolve.get(UpdateDelivery);
  const trackOrder = deps.resolve.get(TrackOrder);
  const analytics = deps.resolve.get(OrderAnalytics);
  const references = deps.resolve.get(PaymentReferences);
  const uploadProof = deps.resolve.get(UploadDeliveryProof);
  const { maxBytes } = deps.resolve.get<UploadsHttpSettings>(UPLOADS_HTTP);
  const tags = ['orders'];

  // The upload, in a scope of its own: only it parses multipart bodies (media/uploads.ts).
  void app.register(async (scope: App) => {
    await acceptMultipart(scope, maxBytes);
    scope.post(
      '/:id/delivery/proof',
      {
        // Who may upload is settled before the body is read.
        onRequest: requireDeliveryStaff,
        preValidation: readMultipart(maxBytes),
        schema: {
          tags,
          summary: 'Upload the proof-of-delivery photo of an order on its way (admin or courier)',
          description:
            `multipart/form-data with a \`file\` (JPEG, PNG, WebP or GIF, recognised by its bytes; at most ${maxBytes} ` +
            "bytes, else 413). Stored through the shop's image store (local folder or Cloudinary); answers its " +
            '`url`, which the `delivered` update takes as `proofPhotoUrl` (no other URL is accepted there).',
          security: bearerAuth,
          consumes: ['multipart/form-data'],
          params: OrderRefParams,
          body: {
            content: { 'multipart/form-data': { schema: ProofForm } },
          } as unknown as TSchema,
          response: {
            201: success({ url: Type.String({ description: "The photo's URL in the shop's image store" }) }),
            ...errors(400, 401, 403, 404, 409, 413, 429, 502),
          },
        },
      },
      async (request, reply) => {
        const file = receivedFile(request);
        const stored = unwrap(
          await uploadProof.execute({
            order: request.params.id,
            bytes: file.bytes,
            filename: file.filename,
            declaredMimeType: file.mimeType,
          }),
        );
        reply.status(201);
        return { status: 'success' as const, message: 'Proof of delivery stored', data: { url: stored.url } };
      },
    );
  });

  app.get(
    '/analytics',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Order counts and value by status and by period (admin)',
        description:
          'Every order created in [from, to] (at most 366 periods), whatever its status. `byStatus` lists ' +
          'every status; `byPeriod` every day, week (from Monday, UTC) or month of the range, oldest first.',
        security: bearerAuth,
        querystring: OrderAnalyticsQuery,
        response: {
          200: success({
            period: Type.String(),
            from: IsoDate,
            to: IsoDate,
            count: Type.Integer(),
            value: Type.Number(),
            netValue: Type.Number(),
            byStatus: Type.Array(FiguresSchema),
            byPeriod: Type.Array(
              Type.Object({
                start: Type.String({ description: 'First day of the period, YYYY-MM-DD' }),
                count: Type.Integer(),
                value: Type.Number(),
                netValue: Type.Number(),
                byStatus: Type.Array(FiguresSchema),
              }),
            ),
          }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const { period } = request.query;
      const from = parseBound(request.query.from, false);
      const to = parseBound(request.query.to, true);
      const report = unwrap(
        await analytics.execute({
          period,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
        }),
      );
      return {
        status: 'success' as const,
        data: {
          period: report.period,
          from: report.from.toISOString(),
          to: report.to.toISOString(),
          count: report.count,
          value: toMajor(report.value),
          netValue: toMajor(report.netValue),
          byStatus: report.byStatus.map(presentFigures),
          byPeriod: report.byPeriod.map((p) => ({
            start: p.start,
            count: p.count,
            value: toMajor(p.value),
            netValue: toMajor(p.netValue),
            byStatus: p.byStatus.map(presentFigures),
          })),
        },
      };
    },
  );

  app.get(
    '/:id/tracking',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary:
          'Tracking of an order (owner, admin or courier): timeline, delivery day and slot, ETA, courier',
        security: bearerAuth,
        params: OrderRefParams,
        response: { 200: success({ tracking: TrackingSchema }), ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const tracking = unwrap(
        await trackOrder.execute({
          order: request.params.id,
          userId: user.id,
          isStaff: isDeliveryStaff(user),
        }),
      );
      return { status: 'success' as const, data: { tracking: presentTracking(tracking) } };
    },
  );

  app.put(
    '/:id/delivery',
    {
      preHandler: requireDeliveryStaff,
      config: { audit: { action: 'status_change', resource: 'order' } },
      schema: {
        tags,
        summary: 'Record a delivery update (admin or courier)',
        description:
          'out-for-delivery (from processing or shipped; status becomes/stays `shipped`), delivered (after ' +
          'out-for-delivery; `recipientName` required; status `delivered`), failed-attempt (after ' +
          'out-for-delivery; `reason` required), rescheduled (before a run or after a failed attempt; `date`, ' +
          '`slot` and `reason` required: the slot is booked like at checkout, 409 DELIVERY_SLOT_CLOSED / ' +
          "DELIVERY_SLOT_FULL, 400 DELIVERY_SLOT_UNKNOWN, and the old one given back; the order's delivery " +
          'day, slot and estimate move). `proofPhotoUrl` must come from POST /orders/:id/delivery/proof. ' +
          'Out of order: 409 INVALID_DELIVERY_TRANSITION.',
        security: bearerAuth,
        params: OrderRefParams,
        body: DeliveryUpdateBody,
        response: {
          200: success({ order: OrderSchema, tracking: TrackingSchema }),
          ...errors(400, 401, 403, 404, 409, 429),
        },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const order = unwrap(
        await updateDelivery.execute({
          order: request.params.id,
          update: deliveryInput(request.body),
          by: {
            id: user.id,
            name: user.fullName,
            ...(user.phone !== undefined ? { phone: user.phone } : {}),
          },
          ...(request.body.note !== undefined ? { note: request.body.note } : {}),
        }),
      );
      return {
        status: 'success' as const,
        message: `Delivery updated: ${request.body.action}`,
        data: {
          order: presentOrder(order, await references.forOrder(order)),
          tracking: presentTracking(trackingOf(order)),
        },
      };
    },
  );
}
