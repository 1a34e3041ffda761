import { Schema, type Connection, type Model } from 'mongoose';
import { isStagedEventType, type StagedEventOutbox } from '../../../application/shared/event-ports.js';
import type { DomainEvent } from '../../../domain/shared/events.js';
import { openCollection } from './open-collection.js';

interface StagedEventDocument {
  /** The event id: staging the same event twice keeps one. */
  _id: string;
  type: string;
  aggregateId: string;
  occurredAt: Date;
  payload: unknown;
}

export const EVENT_OUTBOX_SCHEMA = new Schema<StagedEventDocument>(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    aggregateId: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    payload: { type: Schema.Types.Mixed },
  },
  { versionKey: false, collection: 'event_outbox', id: false },
);
EVENT_OUTBOX_SCHEMA.index({ occurredAt: 1 });

function model(connection: Connection): Model<StagedEventDocument> {
  return (connection.models.StagedEvent ??
    connection.model('StagedEvent', EVENT_OUTBOX_SCHEMA)) as unknown as Model<StagedEventDocument>;
}

/** The staged notices (catalog events) in `event_outbox`, one document per event. */
export class MongoStagedEventOutbox implements StagedEventOutbox {
  private readonly outbox: Model<StagedEventDocument>;

  constructor(connection: Connection) {
    this.outbox = model(connection);
  }

  owns(type: string): boolean {
    return isStagedEventType(type);
  }

  async stage(events: readonly DomainEvent[]): Promise<void> {
    for (const e of events) {
      await this.outbox.collection.updateOne(
        { _id: e.id } as never,
        {
          $setOnInsert: {
            type: e.type,
            aggregateId: e.aggregateId,
            occurredAt: e.occurredAt,
            payload: structuredClone(e.payload),
          },
        },
        { upsert: true },
      );
    }
  }

  async discard(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.outbox.collection.deleteMany({ _id: { $in: events.map((e) => e.id) } } as never);
  }

  async pending(before: Date, limit: number): Promise<DomainEvent[]> {
    if (limit < 1) return [];
    const docs = await openCollection(this.outbox)
      .find<StagedEventDocument>({ occurredAt: { $lte: before } } as never)
      .sort({ occurredAt: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => ({
      id: d._id,
      type: d.type,
      aggregateId: d.aggregateId,
      occurredAt: d.occurredAt,
      payload: d.payload,
    }));
  }

  async markDispatched(events: readonly DomainEvent[]): Promise<void> {
    await this.discard(events);
  }
}
