import { Type } from '@fastify/type-provider-typebox';
import { fromMajor, toMajor } from '../../../domain/shared/money.js';
import { domainError } from '../../../domain/shared/errors.js';
import { storefrontStatus, type Order } from '../../../domain/ordering/order.js';
import type { PaymentRecord } from '../../../domain/payments/payment-record.js';
import { ConfirmPayment, CreatePaymentIntent } from '../../../application/payments/intents.js';
import { HANDLED_WEBHOOK_EVENTS, HandlePaymentWebhook } from '../../../application/payments/webhooks.js';
import {
  CreateSetupIntent,
  ListPaymentMethods,
  SavePaymentMethod,
} from '../../../application/payments/methods.js';
import { GetPaymentStatus, RefundPayment } from '../../../application/payments/status-and-refunds.js';
import { CreateCheckoutOrder, VerifyCheckoutPayment } from '../../../application/payments/checkout.js';
import { PaymentReferences, type PaymentReference } from '../../../application/payments/references.js';
import { authHooks, principalOf } from '../auth.js';
import { DomainFailure, unwrap } from '../errors.js';
import { idempotent, IdempotencyKeyHeaders, replayable } from '../idempotency.js';
import {
  absentBodyAsEmptyObject,
  Amount,
  bearerAuth,
  errors,
  IsoDate,
  LongText,
  ObjectId,
  PositiveAmount,
  success,
} from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { OrderSchema, presentOrder } from '../ordering/presenter.js';

const tags = ['payments'];
const PaymentMethodId = Type.String({
  minLength: 3,
  maxLength: 255,
  pattern: '^[A-Za-z0-9_]+$',
  description:
    'A gateway payment-method id (Stripe test ids: pm_card_visa, pm_card_chargeDeclined, ...); never card data',
});
const GatewayId = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_\\-]+$' });

const IntentData = {
  paymentId: Type.String({ description: 'Our payment record id' }),
  paymentIntentId: Type.String(),
  clientSecret: Type.String({ description: 'For the client SDK (Stripe.js confirmCardPayment)' }),
  amount: Type.Number({ description: 'The order total, major units' }),
  currency: Type.String(),
  status: Type.String(),
  orderId: Type.String(),
};

const SavedMethodSchema = Type.Object({
  id: Type.String(),
  brand: Type.String(),
  last4: Type.String(),
  expMonth: Type.Integer(),
  expYear: Type.Integer(),
});

const PaymentDetailsSchema = Type.Object({
  _id: Type.String(),
  gateway: Type.String(),
  intentId: Type.String(),
  amount: Type.Number(),
  currency: Type.String(),
  status: Type.String(),
  refundedAmount: Type.Number(),
  gatewayPaymentId: Type.Optional(Type.String()),
  failureCode: Type.Optional(Type.String()),
  events: Type.Array(
    Type.Object({
      type: Type.String(),
      at: IsoDate,
      eventId: Type.Optional(Type.String()),
      detail: Type.Optional(Type.String()),
    }),
  ),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});

function presentRecord(r: PaymentRecord) {
  return {
    _id: r.id,
    gateway: r.gateway,
    intentId: r.intentId,
    amount: toMajor(r.amount),
    currency: r.currency,
    status: r.status,
    refundedAmount: toMajor(r.refundedAmount),
    ...(r.gatewayPaymentId !== undefined ? { gatewayPaymentId: r.gatewayPaymentId } : {}),
    ...(r.failureCode !== undefined ? { failureCode: r.failureCode } : {}),
    events: r.events.map((e) => ({
      type: e.type,
      at: e.at.toISOString(),
      ...(e.eventId !== undefined ? { eventId: e.eventId } : {}),
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
    })),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function presentStatus(order: Order, payments: readonly PaymentRecord[], ref: PaymentReference) {
  return {
    orderId: order.id,
    orderNumber: order.orderNumber,
    paymentStatus: order.paymentStatus,
    orderStatus: storefrontStatus(order),
    totalAmount: toMajor(order.total),
    refundAmount: toMajor(order.refundAmount ?? 0),
    ...(order.paidAt !== undefined ? { paidAt: order.paidAt.toISOString() } : {}),
    ...(order.refundedAt !== undefined ? { refundedAt: order.refundedAt.toISOString() } : {}),
    paymentDetails: {
      method: order.paymentInfo.method,
      ...(order.paymentInfo.paymentId !== undefined ? { paymentId: order.paymentInfo.paymentId } : {}),
      status: order.paymentStatus,
      ...(ref.razorpayOrderId !== undefined ? { razorpayOrderId: ref.razorpayOrderId } : {}),
      ...(ref.razorpayPaymentId !== undefined ? { razorpayPaymentId: ref.razorpayPaymentId } : {}),
      payments: payments.map(presentRecord),
    },
  };
}

/**
 * Payments under /api/payments: Stripe-shaped intents (create-intent, confirm, webhook, saved
 * methods, status, admin refund) and the storefront's Razorpay-shaped flow (create-order,
 * verify; compat 7). Amounts and currency always come from the order, never from the client.
 */
export async function paymentsRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth, requireAdmin } = authHooks(deps.resolve);
  const createIntent = deps.resolve.get(CreatePaymentIntent);
  const confirm = deps.resolve.get(ConfirmPayment);
  const webhook = deps.resolve.get(HandlePaymentWebhook);
  const listMethods = deps.resolve.get(ListPaymentMethods);
  const saveMethod = deps.resolve.get(SavePaymentMethod);
  const setupIntent = deps.resolve.get(CreateSetupIntent);
  const status = deps.resolve.get(GetPaymentStatus);
  const refund = deps.resolve.get(RefundPayment);
  const createOrder = deps.resolve.get(CreateCheckoutOrder);
  const verify = deps.resolve.get(VerifyCheckoutPayment);
  // The storefront gateway's ids an order answer carries (compat 5.5), from the payment records.
  const references = deps.resolve.get(PaymentReferences);
  const idem = idempotent(deps);

  app.post(
    '/create-intent',
    {
      preHandler: [requireAuth, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags,
        summary: 'Create (or answer the existing) payment intent for one of your orders',
        description:
          "Amount and currency come only from the order. Another user's order is 404; a paid order 409 " +
          'ORDER_ALREADY_PAID. Retries answer the same intent. 503 PAYMENTS_DISABLED when card ' +
          'payments are turned off (CARD_PAYMENTS_ENABLED=false).',
        security: bearerAuth,
        headers: IdempotencyKeyHeaders,
        body: Type.Object({ orderId: ObjectId }, { additionalProperties: false }),
        response: { 200: replayable(success(IntentData)), ...errors(400, 401, 404, 409, 422, 502, 503) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const intent = unwrap(await createIntent.execute({ orderId: request.body.orderId, userId: user.id }));
      return { status: 'success' as const, data: { ...intent, amount: toMajor(intent.amount) } };
    },
  );

  app.post(
    '/confirm',
    {
      preHandler: [requireAuth, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags,
        summary: 'Confirm your payment intent with a payment method',
        description:
          'Captures at most once: confirming a paid intent answers the paid order. `requires_action` ' +
          '(3-D Secure) answers 200 with the client secret; a decline is 402 PAYMENT_DECLINED with ' +
          '`declineCode` (card_declined, insufficient_funds, ...), and the order shows payment_failed. ' +
          'A method saved to another customer is 404 PAYMENT_METHOD_NOT_FOUND (nothing is charged).',
        security: bearerAuth,
        headers: IdempotencyKeyHeaders,
        body: Type.Object(
          { paymentIntentId: GatewayId, paymentMethod: PaymentMethodId },
          { additionalProperties: false },
        ),
        response: {
          200: replayable(
            success({
              paymentIntentId: Type.String(),
              status: Type.String(),
              clientSecret: Type.String(),
              order: OrderSchema,
            }),
          ),
          ...errors(400, 401, 402, 404, 409, 422, 502, 503),
        },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const r = unwrap(
        await confirm.execute({
          paymentIntentId: request.body.paymentIntentId,
          paymentMethod: request.body.paymentMethod,
          userId: user.id,
        }),
      );
      return {
        status: 'success' as const,
        data: {
          paymentIntentId: r.paymentIntentId,
          status: r.status,
          clientSecret: r.clientSecret,
          order: presentOrder(r.order, await references.forOrder(r.order)),
        },
      };
    },
  );

  // The webhook reads its body as the raw string the signature covers: its own content-type
  // parser, in an encapsulated scope so no other route is affected.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post(
      '/webhook',
      {
        schema: {
          tags,
          summary: 'Gateway webhook (Stripe event format, signed)',
          description:
            'Public. The raw body must carry a valid `Stripe-Signature` made with STRIPE_WEBHOOK_SECRET ' +
            '(whichever gateway is active; signatures older than 5 minutes are stale): else 400 ' +
            `WEBHOOK_SIGNATURE_INVALID. Events handled: ${HANDLED_WEBHOOK_EVENTS.join(', ')}; others are ` +
            'acknowledged and ignored. Each event id is processed exactly once (duplicates answer ' +
            '`outcome: duplicate`); events in any order leave the right state.',
          headers: Type.Object({
            'stripe-signature': Type.Optional(
              Type.String({
                description: 'Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">',
              }),
            ),
          }),
          response: {
            200: Type.Object({
              status: Type.Literal('ok'),
              received: Type.Boolean(),
              eventId: Type.String(),
              type: Type.String(),
              outcome: Type.Union([
                Type.Literal('processed'),
                Type.Literal('duplicate'),
                Type.Literal('ignored'),
              ]),
            }),
            ...errors(400),
          },
        },
      },
      async (request) => {
        const raw = typeof request.body === 'string' ? request.body : '';
        const signature = request.headers['stripe-signature'];
        const outcome = unwrap(
          await webhook.execute({
            rawBody: raw,
            signature: typeof signature === 'string' ? signature : undefined,
          }),
        );
        return { status: 'ok' as const, received: true, ...outcome };
      },
    );
  });

  app.get(
    '/methods',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Your saved payment methods (brand, last 4 digits, expiry; never card data)',
        security: bearerAuth,
        response: { 200: success({ methods: Type.Array(SavedMethodSchema) }), ...errors(401, 502, 503) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      return {
        status: 'success' as const,
        data: { methods: unwrap(await listMethods.execute({ userId: user.id })) },
      };
    },
  );

  app.post(
    '/methods',
    {
      preHandler: [requireAuth, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags,
        summary: 'Save a payment method (a gateway payment-method id) to your gateway customer',
        security: bearerAuth,
        headers: IdempotencyKeyHeaders,
        body: Type.Object({ paymentMethod: PaymentMethodId }, { additionalProperties: false }),
        response: {
          201: replayable(success({ method: SavedMethodSchema })),
          ...errors(400, 401, 404, 422, 502, 503),
        },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const method = unwrap(
        await saveMethod.execute({ userId: user.id, paymentMethod: request.body.paymentMethod }),
      );
      reply.code(201);
      return { status: 'success' as const, data: { method } };
    },
  );

  app.post(
    '/methods/setup-intent',
    {
      preValidation: absentBodyAsEmptyObject, // the body may be absent
      preHandler: [requireAuth, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags,
        summary: 'A setup intent, to collect a card for later with the client SDK',
        security: bearerAuth,
        headers: IdempotencyKeyHeaders,
        body: Type.Object({}, { additionalProperties: false }),
        response: {
          201: replayable(success({ setupIntentId: Type.String(), clientSecret: Type.String() })),
          ...errors(400, 401, 422, 502, 503),
        },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const s = unwrap(await setupIntent.execute({ userId: user.id }));
      reply.code(201);
      return { status: 'success' as const, data: { setupIntentId: s.id, clientSecret: s.clientSecret } };
    },
  );

  app.get(
    '/status/:orderId',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "An order's payment status (yours; admins: any)",
        security: bearerAuth,
        params: Type.Object({ orderId: ObjectId }, { additionalProperties: false }),
        response: {
          200: success({
            orderId: Type.String(),
            orderNumber: Type.String(),
            paymentStatus: Type.String(),
            orderStatus: Type.String(),
            totalAmount: Type.Number(),
            refundAmount: Type.Number(),
            paidAt: Type.Optional(IsoDate),
            refundedAt: Type.Optional(IsoDate),
            paymentDetails: Type.Object({
              method: Type.String(),
              paymentId: Type.Optional(Type.String()),
              status: Type.String(),
              razorpayOrderId: Type.Optional(Type.String()),
              razorpayPaymentId: Type.Optional(Type.String()),
              payments: Type.Array(PaymentDetailsSchema),
            }),
          }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const view = unwrap(
        await status.execute({
          orderId: request.params.orderId,
          userId: user.id,
          isAdmin: user.role === 'admin',
        }),
      );
      const ref = await references.forOrder(view.order);
      return { status: 'success' as const, data: presentStatus(view.order, view.payments, ref) };
    },
  );

  app.post(
    '/refund',
    {
      preHandler: [requireAdmin, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags,
        summary: 'Admin: refund an order in full (no amount) or in part',
        description:
          'Through the gateway that captured it. `paymentStatus` becomes partially_refunded or refunded, ' +
          '`orderStatus` refunded. Above what is left: 400 REFUND_EXCEEDS_PAYMENT; unpaid: 409 ORDER_NOT_PAID.',
        security: bearerAuth,
        headers: IdempotencyKeyHeaders,
        body: Type.Object(
          {
            orderId: ObjectId,
            amount: Type.Optional(PositiveAmount('Major units')),
            reason: Type.Optional(LongText(500)),
          },
          { additionalProperties: false },
        ),
        response: {
          200: replayable(success({ order: OrderSchema })),
          ...errors(400, 401, 403, 404, 409, 422, 502),
        },
      },
    },
    async (request) => {
      const admin = principalOf(request).user;
      const { orderId, amount, reason } = request.body;
      const order = unwrap(
        await refund.execute({
          orderId,
          adminId: admin.id,
          ...(amount !== undefined ? { amount: fromMajor(amount) } : {}),
          ...(reason !== undefined ? { reason } : {}),
        }),
      );
      return {
        status: 'success' as const,
        message: 'Refund processed',
        data: { order: presentOrder(order, await references.forOrder(order)) },
      };
    },
  );

  // ---- The storefront's gateway flow (compat 7) ----

  app.post(
    '/create-order',
    {
      preHandler: [requireAuth, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags,
        summary: 'Storefront checkout: create the gateway order for one of your orders (Razorpay-shaped)',
        description:
          'The client `amount` and `currency` are accepted and IGNORED: the order total is charged. ' +
          '`data.amount` is in minor units (paise), as the checkout widget expects. 400 `Amount and ' +
          'order ID are required`. 503 PAYMENTS_DISABLED when no Razorpay keys are configured in ' +
          'production (never a fake gateway order).',
        security: bearerAuth,
        headers: IdempotencyKeyHeaders,
        body: Type.Object(
          {
            amount: Type.Optional(Type.Union([Amount, Type.String({ maxLength: 30 })])),
            orderId: Type.Optional(Type.String({ maxLength: 100 })),
            currency: Type.Optional(Type.String({ maxLength: 10 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: replayable(
            success({
              razorpayOrderId: Type.String(),
              amount: Type.Integer({ description: 'Minor units' }),
              currency: Type.String(),
              key: Type.String({ description: 'The public key id' }),
              order: Type.Object({
                id: Type.String(),
                _id: Type.String(),
                orderNumber: Type.String(),
                customerName: Type.String(),
                customerEmail: Type.String(),
                customerPhone: Type.Optional(Type.String()),
              }),
            }),
          ),
          ...errors(400, 401, 404, 409, 422, 502, 503),
        },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const { amount, orderId } = request.body;
      if (amount === undefined || amount === '' || !orderId) {
        throw new DomainFailure(domainError('VALIDATION_FAILED', 'Amount and order ID are required'));
      }
      if (!/^[0-9a-f]{24}$/.test(orderId))
        throw new DomainFailure(domainError('ORDER_NOT_FOUND', 'Order not found'));
      const v = unwrap(await createOrder.execute({ orderId, userId: user.id }));
      return {
        status: 'success' as const,
        data: {
          razorpayOrderId: v.gatewayOrderId,
          amount: v.amount,
          currency: v.currency,
          key: v.keyId,
          order: {
            id: v.order.id,
            _id: v.order.id,
            orderNumber: v.order.orderNumber,
            customerName: v.customerName,
            customerEmail: v.customerEmail,
            ...(v.customerPhone !== undefined ? { customerPhone: v.customerPhone } : {}),
          },
        },
      };
    },
  );

  app.post(
    '/verify',
    {
      preHandler: [requireAuth, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags,
        summary: 'Storefront checkout: verify the gateway payment signature and mark the order paid',
        description:
          'The signature must be the hex HMAC-SHA256 of `<razorpay_order_id>|<razorpay_payment_id>` ' +
          "under RAZORPAY_KEY_SECRET and the gateway order must be this order's: else 400 `Invalid " +
          'payment signature`. 400 `All payment verification fields are required`.',
        security: bearerAuth,
        headers: IdempotencyKeyHeaders,
        body: Type.Object(
          {
            razorpay_order_id: Type.Optional(Type.String({ maxLength: 255 })),
            razorpay_payment_id: Type.Optional(Type.String({ maxLength: 255 })),
            razorpay_signature: Type.Optional(Type.String({ maxLength: 255 })),
            orderId: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: replayable(success({ order: OrderSchema, paymentId: Type.String() })),
          ...errors(400, 401, 404, 409, 422, 502, 503),
        },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const b = request.body;
      if (!b.razorpay_order_id || !b.razorpay_payment_id || !b.razorpay_signature || !b.orderId) {
        throw new DomainFailure(
          domainError('VALIDATION_FAILED', 'All payment verification fields are required'),
        );
      }
      if (!/^[0-9a-f]{24}$/.test(b.orderId))
        throw new DomainFailure(domainError('ORDER_NOT_FOUND', 'Order not found'));
      const r = unwrap(
        await verify.execute({
          orderId: b.orderId,
          userId: user.id,
          gatewayOrderId: b.razorpay_order_id,
          gatewayPaymentId: b.razorpay_payment_id,
          signature: b.razorpay_signature,
        }),
      );
      return {
        status: 'success' as const,
        message: 'Payment verified successfully',
        data: { order: presentOrder(r.order, await references.forOrder(r.order)), paymentId: r.paymentId },
      };
    },
  );
}
