import { recordEvent, type DomainEvent } from '../shared/events.js';
import type { Money } from '../shared/money.js';
import type { OrderStatus } from './status.js';
import type { DeliveryAction, DeliveryDay, DeliveryState } from './delivery-progress.js';

/** Every fact the Order aggregate records (types follow domain/shared/events.ts's scheme). */
export const ORDER_EVENT_TYPES = [
  'ordering.order-placed',
  'ordering.order-status-changed',
  'ordering.order-cancelled',
  'ordering.order-expired',
  'ordering.order-paid',
  'ordering.order-payment-failed',
  'ordering.order-refunded',
  'ordering.delivery-updated',
] as const;

export interface OrderLineSummary {
  readonly productId: string;
  readonly quantity: number;
}

interface OrderRef {
  readonly orderId: string;
  readonly orderNumber: string;
  readonly userId: string;
}

export type OrderPlaced = DomainEvent<
  'ordering.order-placed',
  OrderRef & {
    readonly total: Money;
    readonly discount: Money;
    readonly source: 'request' | 'cart';
    readonly items: readonly OrderLineSummary[];
    /** The server-cart lines the order was made of (source `cart`): they leave the cart. */
    readonly cartItemIds?: readonly string[];
    /** The promo code the order redeemed, if any. */
    readonly promoCode?: string;
  }
>;
export type OrderStatusChanged = DomainEvent<
  'ordering.order-status-changed',
  OrderRef & { readonly from: OrderStatus; readonly to: OrderStatus; readonly changedBy: string }
>;
export type OrderCancelled = DomainEvent<
  'ordering.order-cancelled',
  OrderRef & {
    readonly changedBy: string;
    readonly items: readonly OrderLineSummary[];
    /** True when the order was cancelled because its payment did not arrive in time. */
    readonly expired?: boolean;
  }
>;
export type OrderExpired = DomainEvent<'ordering.order-expired', OrderRef & { readonly total: Money }>;
export type OrderPaid = DomainEvent<
  'ordering.order-paid',
  OrderRef & { readonly amount: Money; readonly paymentId: string }
>;
export type OrderPaymentFailed = DomainEvent<
  'ordering.order-payment-failed',
  OrderRef & { readonly code: string }
>;
export type OrderRefunded = DomainEvent<
  'ordering.order-refunded',
  OrderRef & { readonly amount: Money; readonly refundedTotal: Money }
>;

/**
 * A delivery update (out for delivery, delivered, failed attempt, rescheduled): carries what a
 * message to the customer needs without reading the order again.
 */
export type DeliveryUpdated = DomainEvent<
  'ordering.delivery-updated',
  OrderRef & {
    readonly action: DeliveryAction;
    readonly state: DeliveryState;
    readonly previousState: DeliveryState | 'none';
    /** The fulfilment status after the update. */
    readonly status: OrderStatus;
    readonly changedBy: string;
    readonly note?: string;
    readonly reason?: string;
    readonly recipientName?: string;
    readonly proofPhotoUrl?: string;
    readonly rescheduledTo?: DeliveryDay;
    readonly courier?: { readonly name: string; readonly phone?: string };
    readonly trackingNumber?: string;
  }
>;

export type OrderEvent =
  | OrderPlaced
  | OrderStatusChanged
  | OrderCancelled
  | OrderExpired
  | OrderPaid
  | OrderPaymentFailed
  | OrderRefunded
  | DeliveryUpdated;

/** The order fields every order event names. */
export function orderRef(order: {
  readonly id: string;
  readonly orderNumber: string;
  readonly userId: string;
}): OrderRef {
  return { orderId: order.id, orderNumber: order.orderNumber, userId: order.userId };
}

/** Records an order event (see recordEvent): the order as it was before the change is the source. */
export function orderEvent<E extends OrderEvent>(
  order: { readonly id: string; readonly version: number },
  type: E['type'],
  payload: E['payload'],
  at: Date,
): E {
  return recordEvent<E>(order, type, payload, at);
}
