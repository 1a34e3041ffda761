import type { OrderStatus, PaymentStatus } from '../../domain/ordering/status.js';
import type { DeliveryAction, DeliveryDay, DeliveryState } from '../../domain/ordering/delivery-progress.js';

/**
 * The data of every realtime message, per channel (JSON-ready: dates as ISO strings, money in
 * major units like the HTTP API). The AsyncAPI document (/api/asyncapi.json) describes the same.
 */

/** `order:<id>` — published when the order's status changes (cancellation included). */
export interface OrderStatusData {
  readonly orderId: string;
  readonly orderNumber: string;
  /** The storefront status after the change. */
  readonly status: OrderStatus;
  readonly previousStatus: OrderStatus;
  readonly at: string;
}

/** `order:<id>` — published on every delivery update (out for delivery, attempt failed, ...). */
export interface OrderDeliveryData {
  readonly orderId: string;
  readonly orderNumber: string;
  readonly action: DeliveryAction;
  readonly state: DeliveryState;
  readonly status: OrderStatus;
  readonly at: string;
  readonly note?: string;
  readonly reason?: string;
  readonly recipientName?: string;
  readonly proofPhotoUrl?: string;
  readonly rescheduledTo?: DeliveryDay;
  readonly courier?: { readonly name: string; readonly phone?: string };
  readonly trackingNumber?: string;
}

/** `order:<id>` — published when a payment lands, fails or is refunded. */
export interface OrderPaymentData {
  readonly orderId: string;
  readonly orderNumber: string;
  readonly paymentStatus: PaymentStatus;
  readonly at: string;
}

/** `order:<id>` — the whole current state (in `ready` and `resync`). */
export interface OrderSnapshot {
  readonly orderId: string;
  readonly orderNumber: string;
  readonly status: OrderStatus;
  readonly paymentStatus: PaymentStatus;
  readonly deliveryState: DeliveryState | 'none';
  readonly eta?: { readonly date: string; readonly slot?: string };
  readonly courier?: { readonly name: string; readonly phone?: string };
  readonly trackingNumber?: string;
  readonly deliveredAt?: string;
  readonly updatedAt: string;
}

/** `stock` — one product's stock (in `stock.changed`, and per product in the snapshot). */
export interface StockLevelData {
  readonly productId: string;
  readonly stock: number;
  /** The product is offered (not switched off by an admin). */
  readonly isAvailable: boolean;
  /** Offered and stock > 0: can be put in a cart now. */
  readonly inStock: boolean;
  readonly at: string;
}

/** `stock` — the current stock of the products a client subscribed to (in `ready` and `resync`). */
export interface StockSnapshot {
  readonly products: readonly StockLevelData[];
}

export interface RealtimeCartItem {
  readonly id: string;
  readonly productId: string;
  readonly name: string;
  readonly image?: string;
  readonly quantity: number;
  /** The unit price without add-ons, major units. */
  readonly price: number;
  readonly size?: { readonly name: string; readonly price: number };
  readonly vase?: { readonly name: string; readonly price: number };
  readonly personalNote?: string;
}

/** `cart:<userId>` — the cart after a change (`cart.updated`), and the snapshot. */
export interface RealtimeCart {
  readonly cartId: string;
  /** The stored cart's version: a client keeps the highest it has seen. */
  readonly version: number;
  readonly items: readonly RealtimeCartItem[];
  readonly itemCount: number;
  readonly subtotal: number;
  readonly discount: number;
  readonly total: number;
  readonly promoCode?: string;
  readonly updatedAt: string;
}

/** The message types of each channel (what handlers publish). */
export const REALTIME_MESSAGE_TYPES = {
  order: ['order.status', 'order.delivery', 'order.payment'],
  stock: ['stock.changed'],
  cart: ['cart.updated'],
} as const;
export type RealtimeMessageType =
  (typeof REALTIME_MESSAGE_TYPES)[keyof typeof REALTIME_MESSAGE_TYPES][number];

/**
 * Control messages the protocol sends on every channel (their `id` is the channel's current last
 * id): `ready` (subscribed; data: the snapshot, and whether a resume was complete), `resync`
 * (the replay window no longer reaches the client's last id; data: the snapshot), `error` (a
 * message was refused; the connection stays open), `pong`, `subscribed` (stock: the product ids
 * now followed).
 */
export const REALTIME_CONTROL_TYPES = ['ready', 'resync', 'error', 'pong', 'subscribed'] as const;
