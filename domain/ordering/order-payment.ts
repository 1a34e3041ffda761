import { Err, Ok, type Result } from '../shared/result.js';
import { domainError, type DomainError } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import { changeStatus, type Order, type OrderChange } from './order.js';
import {
  orderEvent,
  orderRef,
  type OrderCancelled,
  type OrderEvent,
  type OrderExpired,
  type OrderPaid,
  type OrderPaymentFailed,
  type OrderRefunded,
  type OrderStatusChanged,
} from './events.js';
import type { PaymentMethod, PaymentStatus } from './status.js';

/**
 * The order payment: the order's payment lifecycle, part of the Order aggregate's state machine
 * (the gateway side of each attempt is the payment record, domain/payments/payment-record.ts):
 *
 *   pending ──pay──▶ completed ──refund──▶ partially_refunded ──refund──▶ refunded
 *      │  ▲                 └──────────────refund (all)──────────────────▶ refunded
 *     fail│pay (another card)
 *      ▼  │
 *     failed
 *
 * One capture: once completed, further payment events change nothing (idempotent), and so do
 * failures arriving late (out of order). `refunded` is terminal. `refundAmount` accumulates and
 * never exceeds `total`. The fulfilment `status` moves pending -> confirmed on payment; the
 * storefront's `orderStatus` (`confirmed`, `payment_failed`, `refunded`) is derived by
 * `storefrontStatus` in order.ts.
 */
export type PaymentEvent = OrderPaid | OrderPaymentFailed | OrderRefunded | OrderStatusChanged;

/** The result of a payment transition: `changed` false when the event was already applied. */
export interface PaymentChange {
  readonly order: Order;
  readonly events: readonly PaymentEvent[];
  readonly changed: boolean;
}

const CAPTURED: readonly PaymentStatus[] = ['completed', 'partially_refunded', 'refunded'];

export function isPaid(order: Order): boolean {
  return CAPTURED.includes(order.paymentStatus);
}

export function refundedSoFar(order: Order): Money {
  return order.refundAmount ?? 0;
}

/** What may still be refunded (0 when never paid). */
export function refundable(order: Order): Money {
  return isPaid(order) ? order.total - refundedSoFar(order) : 0;
}

const unchanged = (order: Order): PaymentChange => ({ order, events: [], changed: false });

const base = orderRef;

/**
 * A new payment attempt for a not yet paid order (a paid order: ORDER_ALREADY_PAID). The
 * attempt's gateway ids (intent, gateway order, payment, signature) live in its payment record
 * (domain/payments/payment-record.ts), never on the order.
 */
export function attachPaymentReference(order: Order, ref: { readonly at: Date }): Result<Order, DomainError> {
  if (isPaid(order)) return Err(domainError('ORDER_ALREADY_PAID', 'Order is already paid'));
  if (order.status === 'cancelled') {
    return Err(domainError('CONFLICT', 'Cannot pay for a cancelled order'));
  }
  return Ok({ ...order, updatedAt: ref.at });
}

export interface PaymentCaptured {
  readonly paymentId: string;
  readonly method?: PaymentMethod;
  readonly by: string;
  readonly at: Date;
}

/** pending/failed -> completed, once; any later capture event is a no-op. */
export function recordPayment(order: Order, input: PaymentCaptured): PaymentChange {
  if (isPaid(order)) return unchanged(order);
  const confirm = order.status === 'pending';
  const next: Order = {
    ...order,
    paymentStatus: 'completed',
    paymentInfo: { method: input.method ?? order.paymentInfo.method, paymentId: input.paymentId },
    status: confirm ? 'confirmed' : order.status,
    paidAt: input.at,
    statusHistory: [
      ...order.statusHistory,
      {
        status: confirm ? 'confirmed' : order.status,
        changedBy: input.by,
        changedAt: input.at,
        note: `Payment completed (${input.paymentId})`,
      },
    ],
    updatedAt: input.at,
  };
  const events: PaymentEvent[] = [
    orderEvent<OrderPaid>(
      order,
      'ordering.order-paid',
      { ...base(order), amount: order.total, paymentId: input.paymentId },
      input.at,
    ),
  ];
  if (confirm) {
    events.push(
      orderEvent<OrderStatusChanged>(
        order,
        'ordering.order-status-changed',
        { ...base(order), from: 'pending', to: 'confirmed', changedBy: input.by },
        input.at,
      ),
    );
  }
  return { order: next, events, changed: true };
}

/** pending -> failed; already failed, or paid (a late failure of an earlier attempt): no-op. */
export function recordPaymentFailure(
  order: Order,
  input: { readonly code: string; readonly by: string; readonly at: Date },
): PaymentChange {
  if (order.paymentStatus !== 'pending') return unchanged(order);
  const next: Order = {
    ...order,
    paymentStatus: 'failed',
    statusHistory: [
      ...order.statusHistory,
      {
        status: order.status,
        changedBy: input.by,
        changedAt: input.at,
        note: `Payment failed (${input.code})`,
      },
    ],
    updatedAt: input.at,
  };
  return {
    order: next,
    events: [
      orderEvent<OrderPaymentFailed>(
        order,
        'ordering.order-payment-failed',
        { ...base(order), code: input.code },
        input.at,
      ),
    ],
    changed: true,
  };
}

function applyRefundTotal(
  order: Order,
  refundedTotal: Money,
  by: string,
  at: Date,
  note: string,
): PaymentChange {
  const amount = refundedTotal - refundedSoFar(order);
  const status: PaymentStatus = refundedTotal >= order.total ? 'refunded' : 'partially_refunded';
  const next: Order = {
    ...order,
    paymentStatus: status,
    refundAmount: refundedTotal,
    refundedAt: at,
    statusHistory: [...order.statusHistory, { status: order.status, changedBy: by, changedAt: at, note }],
    updatedAt: at,
  };
  return {
    order: next,
    events: [
      orderEvent<OrderRefunded>(
        order,
        'ordering.order-refunded',
        { ...base(order), amount, refundedTotal },
        at,
      ),
    ],
    changed: true,
  };
}

/** A refund of `amount` more (admin, cancellation): only of a paid order, never above the total. */
export function recordRefund(
  order: Order,
  input: { readonly amount: Money; readonly by: string; readonly at: Date; readonly reason?: string },
): Result<PaymentChange, DomainError> {
  if (!isPaid(order)) return Err(domainError('ORDER_NOT_PAID', 'Order has not been paid'));
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    return Err(domainError('VALIDATION_FAILED', 'Refund amount must be positive'));
  }
  if (input.amount > refundable(order)) {
    return Err(
      domainError('REFUND_EXCEEDS_PAYMENT', 'Refund amount exceeds the amount paid', {
        refundable: refundable(order),
      }),
    );
  }
  const reason = input.reason?.trim();
  return Ok(
    applyRefundTotal(
      order,
      refundedSoFar(order) + input.amount,
      input.by,
      input.at,
      reason ? `Refunded: ${reason}` : 'Refunded',
    ),
  );
}

/**
 * The gateway's cumulative refunded total (Stripe's `charge.amount_refunded`): idempotent and
 * order-independent — a total at or below what is recorded changes nothing; clamped to `total`.
 */
export function syncRefundedTotal(
  order: Order,
  input: { readonly refundedTotal: Money; readonly by: string; readonly at: Date },
): PaymentChange {
  if (!isPaid(order)) return unchanged(order);
  const target = Math.min(order.total, Math.max(0, Math.trunc(input.refundedTotal)));
  if (target <= refundedSoFar(order)) return unchanged(order);
  return applyRefundTotal(order, target, input.by, input.at, 'Refunded (gateway)');
}

/**
 * Waiting for its online payment: still `pending` fulfilment and not captured (a declined attempt
 * included). Cash on delivery does not exist (every method is paid online); an order staff moved
 * on to `confirmed` without a payment (e.g. paid offline) no longer waits, so it never expires.
 */
export function isAwaitingPayment(order: Order): boolean {
  return (
    order.status === 'pending' && (order.paymentStatus === 'pending' || order.paymentStatus === 'failed')
  );
}

/**
 * Cancels an order whose payment did not arrive by its deadline: only while it is still awaiting
 * payment (a paid order is never expired: ORDER_NOT_EXPIRABLE). The cancellation is marked as an
 * expiry and records `ordering.order-expired` beside it; what follows (stock and promo use back,
 * the customer's mail) is done by the handlers of those events, delivered through the outbox.
 */
export function expireUnpaidOrder(
  order: Order,
  input: { readonly by: string; readonly at: Date },
): Result<OrderChange, DomainError> {
  if (!isAwaitingPayment(order)) {
    return Err(domainError('ORDER_NOT_EXPIRABLE', 'Only an order awaiting payment can expire'));
  }
  const change = changeStatus(order, {
    to: 'cancelled',
    by: input.by,
    at: input.at,
    note: 'Cancelled: payment not received in time',
  });
  return change.map(({ order: next, events }) => ({
    order: { ...next, expiry: { at: input.at } },
    events: [
      ...events.map((e): OrderEvent =>
        e.type === 'ordering.order-cancelled'
          ? ({ ...e, payload: { ...e.payload, expired: true } } satisfies OrderCancelled)
          : e,
      ),
      orderEvent<OrderExpired>(
        order,
        'ordering.order-expired',
        { ...orderRef(order), total: order.total },
        input.at,
      ),
    ],
  }));
}
