import type { OrderStatus } from './status.js';

/**
 * Delivery progress: a sub-state of the fulfilment status, not a fulfilment status of its own.
 * The storefront reads `status`/`orderStatus` and colours only the statuses it knows (compat 5.5),
 * so an order out for delivery stays `shipped` (what it shows) and its delivery state says where
 * the parcel is; `delivered` moves the fulfilment status to `delivered` through changeStatus.
 */
export const DELIVERY_ACTIONS = ['out-for-delivery', 'delivered', 'failed-attempt', 'rescheduled'] as const;
export type DeliveryAction = (typeof DELIVERY_ACTIONS)[number];

export const DELIVERY_STATES = ['out_for_delivery', 'attempt_failed', 'rescheduled', 'delivered'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** The state each action leads to. */
export const STATE_AFTER: Readonly<Record<DeliveryAction, DeliveryState>> = {
  'out-for-delivery': 'out_for_delivery',
  delivered: 'delivered',
  'failed-attempt': 'attempt_failed',
  rescheduled: 'rescheduled',
};

/**
 * The delivery state machine: from each state (`none` before any update) the actions allowed.
 * A courier on the road either delivers or records a failed attempt; a failed attempt is followed
 * by another run or a new date; a delivered order takes no more updates.
 */
export const DELIVERY_TRANSITIONS: Readonly<Record<DeliveryState | 'none', readonly DeliveryAction[]>> = {
  none: ['out-for-delivery', 'rescheduled'],
  out_for_delivery: ['delivered', 'failed-attempt'],
  attempt_failed: ['out-for-delivery', 'rescheduled'],
  rescheduled: ['out-for-delivery', 'rescheduled'],
  delivered: [],
};

/** The fulfilment statuses each action needs (out for delivery ships a processing order). */
export const ACTION_STATUSES: Readonly<Record<DeliveryAction, readonly OrderStatus[]>> = {
  'out-for-delivery': ['processing', 'shipped'],
  delivered: ['shipped'],
  'failed-attempt': ['shipped'],
  rescheduled: ['confirmed', 'processing', 'shipped'],
};

export interface Courier {
  /** The courier's (or admin's) user id. */
  readonly id: string;
  readonly name: string;
  readonly phone?: string;
}

/** A chosen or rescheduled delivery day (YYYY-MM-DD, the shop's calendar) and optional slot. */
export interface DeliveryDay {
  readonly date: string;
  readonly slot?: string;
}

/** One delivery update, as the order's delivery timeline keeps it. */
export interface DeliveryUpdate {
  readonly action: DeliveryAction;
  readonly at: Date;
  /** The user id of whoever recorded it. */
  readonly by: string;
  readonly note?: string;
  /** failed-attempt and rescheduled: why. */
  readonly reason?: string;
  /** delivered: who took the flowers, and the photo proving it. */
  readonly recipientName?: string;
  readonly proofPhotoUrl?: string;
  /** rescheduled: the new day and slot (the order's `delivery` holds the current one). */
  readonly rescheduledTo?: DeliveryDay;
}

/** Where the order's delivery stands (absent on an order no delivery update touched). */
export interface DeliveryProgress {
  readonly state: DeliveryState;
  /** Oldest first. */
  readonly timeline: readonly DeliveryUpdate[];
  /** Who took the order out last (name and phone shown on the tracking page). */
  readonly courier?: Courier;
  readonly failedAttempts: number;
  readonly deliveredAt?: Date;
}
