import type { Money } from '../shared/money.js';

/**
 * One payment attempt of an order at a gateway: a Stripe-shaped intent (`pi_...`, gateway
 * `fake` / `stripe`) or a storefront gateway order (`order_...`, gateway `razorpay`). The
 * order's own payment lifecycle lives in the Order aggregate (domain/ordering/order-payment.ts);
 * this record keeps the gateway side: ids, amounts, status and the events seen.
 */
export const PAYMENT_RECORD_STATUSES = [
  'pending',
  'requires_action',
  'succeeded',
  'failed',
  'partially_refunded',
  'refunded',
] as const;
export type PaymentRecordStatus = (typeof PAYMENT_RECORD_STATUSES)[number];

/**
 * The gateway of a record made by migration 003 for an order that carried the storefront
 * gateway's ids before payment records existed: it only keeps those ids for the order's answers
 * (never verified, refunded or reused as a payment).
 */
export const LEGACY_CHECKOUT_GATEWAY = 'razorpay-legacy';

export interface PaymentRecordEvent {
  /** `created`, `confirmed`, `succeeded`, `failed`, `refunded`, or a webhook event type. */
  readonly type: string;
  readonly at: Date;
  /** The webhook event id, when the change came from one. */
  readonly eventId?: string;
  readonly detail?: string;
}

export interface PaymentRecord {
  readonly id: string;
  readonly orderId: string;
  readonly userId: string;
  readonly gateway: string;
  /** The gateway's intent id (Stripe-shaped) or order id (Razorpay-shaped); unique. */
  readonly intentId: string;
  readonly amount: Money;
  readonly currency: string;
  readonly status: PaymentRecordStatus;
  readonly refundedAmount: Money;
  /** The capture's id once paid (Stripe charge id, Razorpay payment id). */
  readonly gatewayPaymentId?: string;
  /**
   * The storefront checkout's proof of that capture (Razorpay: HMAC of `<order_id>|<payment_id>`),
   * kept as the order answers it (compat 5.5 `razorpaySignature`); only a verified capture has one.
   */
  readonly signature?: string;
  readonly failureCode?: string;
  readonly events: readonly PaymentRecordEvent[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

export function newPaymentRecord(input: {
  readonly id: string;
  readonly orderId: string;
  readonly userId: string;
  readonly gateway: string;
  readonly intentId: string;
  readonly amount: Money;
  readonly currency: string;
  readonly now: Date;
}): PaymentRecord {
  const { now, ...rest } = input;
  return {
    ...rest,
    status: 'pending',
    refundedAmount: 0,
    events: [{ type: 'created', at: now }],
    createdAt: now,
    updatedAt: now,
    version: 0,
  };
}

const SETTLED: readonly PaymentRecordStatus[] = ['succeeded', 'partially_refunded', 'refunded'];

export function isCaptured(record: PaymentRecord): boolean {
  return SETTLED.includes(record.status);
}

function withEvent(record: PaymentRecord, event: PaymentRecordEvent): PaymentRecord {
  return { ...record, events: [...record.events, event], updatedAt: event.at };
}

/** Captured once: later captures change nothing (null = unchanged). */
export function markSucceeded(
  record: PaymentRecord,
  input: {
    readonly gatewayPaymentId?: string;
    readonly signature?: string;
    readonly at: Date;
    readonly eventId?: string;
  },
): PaymentRecord | null {
  if (isCaptured(record)) return null;
  const { failureCode: _dropped, ...rest } = record;
  return withEvent(
    {
      ...rest,
      status: 'succeeded',
      ...(input.gatewayPaymentId !== undefined ? { gatewayPaymentId: input.gatewayPaymentId } : {}),
      ...(input.signature !== undefined ? { signature: input.signature } : {}),
    },
    { type: 'succeeded', at: input.at, ...(input.eventId !== undefined ? { eventId: input.eventId } : {}) },
  );
}

/** A failed attempt (the intent may be retried with another method); never after a capture. */
export function markFailed(
  record: PaymentRecord,
  input: { readonly code: string; readonly at: Date; readonly eventId?: string },
): PaymentRecord | null {
  if (isCaptured(record) || (record.status === 'failed' && record.failureCode === input.code)) return null;
  return withEvent(
    { ...record, status: 'failed', failureCode: input.code },
    {
      type: 'failed',
      at: input.at,
      detail: input.code,
      ...(input.eventId !== undefined ? { eventId: input.eventId } : {}),
    },
  );
}

export function markRequiresAction(record: PaymentRecord, at: Date): PaymentRecord | null {
  if (isCaptured(record) || record.status === 'requires_action') return null;
  return withEvent({ ...record, status: 'requires_action' }, { type: 'requires_action', at });
}

/** The gateway's cumulative refunded total: only grows, clamped to the amount (null = unchanged). */
export function markRefundedTotal(
  record: PaymentRecord,
  input: { readonly refundedTotal: Money; readonly at: Date; readonly eventId?: string },
): PaymentRecord | null {
  const target = Math.min(record.amount, input.refundedTotal);
  if (!isCaptured(record) || target <= record.refundedAmount) return null;
  return withEvent(
    {
      ...record,
      refundedAmount: target,
      status: target >= record.amount ? 'refunded' : 'partially_refunded',
    },
    {
      type: 'refunded',
      at: input.at,
      detail: String(target),
      ...(input.eventId !== undefined ? { eventId: input.eventId } : {}),
    },
  );
}
