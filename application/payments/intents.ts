import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import type { Order } from '../../domain/ordering/order.js';
import { attachPaymentReference, isPaid } from '../../domain/ordering/order-payment.js';
import { isCaptured, newPaymentRecord, type PaymentRecord } from '../../domain/payments/payment-record.js';
import type { OrderRepository } from '../ordering/index.js';
import type { AppLogger, Clock, IdGenerator } from '../shared/ports.js';
import { retryOnConflict } from '../shared/retry-on-conflict.js';
import type {
  GatewayIntent,
  IntentStatus,
  PaymentGateway,
  PaymentRepository,
  PaymentSettings,
} from './ports.js';
import type { PaymentSettlement } from './settlement.js';
import type { UserRepository } from '../identity/index.js';
import {
  callGateway,
  checkMethodOwnership,
  customerOf,
  findPayableOrder,
  orderNotFound,
  paymentNotFound,
  paymentsDisabled,
  PAYMENT_SAVE_ATTEMPTS,
} from './support.js';

export interface IntentView {
  readonly paymentId: string;
  readonly paymentIntentId: string;
  readonly clientSecret: string;
  readonly amount: Money;
  readonly currency: string;
  readonly status: IntentStatus;
  readonly orderId: string;
}

/**
 * Links a new payment attempt to the order (optimistic retries); a paid or cancelled order
 * refuses. The attempt's gateway ids live in its payment record only.
 */
export async function linkOrder(
  orders: OrderRepository,
  orderId: string,
  now: Date,
): Promise<Result<Order, DomainError>> {
  const run = await retryOnConflict({
    load: () => orders.findById(orderId),
    notFound: orderNotFound,
    change: (order): Result<Order, DomainError> => attachPaymentReference(order, { at: now }),
    save: (next) => orders.update(next, []), // a reference records no event
    attempts: PAYMENT_SAVE_ATTEMPTS,
  });
  return run.map((r) => r.saved);
}

/**
 * Finds the record of an intent, or creates it (a concurrent creator's record wins); `created`
 * says whether this call made it.
 */
export async function recordFor(
  payments: PaymentRepository,
  fresh: PaymentRecord,
): Promise<Result<{ readonly record: PaymentRecord; readonly created: boolean }, DomainError>> {
  const known = await payments.findByIntentId(fresh.intentId);
  if (known) return Ok({ record: known, created: false });
  const created = await payments.create(fresh);
  if (created.isOk()) return Ok({ record: created.value, created: true });
  const winner = await payments.findByIntentId(fresh.intentId);
  return winner ? Ok({ record: winner, created: false }) : Err(created.error);
}

/**
 * POST /payments/create-intent: the owner's unpaid order gets a gateway intent for ITS total in
 * the store currency (nothing comes from the client but the order id). Retries answer the same
 * intent (the gateway idempotency key is the order, amount and currency).
 */
export class CreatePaymentIntent {
  constructor(
    private readonly orders: OrderRepository,
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly settings: PaymentSettings,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly logger: AppLogger,
  ) {}

  async execute(input: {
    readonly orderId: string;
    readonly userId: string;
  }): Promise<Result<IntentView, DomainError>> {
    if (!this.settings.cardPaymentsEnabled) return Err(paymentsDisabled());
    const payable = await findPayableOrder(this.orders, input.orderId, input.userId);
    if (payable.isErr()) return payable;
    const order = payable.value;
    const currency = this.settings.currency.toLowerCase();
    const intent = await callGateway(() =>
      this.gateway.createIntent({
        orderId: order.id,
        amount: order.total,
        currency,
        idempotencyKey: `intent:${order.id}:${order.total}:${currency}`,
      }),
    );
    if (intent.isErr()) {
      this.logger.error('payment intent creation failed', {
        orderId: order.id,
        details: intent.error.details,
      });
      return intent;
    }
    const now = this.clock.now();
    const record = await recordFor(
      this.payments,
      newPaymentRecord({
        id: this.ids.next(),
        orderId: order.id,
        userId: order.userId,
        gateway: this.gateway.name,
        intentId: intent.value.id,
        amount: intent.value.amount,
        currency: intent.value.currency,
        now,
      }),
    );
    if (record.isErr()) return record;
    // A new intent is linked once (a retry answering the same intent changes nothing).
    if (record.value.created) {
      const linked = await linkOrder(this.orders, order.id, now);
      if (linked.isErr()) return linked;
    }
    return Ok({
      paymentId: record.value.record.id,
      paymentIntentId: intent.value.id,
      clientSecret: intent.value.clientSecret,
      amount: intent.value.amount,
      currency: intent.value.currency,
      status: intent.value.status,
      orderId: order.id,
    });
  }
}

export interface ConfirmView {
  readonly paymentIntentId: string;
  readonly status: IntentStatus;
  readonly clientSecret: string;
  readonly order: Order;
}

/**
 * POST /payments/confirm: confirms the caller's intent with a payment method id (never card
 * data). Captured once: a confirm after the capture (or after the success webhook) answers the
 * paid order without calling the gateway. A decline is PAYMENT_DECLINED after recording it.
 * A method saved to another customer is PAYMENT_METHOD_NOT_FOUND before the gateway is asked
 * to charge it (and the order is left as it was).
 */
export class ConfirmPayment {
  constructor(
    private readonly orders: OrderRepository,
    private readonly payments: PaymentRepository,
    private readonly users: UserRepository,
    private readonly gateway: PaymentGateway,
    private readonly settings: PaymentSettings,
    private readonly settlement: PaymentSettlement,
    private readonly logger: AppLogger,
  ) {}

  async execute(input: {
    readonly paymentIntentId: string;
    readonly paymentMethod: string;
    readonly userId: string;
  }): Promise<Result<ConfirmView, DomainError>> {
    if (!this.settings.cardPaymentsEnabled) return Err(paymentsDisabled());
    const record = await this.payments.findByIntentId(input.paymentIntentId);
    if (!record || record.userId !== input.userId || record.gateway !== this.gateway.name) {
      return Err(paymentNotFound());
    }
    const order = await this.orders.findById(record.orderId);
    if (!order) return Err(orderNotFound());
    if (isCaptured(record) || (isPaid(order) && order.paymentInfo.paymentId === record.intentId)) {
      return Ok({ paymentIntentId: record.intentId, status: 'succeeded', clientSecret: '', order });
    }
    if (isPaid(order)) return Err(domainError('ORDER_ALREADY_PAID', 'Order is already paid'));
    // Cancelled (e.g. expired unpaid) since the intent was made: refuse before charging the card.
    if (order.status === 'cancelled') return Err(domainError('CONFLICT', 'Cannot pay for a cancelled order'));
    const owned = await checkMethodOwnership(this.gateway, input.paymentMethod, () =>
      customerOf(this.users, this.gateway, input.userId),
    );
    if (owned.isErr()) {
      if (owned.error.code === 'PAYMENT_METHOD_NOT_FOUND') {
        this.logger.warn("refused another customer's payment method", {
          userId: input.userId,
          intentId: record.intentId,
        });
      }
      return owned;
    }
    const intent = await callGateway(() =>
      this.gateway.confirmIntent({
        intentId: record.intentId,
        paymentMethod: input.paymentMethod,
        idempotencyKey: `confirm:${record.intentId}:${input.paymentMethod}`,
      }),
    );
    let i: GatewayIntent;
    if (intent.isErr()) {
      // E.g. the client confirmed with the gateway's own SDK first: Stripe refuses to confirm a
      // paid intent again. Settle from the intent as it is when it was captured.
      const current = await callGateway(() => this.gateway.retrieveIntent(record.intentId));
      if (current.isErr() || current.value?.status !== 'succeeded') {
        this.logger.error('payment confirmation failed', {
          intentId: record.intentId,
          details: intent.error.details,
        });
        return intent;
      }
      i = current.value;
    } else {
      i = intent.value;
    }
    if (i.status === 'succeeded') {
      const paid = await this.settlement.succeeded(record, {
        ...(i.chargeId !== undefined ? { gatewayPaymentId: i.chargeId } : {}),
        by: input.userId,
      });
      if (paid.isErr()) return paid;
      return Ok({ paymentIntentId: i.id, status: i.status, clientSecret: i.clientSecret, order: paid.value });
    }
    if (i.failure) {
      const failed = await this.settlement.failed(record, { code: i.failure.code });
      if (failed.isErr()) return failed;
      return Err(
        domainError('PAYMENT_DECLINED', i.failure.message, {
          declineCode: i.failure.code,
          paymentIntentId: i.id,
        }),
      );
    }
    if (i.status === 'requires_action') {
      const marked = await this.settlement.requiresAction(record);
      if (marked.isErr()) return marked;
    }
    const current = (await this.orders.findById(record.orderId)) ?? order;
    return Ok({ paymentIntentId: i.id, status: i.status, clientSecret: i.clientSecret, order: current });
  }
}
