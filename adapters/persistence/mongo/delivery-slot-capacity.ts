import { Schema, type Connection, type Model } from 'mongoose';
import type { SlotBooking, SlotCapacityStore, SlotMove } from '../../../application/delivery/ports.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';
import { openCollection } from './open-collection.js';

interface SlotDoc {
  /** slotKey: `${date}|${slot}` */
  _id: string;
  taken: number;
  /** The orders holding the slot (`taken` of them). */
  holders: string[];
}

interface BookingDoc {
  /** The order id: one slot per order. */
  _id: string;
  /** The slot the order holds (absent: an order placed without one, in its first move). */
  key?: string;
  at: Date;
  /** Set once the booking's order was seen stored (ReleaseAbandonedSlots). */
  confirmed?: boolean;
  /** A move in flight (hold): the slot it took a place in, and when. */
  pending?: string;
  pendingAt?: Date;
}

const slotSchema = new Schema<SlotDoc>(
  {
    _id: { type: String, required: true },
    taken: { type: Number, required: true },
    holders: { type: [String], default: [] },
  },
  { collection: 'delivery_slots', versionKey: false, timestamps: false },
);

const bookingSchema = new Schema<BookingDoc>(
  {
    _id: { type: String, required: true },
    key: String,
    at: { type: Date, required: true },
    confirmed: Boolean,
    pending: String,
    pendingAt: Date,
  },
  { collection: 'delivery_slot_bookings', versionKey: false, timestamps: false },
);
// The abandoned-booking sweep: unconfirmed bookings, oldest first; interrupted moves likewise.
bookingSchema.index({ confirmed: 1, at: 1 });
bookingSchema.index({ pendingAt: 1 }, { sparse: true });

const bookingLock = (orderId: string) => `delivery_slot_bookings:${orderId}`;

function models(connection: Connection) {
  return {
    slots: (connection.models.DeliverySlot ??
      connection.model('DeliverySlot', slotSchema)) as unknown as Model<SlotDoc>,
    bookings: (connection.models.DeliverySlotBooking ??
      connection.model('DeliverySlotBooking', bookingSchema)) as unknown as Model<BookingDoc>,
  };
}

/**
 * One document per slot of a date in `delivery_slots` and one per booking in
 * `delivery_slot_bookings`. Booking writes its record first (so a crash leaves something the
 * sweep finds), then takes a place with ONE guarded update of the slot's document
 * (`taken < capacity` and the order not among `holders`: `$inc` + `$push`); release is the
 * reverse guarded update (the order among `holders`: `$inc -1` + `$pull` of the id), then the
 * record goes. On MongoDB the guarded updates are atomic by themselves; FerretDB applies them as
 * read-then-write, so there they run under the slot's DocumentLock (`auto`).
 *
 * A move (a reschedule: hold, then commitMove or abortMove) first marks the order's booking with
 * `pending` (guarded: none in flight), then takes the new place like a booking; commit points the
 * booking at it and frees the old place, abort frees the new one. Booking-document changes run
 * under the booking's DocumentLock, taken before any slot's lock.
 */
export class MongoSlotCapacityStore implements SlotCapacityStore {
  private readonly slots: Model<SlotDoc>;
  private readonly bookings: Model<BookingDoc>;
  private readonly lock: DocumentLock;

  constructor(connection: Connection) {
    ({ slots: this.slots, bookings: this.bookings } = models(connection));
    this.lock = new DocumentLock(connection, { waitMs: 30_000 });
  }

  async book(key: string, orderId: string, capacity: number, at: Date): Promise<boolean> {
    try {
      await this.bookings.collection.insertOne({ _id: orderId, key, at } as never);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.bookingOf(orderId);
      // One slot per order: a different one is refused as full (never two places).
      if (existing && existing.key !== key) return false;
    }
    const booked = await this.take(key, orderId, capacity);
    if (!booked) await this.bookings.collection.deleteOne({ _id: orderId, key } as never);
    return booked;
  }

  async release(orderId: string): Promise<boolean> {
    return this.lock.exclusive(bookingLock(orderId), async () => {
      const booking = await this.bookingDoc(orderId);
      if (!booking) return false;
      if (booking.pending !== undefined && booking.pending !== booking.key) {
        await this.free(booking.pending, orderId);
      }
      const freed = booking.key !== undefined ? await this.free(booking.key, orderId) : false;
      await this.bookings.collection.deleteOne({ _id: orderId } as never);
      return freed;
    });
  }

  async hold(key: string, orderId: string, capacity: number, at: Date): Promise<'taken' | 'full' | 'busy'> {
    const marked = await this.lock.exclusive(bookingLock(orderId), async () => {
      try {
        await this.bookings.collection.insertOne({
          _id: orderId,
          at,
          confirmed: true,
          pending: key,
        } as never);
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const r = await this.bookings.collection.updateOne(
        { _id: orderId, pending: { $exists: false } } as never,
        { $set: { pending: key, pendingAt: at } } as never,
      );
      return r.modifiedCount === 1;
    });
    if (!marked) return 'busy';
    if (await this.take(key, orderId, capacity)) return 'taken';
    await this.lock.exclusive(bookingLock(orderId), () => this.unmark(orderId, key));
    return 'full';
  }

  async commitMove(orderId: string, key: string): Promise<void> {
    await this.lock.exclusive(bookingLock(orderId), async () => {
      const booking = await this.bookingDoc(orderId);
      // Released meanwhile (the order was cancelled): the new place goes back too.
      if (!booking) return void (await this.free(key, orderId));
      if (booking.pending !== key) return;
      const r = await this.bookings.collection.updateOne(
        { _id: orderId, pending: key } as never,
        { $set: { key }, $unset: { pending: '', pendingAt: '' } } as never,
      );
      if (r.modifiedCount === 1 && booking.key !== undefined && booking.key !== key) {
        await this.free(booking.key, orderId);
      }
    });
  }

  async abortMove(orderId: string, key: string): Promise<void> {
    await this.lock.exclusive(bookingLock(orderId), async () => {
      const booking = await this.bookingDoc(orderId);
      if (!booking) return void (await this.free(key, orderId));
      if (booking.pending !== key) return;
      await this.unmark(orderId, key);
      if (booking.key !== key) await this.free(key, orderId);
    });
  }

  async staleMoves(before: Date, limit: number): Promise<SlotMove[]> {
    if (limit < 1) return [];
    const docs = await openCollection(this.bookings)
      .find({ pendingAt: { $lte: before } } as never)
      .sort({ pendingAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.flatMap((raw) => {
      const d = raw as unknown as BookingDoc;
      return d.pending !== undefined && d.pendingAt !== undefined
        ? [{ orderId: d._id, to: d.pending, at: new Date(d.pendingAt) }]
        : [];
    });
  }

  /** The guarded increment of a booking: whether the order holds a place in `key` now. */
  private async take(key: string, orderId: string, capacity: number): Promise<boolean> {
    try {
      await this.slots.collection.insertOne({ _id: key, taken: 0, holders: [] } as never);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    return this.lock.exclusive(`delivery_slots:${key}`, async () => {
      const r = await this.slots.collection.updateOne(
        { _id: key, taken: { $lt: capacity }, holders: { $ne: orderId } } as never,
        { $inc: { taken: 1 }, $push: { holders: orderId } } as never,
      );
      if (r.modifiedCount === 1) return true;
      const doc = (await this.slots.collection.findOne({ _id: key } as never)) as unknown as SlotDoc | null;
      return doc?.holders.includes(orderId) ?? false;
    });
  }

  /** The guarded decrement: whether the order held a place in `key`. */
  private async free(key: string, orderId: string): Promise<boolean> {
    return this.lock.exclusive(`delivery_slots:${key}`, async () => {
      const r = await this.slots.collection.updateOne(
        { _id: key, holders: orderId } as never,
        { $inc: { taken: -1 }, $pull: { holders: orderId } } as never,
      );
      return r.modifiedCount === 1;
    });
  }

  /** Takes the move off the booking (a booking that never held a slot goes). */
  private async unmark(orderId: string, key: string): Promise<void> {
    await this.bookings.collection.updateOne(
      { _id: orderId, pending: key } as never,
      { $unset: { pending: '', pendingAt: '' } } as never,
    );
    await this.bookings.collection.deleteOne({
      _id: orderId,
      key: { $exists: false },
      pending: { $exists: false },
    } as never);
  }

  private async bookingDoc(orderId: string): Promise<BookingDoc | null> {
    return (await this.bookings.collection.findOne({
      _id: orderId,
    } as never)) as unknown as BookingDoc | null;
  }

  async taken(keys: readonly string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const docs = await openCollection(this.slots)
      .find({ _id: { $in: [...keys] } } as never)
      .toArray();
    return new Map(docs.map((d) => [String(d._id), (d as unknown as SlotDoc).taken]));
  }

  async bookingOf(orderId: string): Promise<SlotBooking | null> {
    const d = await this.bookingDoc(orderId);
    return d?.key !== undefined ? { orderId: d._id, key: d.key, at: new Date(d.at) } : null;
  }

  async unconfirmed(before: Date, limit: number): Promise<SlotBooking[]> {
    if (limit < 1) return [];
    const docs = await openCollection(this.bookings)
      .find({ at: { $lte: before }, confirmed: { $ne: true }, key: { $exists: true } } as never)
      .sort({ at: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((raw) => {
      const d = raw as unknown as BookingDoc;
      return { orderId: d._id, key: d.key!, at: new Date(d.at) };
    });
  }

  async confirm(orderId: string): Promise<void> {
    await this.bookings.collection.updateOne({ _id: orderId } as never, { $set: { confirmed: true } });
  }
}
