import { Schema, type Connection, type Model } from 'mongoose';
import type { ProcessedEventStore } from '../../../application/payments/ports.js';
import { isDuplicateKey } from './duplicate-key.js';
import { openCollection } from './open-collection.js';

interface ProcessedEventDocument {
  _id: string;
  type: string;
  at: Date;
}

/** `_id` = the gateway's event id: the primary key is the unique index, so the first insert wins. */
export const PROCESSED_EVENT_SCHEMA = new Schema<ProcessedEventDocument>(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'payment_events', id: false },
);
PROCESSED_EVENT_SCHEMA.index({ at: 1 });

function model(connection: Connection): Model<ProcessedEventDocument> {
  return (connection.models.PaymentEvent ??
    connection.model('PaymentEvent', PROCESSED_EVENT_SCHEMA)) as unknown as Model<ProcessedEventDocument>;
}

export class MongoProcessedEventStore implements ProcessedEventStore {
  private readonly events: Model<ProcessedEventDocument>;

  constructor(connection: Connection) {
    this.events = model(connection);
  }

  async claim(eventId: string, type: string, at: Date): Promise<boolean> {
    try {
      await this.events.collection.insertOne({ _id: eventId, type, at } as never);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async release(eventId: string): Promise<void> {
    await this.events.collection.deleteOne({ _id: eventId } as never);
  }

  async forget(before: Date, limit: number): Promise<number> {
    // deleteMany has no limit: the oldest ids first (the `at` index), then those. Swept like the
    // memory store rather than by a TTL index: one rule and one contract test for both.
    const old = await openCollection(this.events)
      .find({ at: { $lt: before } } as never, { projection: { _id: 1 } })
      .sort({ at: 1 })
      .limit(limit)
      .toArray();
    if (old.length === 0) return 0;
    const result = await openCollection(this.events).deleteMany({
      _id: { $in: old.map((d) => d._id) },
    } as never);
    return result.deletedCount;
  }
}
