/** Fulfilment status (`status`, compat 10): the admin workflow, cancellation and analytics. */
export const ORDER_STATUSES = [
  'pending',
  'confirmed',
  'processing',
  'shipped',
  'delivered',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** `orderStatus`: the fulfilment values plus the payment-driven ones (compat 5.5). */
export const ORDER_PROGRESS_STATUSES = [...ORDER_STATUSES, 'payment_failed', 'refunded'] as const;
export type OrderProgressStatus = (typeof ORDER_PROGRESS_STATUSES)[number];

export const PAYMENT_STATUSES = ['pending', 'completed', 'failed', 'refunded', 'partially_refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** `card` and `paypal` from the original; `razorpay` for the gateway the storefront pays through. */
export const PAYMENT_METHODS = ['card', 'paypal', 'razorpay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * The fulfilment state machine (compat 8 and 9): every allowed edge is listed; delivered and
 * cancelled are terminal, so a delivered order never goes back and a cancelled one never ships.
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['processing', 'cancelled'],
  processing: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

/** The statuses from which the owner may still cancel (compat 5.4). */
export const OWNER_CANCELLABLE: readonly OrderStatus[] = ['pending', 'confirmed'];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(status: OrderStatus): boolean {
  return TRANSITIONS[status].length === 0;
}
