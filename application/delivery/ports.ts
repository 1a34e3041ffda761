import { token } from '../shared/token.js';
import type { DeliveryCalendar } from '../../domain/delivery/slots.js';

/** One order's booking of one slot (`key`: date and slot, see slotKey), made at `at`. */
export interface SlotBooking {
  readonly orderId: string;
  readonly key: string;
  readonly at: Date;
}

/** A move in flight: the order took a place in `to` at `at` (see SlotCapacityStore.hold). */
export interface SlotMove {
  readonly orderId: string;
  readonly to: string;
  readonly at: Date;
}

/**
 * The capacity of delivery slots. Each slot of each date is one counter (`taken`, and the
 * orders holding it); booking is a guarded single-document increment (`taken < capacity`, the
 * order not already holding it), so however many placements race, on however many instances,
 * at most `capacity` orders hold a slot. Each booking also leaves a record (written before the
 * increment) so a placement that died can be found and its slot given back (ReleaseAbandonedSlots).
 */
export interface SlotCapacityStore {
  /**
   * Books `key` for `orderId` while fewer than `capacity` hold it: true when the order holds it
   * now (booked by this call or already), false when the slot is full (nothing kept).
   */
  book(key: string, orderId: string, capacity: number, at: Date): Promise<boolean>;
  /**
   * Gives the order's slot back, once: whether this call freed a place. A move in flight (see
   * `hold`) is given back too, so a cancelled order holds nothing.
   */
  release(orderId: string): Promise<boolean>;
  /**
   * A reschedule's first step: takes a place in `key` for an order that may already hold another
   * slot, keeping both until `commitMove` (the order now holds `key`: the old place is freed) or
   * `abortMove` (the order write failed: the new place is freed). The move is written on the
   * order's booking before the place is taken, and one order has at most one move in flight:
   * `taken` (the place is held for this move), `full` (nothing kept), `busy` (another move of this
   * order is in flight; nothing kept).
   */
  hold(key: string, orderId: string, capacity: number, at: Date): Promise<'taken' | 'full' | 'busy'>;
  /** The order was stored holding `key`: the booking points at it and the previous place is freed. */
  commitMove(orderId: string, key: string): Promise<void>;
  /** The order was not changed: the place `hold` took in `key` is freed, the old one kept. */
  abortMove(orderId: string, key: string): Promise<void>;
  /** Moves started (hold) at or before `before` and never settled (their process died), oldest first. */
  staleMoves(before: Date, limit: number): Promise<SlotMove[]>;
  /** How many orders hold each of `keys` (absent: none). */
  taken(keys: readonly string[]): Promise<Map<string, number>>;
  /** The order's booking, if it holds one. */
  bookingOf(orderId: string): Promise<SlotBooking | null>;
  /** Bookings made at or before `before` whose order was never seen stored, oldest first. */
  unconfirmed(before: Date, limit: number): Promise<SlotBooking[]>;
  /** The booking's order is stored: the sweep never looks at it again. */
  confirm(orderId: string): Promise<void>;
}
export const SLOT_CAPACITY_STORE = token<SlotCapacityStore>('SlotCapacityStore');

/** The shop's slot calendar (from config). */
export const DELIVERY_CALENDAR = token<DeliveryCalendar>('DeliveryCalendar');

/** Whether an order is stored (ordering's store, seen through this narrow port). */
export interface PlacedOrders {
  hasOrder(orderId: string): Promise<boolean>;
}
export const PLACED_ORDERS = token<PlacedOrders>('DeliveryPlacedOrders');

/** The slot key (slotKey) a stored order holds: null when the order holds none or is not stored. */
export interface OrderSlots {
  heldSlotOf(orderId: string): Promise<string | null>;
}
export const ORDER_SLOTS = token<OrderSlots>('DeliveryOrderSlots');
