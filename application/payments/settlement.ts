import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import type { Order } from '../../domain/ordering/order.js';
import {
  isPaid,
  recordPayment,
  recordPaymentFailure,
  recordRefund,
  refundable,
  refundedSoFar,
  syncRefundedTotal,
} from '../../domain/ordering/order-payment.js';
import type { PaymentMethod } from '../../domain/ordering/status.js';
import {
  isCaptured,
  markFailed,
  markRefundedTotal,
  markRequiresAction,
  markSucceeded,
  type PaymentRecord,
} from '../../domain/payments/payment-record.js';
import type { OrderRepository } from '../ordering/index.js';
import type { AppLogger, Clock, EventBus } from '../shared/ports.js';
import type { CheckoutGateway, PaymentGateway, PaymentRepository } from './ports.js';
import { callGateway, changeOrder, changeRecord, orderNotFound, paymentNotFound } from './support.js';

export const SYSTEM_ACTOR = 'system';

/**
 * Applies gateway outcomes (from the client's confirm, the storefront's verify, or webhooks) to
 * the payment record and the order, idempotently and in any order; refunds through the gateway
 * that captured. Shared by the payment use cases (not a use case itself).
 */
export class PaymentSettlement {
  constructor(
    private readonly orders: OrderRepository,
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly checkout: CheckoutGateway,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly logger: AppLogger,
  ) {}

  /** A capture: the record succeeds once, the order is paid once; a cancelled order is refunded. */
  async succeeded(
    record: PaymentRecord,
    input: {
      readonly gatewayPaymentId?: string;
      readonly eventId?: string;
      readonly method?: PaymentMethod;
      /** The storefront checkout's signature of a verified capture (kept on the record). */
      readonly signature?: string;
      readonly by?: string;
    },
  ): Promise<Result<Order, DomainError>> {
    const at = this.clock.now();
    const saved = await changeRecord(this.payments, record.id, (r) =>
      markSucceeded(r, {
        at,
        ...(input.gatewayPaymentId !== undefined ? { gatewayPaymentId: input.gatewayPaymentId } : {}),
        ...(input.signature !== undefined ? { signature: input.signature } : {}),
        ...(input.eventId !== undefined ? { eventId: input.eventId } : {}),
      }),
    );
    if (saved.isErr()) return saved;
    let duplicateCapture = false;
    const paid = await changeOrder(this.orders, this.bus, record.orderId, (order) => {
      // Paid already through another intent / gateway order: this capture is a duplicate.
      if (isPaid(order) && order.paymentInfo.paymentId !== record.intentId) duplicateCapture = true;
      return Ok(
        recordPayment(order, {
          paymentId: record.intentId,
          by: input.by ?? SYSTEM_ACTOR,
          at,
          ...(input.method !== undefined ? { method: input.method } : {}),
        }),
      );
    });
    if (paid.isErr()) return paid;
    if (duplicateCapture) {
      await this.refundDuplicate(saved.value);
      return Ok(paid.value.order);
    }
    if (paid.value.order.status === 'cancelled' && refundable(paid.value.order) > 0) {
      const refunded = await this.refund(paid.value.order.id, {
        by: SYSTEM_ACTOR,
        reason: 'Order cancelled',
        key: `cancel:${paid.value.order.id}`,
      });
      if (refunded.isOk()) return Ok(refunded.value);
    }
    return Ok(paid.value.order);
  }

  /** A failed attempt: never undoes a capture (late failures of earlier attempts change nothing). */
  async failed(
    record: PaymentRecord,
    input: { readonly code: string; readonly eventId?: string },
  ): Promise<Result<Order, DomainError>> {
    const at = this.clock.now();
    const saved = await changeRecord(this.payments, record.id, (r) =>
      markFailed(r, {
        code: input.code,
        at,
        ...(input.eventId !== undefined ? { eventId: input.eventId } : {}),
      }),
    );
    if (saved.isErr()) return saved;
    const changed = await changeOrder(this.orders, this.bus, record.orderId, (order) =>
      Ok(recordPaymentFailure(order, { code: input.code, by: SYSTEM_ACTOR, at })),
    );
    return changed.isErr() ? changed : Ok(changed.value.order);
  }

  async requiresAction(record: PaymentRecord): Promise<Result<PaymentRecord, DomainError>> {
    const at = this.clock.now();
    return changeRecord(this.payments, record.id, (r) => markRequiresAction(r, at));
  }

  /** The gateway's cumulative refunded total (charge.refunded): idempotent, only grows. */
  async refundedTotal(
    record: PaymentRecord,
    input: { readonly refundedTotal: Money; readonly eventId?: string },
  ): Promise<Result<Order, DomainError>> {
    const at = this.clock.now();
    if (!isCaptured(record)) {
      // A refund implies a capture: the success event may simply not have arrived yet.
      const paid = await this.succeeded(
        record,
        input.eventId !== undefined ? { eventId: input.eventId } : {},
      );
      if (paid.isErr()) return paid;
    }
    const saved = await changeRecord(this.payments, record.id, (r) =>
      markRefundedTotal(r, {
        refundedTotal: input.refundedTotal,
        at,
        ...(input.eventId !== undefined ? { eventId: input.eventId } : {}),
      }),
    );
    if (saved.isErr()) return saved;
    const changed = await changeOrder(this.orders, this.bus, record.orderId, (order) =>
      Ok(syncRefundedTotal(order, { refundedTotal: saved.value.refundedAmount, by: SYSTEM_ACTOR, at })),
    );
    return changed.isErr() ? changed : Ok(changed.value.order);
  }

  /**
   * Refunds `amount` (default: all that is left) of the order's captured payment through the
   * gateway that captured it, then records it on the payment and the order.
   */
  async refund(
    orderId: string,
    input: { readonly amount?: Money; readonly by: string; readonly reason?: string; readonly key?: string },
  ): Promise<Result<Order, DomainError>> {
    const order = await this.orders.findById(orderId);
    if (!order) return Err(orderNotFound());
    const amount = input.amount ?? refundable(order);
    const check = recordRefund(order, { amount, by: input.by, at: this.clock.now() });
    if (check.isErr()) return check;
    const record = (await this.payments.findByOrderId(orderId)).find(isCaptured);
    if (!record) return Err(paymentNotFound());
    const idempotencyKey = input.key ?? `refund:${orderId}:${refundedSoFar(order)}:${amount}`;
    const done = await callGateway(() =>
      record.gateway === this.checkout.name
        ? this.checkout.refund({
            paymentId: record.gatewayPaymentId ?? record.intentId,
            amount,
            idempotencyKey,
          })
        : this.gateway.refund({ intentId: record.intentId, amount, idempotencyKey }),
    );
    if (done.isErr()) {
      this.logger.error('refund failed at the gateway', { orderId, details: done.error.details });
      return done;
    }
    const at = this.clock.now();
    const reason = input.reason;
    const changed = await changeOrder(this.orders, this.bus, orderId, (o) => {
      const r = recordRefund(o, { amount, by: input.by, at, ...(reason !== undefined ? { reason } : {}) });
      // Lost a race with the gateway's own refund event: that already counted it.
      return r.isOk()
        ? r
        : Ok(syncRefundedTotal(o, { refundedTotal: refundedSoFar(order) + amount, by: input.by, at }));
    });
    if (changed.isErr()) return changed;
    await changeRecord(this.payments, record.id, (r) =>
      markRefundedTotal(r, { refundedTotal: changed.value.order.refundAmount ?? 0, at }),
    );
    return Ok(changed.value.order);
  }

  private async refundDuplicate(record: PaymentRecord): Promise<void> {
    const key = `duplicate:${record.intentId}`;
    const done = await callGateway(() =>
      record.gateway === this.checkout.name
        ? this.checkout.refund({
            paymentId: record.gatewayPaymentId ?? record.intentId,
            amount: record.amount,
            idempotencyKey: key,
          })
        : this.gateway.refund({ intentId: record.intentId, amount: record.amount, idempotencyKey: key }),
    );
    if (done.isErr()) {
      this.logger.error('refund of a duplicate capture failed', { intentId: record.intentId });
      return;
    }
    const at = this.clock.now();
    await changeRecord(this.payments, record.id, (r) =>
      markRefundedTotal(r, { refundedTotal: r.amount, at }),
    );
    this.logger.warn('duplicate capture refunded', { orderId: record.orderId, intentId: record.intentId });
  }
}
