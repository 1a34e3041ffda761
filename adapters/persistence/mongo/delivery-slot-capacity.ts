import { Schema, type Connection, type Model } from 'mongoose';
import type { SlotBooking, SlotCapacityStore } from '../../../application/delivery/ports.js';
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
  key: string;
  at: Date;
  /** Set once the booking's order was seen stored (ReleaseAbandonedSlots). */
  confirmed?: boolean;
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
    key: { type: String, required: true },
    at: { type: Date, required: true },
    confirmed: Boolean,
  },
  { collection: 'delivery_slot_bookings', versionKey: false, timestamps: false },
);
// The abandoned-booking sweep: unconfirmed bookings, oldest first.
bookingSchema.index({ confirmed: 1, at: 1 });

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
    try {
      await this.slots.collection.insertOne({ _id: key, taken: 0, holders: [] } as never);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const booked = await this.lock.exclusive(`delivery_slots:${key}`, async () => {
      const r = await this.slots.collection.updateOne(
        { _id: key, taken: { $lt: capacity }, holders: { $ne: orderId } } as never,
        { $inc: { taken: 1 }, $push: { holders: orderId } } as never,
      );
      if (r.modifiedCount === 1) return true;
      const doc = (await this.slots.collection.findOne({ _id: key } as never)) as unknown as SlotDoc | null;
      return doc?.holders.includes(orderId) ?? false;
    });
    if (!booked) await this.bookings.collection.deleteOne({ _id: orderId, key } as never);
    return booked;
  }

  async release(orderId: string): Promise<boolean> {
    const booking = await this.bookingOf(orderId);
    if (!booking) return false;
    const freed = await this.lock.exclusive(`delivery_slots:${booking.key}`, async () => {
      const r = await this.slots.collection.updateOne(
        { _id: booking.key, holders: orderId } as never,
        { $inc: { taken: -1 }, $pull: { holders: orderId } } as never,
      );
      return r.modifiedCount === 1;
    });
    await this.bookings.collection.deleteOne({ _id: orderId } as never);
    return freed;
  }

  async taken(keys: readonly string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const docs = await openCollection(this.slots)
      .find({ _id: { $in: [...keys] } } as never)
      .toArray();
    return new Map(docs.map((d) => [String(d._id), (d as unknown as SlotDoc).taken]));
  }

  async bookingOf(orderId: string): Promise<SlotBooking | null> {
    const d = (await this.bookings.collection.findOne({
      _id: orderId,
    } as never)) as unknown as BookingDoc | null;
    return d ? { orderId: d._id, key: d.key, at: new Date(d.at) } : null;
  }

  async unconfirmed(before: Date, limit: number): Promise<SlotBooking[]> {
    if (limit < 1) return [];
    const docs = await openCollection(this.bookings)
      .find({ at: { $lte: before }, confirmed: { $ne: true } } as never)
      .sort({ at: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((raw) => {
      const d = raw as unknown as BookingDoc;
      return { orderId: d._id, key: d.key, at: new Date(d.at) };
    });
  }

  async confirm(orderId: string): Promise<void> {
    await this.bookings.collection.updateOne({ _id: orderId } as never, { $set: { confirmed: true } });
  }
}
