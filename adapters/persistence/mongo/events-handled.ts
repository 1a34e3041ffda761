import { Schema, type Connection, type Model } from 'mongoose';
import type { HandledEventStore, HandlerClaim } from '../../../application/shared/event-ports.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';
import { openCollection } from './open-collection.js';

interface HandledEventDocument {
  /** `${handler}|${eventId}`: the primary key makes the first claim win. */
  _id: string;
  done: boolean;
  leaseUntil: Date;
  at: Date;
}

export const HANDLED_EVENT_SCHEMA = new Schema<HandledEventDocument>(
  {
    _id: { type: String, required: true },
    done: { type: Boolean, required: true },
    leaseUntil: { type: Date, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'handled_events', id: false },
);
HANDLED_EVENT_SCHEMA.index({ at: 1 });

function model(connection: Connection): Model<HandledEventDocument> {
  return (connection.models.HandledEvent ??
    connection.model('HandledEvent', HANDLED_EVENT_SCHEMA)) as unknown as Model<HandledEventDocument>;
}

/** Claims are single-document: an insert (the primary key decides), or taking over a lapsed lease with a guarded update. */
export class MongoHandledEventStore implements HandledEventStore {
  private readonly handled: Model<HandledEventDocument>;
  private readonly locks: DocumentLock;

  constructor(connection: Connection) {
    this.handled = model(connection);
    this.locks = new DocumentLock(connection);
  }

  async claim(handler: string, eventId: string, now: Date, leaseMs: number): Promise<HandlerClaim> {
    const _id = `${handler}|${eventId}`;
    const leaseUntil = new Date(now.getTime() + leaseMs);
    try {
      await this.handled.collection.insertOne({ _id, done: false, leaseUntil, at: now } as never);
      return 'claimed';
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // The guarded takeover runs under the document lock where the server's single-document
    // updates are not atomic (FerretDB): two instances never both take a lapsed claim.
    const taken = await this.locks.exclusive(`handled_events:${_id}`, () =>
      this.handled.collection.updateOne({ _id, done: false, leaseUntil: { $lte: now } } as never, {
        $set: { leaseUntil, at: now },
      }),
    );
    if (taken.modifiedCount === 1) return 'claimed';
    const current = await this.handled.collection.findOne({ _id } as never);
    return current?.done ? 'done' : 'busy';
  }

  async complete(handler: string, eventId: string, now: Date): Promise<void> {
    await this.handled.collection.updateOne(
      { _id: `${handler}|${eventId}` } as never,
      { $set: { done: true, at: now } },
      { upsert: true },
    );
  }

  async release(handler: string, eventId: string): Promise<void> {
    await this.handled.collection.deleteOne({ _id: `${handler}|${eventId}`, done: false } as never);
  }

  async forget(doneBefore: Date, limit: number): Promise<number> {
    // deleteMany has no limit: the oldest ids first (the `at` index), then those, still done.
    const old = await openCollection(this.handled)
      .find({ done: true, at: { $lt: doneBefore } } as never, { projection: { _id: 1 } })
      .sort({ at: 1 })
      .limit(limit)
      .toArray();
    if (old.length === 0) return 0;
    const result = await openCollection(this.handled).deleteMany({
      _id: { $in: old.map((d) => d._id) },
      done: true,
    } as never);
    return result.deletedCount;
  }
}
