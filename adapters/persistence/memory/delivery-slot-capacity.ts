import type { SlotBooking, SlotCapacityStore } from '../../../application/delivery/ports.js';
import type { MemoryDatabase } from './memory-database.js';

interface BookingRow extends SlotBooking {
  confirmed?: boolean;
}

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
    const holders = this.slots.get(booking.key) ?? [];
    if (!holders.includes(orderId)) return false;
    this.slots.set(
      booking.key,
      holders.filter((id) => id !== orderId),
    );
    return true;
  }

  async taken(keys: readonly string[]): Promise<Map<string, number>> {
    return new Map(keys.flatMap((k) => (this.slots.has(k) ? [[k, this.slots.get(k)!.length] as const] : [])));
  }

  async bookingOf(orderId: string): Promise<SlotBooking | null> {
    const b = this.bookings.get(orderId);
    return b ? { orderId: b.orderId, key: b.key, at: new Date(b.at) } : null;
  }

  async unconfirmed(before: Date, limit: number): Promise<SlotBooking[]> {
    return [...this.bookings.values()]
      .filter((b) => !b.confirmed && b.at.getTime() <= before.getTime())
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.orderId.localeCompare(b.orderId))
      .slice(0, Math.max(0, limit))
      .map((b) => ({ orderId: b.orderId, key: b.key, at: new Date(b.at) }));
  }

  async confirm(orderId: string): Promise<void> {
    const b = this.bookings.get(orderId);
    if (b) this.bookings.set(orderId, { ...b, confirmed: true });
  }
}
