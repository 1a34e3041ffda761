import type { SlotBooking, SlotCapacityStore, SlotMove } from '../../../application/delivery/ports.js';
import type { MemoryDatabase } from './memory-database.js';

interface BookingRow {
  readonly orderId: string;
  /** The slot the order holds (absent: an order placed without one, in its first move). */
  readonly key?: string;
  readonly at: Date;
  readonly confirmed?: boolean;
  /** A move in flight (hold): the slot it took a place in, and when. */
  readonly pending?: string;
  readonly pendingAt?: Date;
}

const asBooking = (b: BookingRow): SlotBooking | null =>
  b.key === undefined ? null : { orderId: b.orderId, key: b.key, at: new Date(b.at) };

/**
 * Slot counters (`delivery_slots`: the orders holding each slot) and bookings
 * (`delivery_slot_bookings`, by order id). Every method runs without awaiting in between, so each
 * is atomic in one process.
 */
export class MemorySlotCapacityStore implements SlotCapacityStore {
  private readonly slots: Map<string, readonly string[]>;
  private readonly bookings: Map<string, BookingRow>;

  constructor(db: MemoryDatabase) {
    this.slots = db.collection<readonly string[]>('delivery_slots');
    this.bookings = db.collection<BookingRow>('delivery_slot_bookings');
  }

  async book(key: string, orderId: string, capacity: number, at: Date): Promise<boolean> {
    const existing = this.bookings.get(orderId);
    // One slot per order, as on MongoDB: another slot is a move (hold), never a second place.
    if (existing && existing.key !== key) return false;
    const holders = this.slots.get(key) ?? [];
    if (holders.includes(orderId)) return true;
    if (holders.length >= capacity) return false;
    this.slots.set(key, [...holders, orderId]);
    this.bookings.set(orderId, { orderId, key, at: new Date(at) });
    return true;
  }

  async release(orderId: string): Promise<boolean> {
    const booking = this.bookings.get(orderId);
    if (!booking) return false;
    this.bookings.delete(orderId);
    if (booking.pending !== undefined && booking.pending !== booking.key) this.free(booking.pending, orderId);
    return booking.key !== undefined && this.free(booking.key, orderId);
  }

  async hold(key: string, orderId: string, capacity: number, at: Date): Promise<'taken' | 'full' | 'busy'> {
    const booking = this.bookings.get(orderId);
    if (booking?.pending !== undefined) return 'busy';
    const holders = this.slots.get(key) ?? [];
    if (!holders.includes(orderId)) {
      if (holders.length >= capacity) return 'full';
      this.slots.set(key, [...holders, orderId]);
    }
    this.bookings.set(
      orderId,
      booking
        ? { ...booking, pending: key, pendingAt: new Date(at) }
        : { orderId, at: new Date(at), confirmed: true, pending: key, pendingAt: new Date(at) },
    );
    return 'taken';
  }

  async commitMove(orderId: string, key: string): Promise<void> {
    const booking = this.bookings.get(orderId);
    // Released meanwhile (the order was cancelled): the new place goes back too.
    if (!booking) return void this.free(key, orderId);
    if (booking.pending !== key) return;
    const { pending: _pending, pendingAt: _at, ...rest } = booking;
    this.bookings.set(orderId, { ...rest, key });
    if (booking.key !== undefined && booking.key !== key) this.free(booking.key, orderId);
  }

  async abortMove(orderId: string, key: string): Promise<void> {
    const booking = this.bookings.get(orderId);
    if (!booking) return void this.free(key, orderId);
    if (booking.pending !== key) return;
    const { pending: _pending, pendingAt: _at, ...rest } = booking;
    if (rest.key === undefined) this.bookings.delete(orderId);
    else this.bookings.set(orderId, rest);
    if (booking.key !== key) this.free(key, orderId);
  }

  async staleMoves(before: Date, limit: number): Promise<SlotMove[]> {
    return [...this.bookings.values()]
      .flatMap((b) =>
        b.pending !== undefined && b.pendingAt !== undefined && b.pendingAt.getTime() <= before.getTime()
          ? [{ orderId: b.orderId, to: b.pending, at: new Date(b.pendingAt) }]
          : [],
      )
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.orderId.localeCompare(b.orderId))
      .slice(0, Math.max(0, limit));
  }

  /** Takes the order out of the slot's holders: whether it was one. */
  private free(key: string, orderId: string): boolean {
    const holders = this.slots.get(key) ?? [];
    if (!holders.includes(orderId)) return false;
    this.slots.set(
      key,
      holders.filter((id) => id !== orderId),
    );
    return true;
  }

  async taken(keys: readonly string[]): Promise<Map<string, number>> {
    return new Map(keys.flatMap((k) => (this.slots.has(k) ? [[k, this.slots.get(k)!.length] as const] : [])));
  }

  async bookingOf(orderId: string): Promise<SlotBooking | null> {
    const b = this.bookings.get(orderId);
    return b ? asBooking(b) : null;
  }

  async unconfirmed(before: Date, limit: number): Promise<SlotBooking[]> {
    return [...this.bookings.values()]
      .filter((b) => !b.confirmed && b.key !== undefined && b.at.getTime() <= before.getTime())
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.orderId.localeCompare(b.orderId))
      .slice(0, Math.max(0, limit))
      .flatMap((b) => asBooking(b) ?? []);
  }

  async confirm(orderId: string): Promise<void> {
    const b = this.bookings.get(orderId);
    if (b) this.bookings.set(orderId, { ...b, confirmed: true });
  }
}
