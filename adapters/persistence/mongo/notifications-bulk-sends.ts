import { Schema, type Connection, type Model } from 'mongoose';
import type { BulkNotification, BulkNotificationStore } from '../../../application/notifications/bulk.js';
import { isDuplicateKey } from './duplicate-key.js';

type BulkDocument = { _id: string } & Omit<BulkNotification, 'id'>;

const schema = new Schema(
  {
    _id: { type: String, required: true },
    segment: { type: Schema.Types.Mixed, required: true },
    channel: { type: String, required: true },
    template: String,
    variables: Schema.Types.Mixed,
    custom: Schema.Types.Mixed,
    requestedBy: { type: String, required: true },
    estimated: { type: Number, required: true },
    walked: Number,
    createdAt: { type: Date, required: true },
    finishedAt: Date,
  },
  { collection: 'notification_bulk_sends', versionKey: false, id: false, minimize: false },
);

function model(connection: Connection): Model<BulkDocument> {
  return (connection.models.NotificationBulkSend ??
    connection.model('NotificationBulkSend', schema)) as unknown as Model<BulkDocument>;
}

function fromDocument(d: BulkDocument): BulkNotification {
  return {
    id: d._id,
    segment: d.segment,
    channel: d.channel,
    ...(d.template != null ? { template: d.template } : {}),
    ...(d.variables != null ? { variables: d.variables } : {}),
    ...(d.custom != null ? { custom: d.custom } : {}),
    requestedBy: d.requestedBy,
    estimated: d.estimated,
    ...(d.walked != null ? { walked: d.walked } : {}),
    createdAt: d.createdAt,
    ...(d.finishedAt != null ? { finishedAt: d.finishedAt } : {}),
  };
}

/** Bulk sends in `notification_bulk_sends` (`_id` = bulk id); the walk's end is a guarded single-document update. */
export class MongoBulkNotificationStore implements BulkNotificationStore {
  private readonly bulks: Model<BulkDocument>;

  constructor(connection: Connection) {
    this.bulks = model(connection);
  }

  async create(bulk: BulkNotification): Promise<void> {
    const { id, ...rest } = bulk;
    try {
      await this.bulks.collection.insertOne({ _id: id, ...structuredClone(rest) } as never);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async findById(id: string): Promise<BulkNotification | null> {
    const d = await this.bulks.collection.findOne<BulkDocument>({ _id: id } as never);
    return d ? fromDocument(d) : null;
  }

  async finish(id: string, walked: number, at: Date): Promise<void> {
    await this.bulks.collection.updateOne({ _id: id, walked: { $exists: false } } as never, {
      $set: { walked, finishedAt: at },
    });
  }
}
