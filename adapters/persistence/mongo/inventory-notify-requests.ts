import { Schema, type Connection, type Model } from 'mongoose';
import type { StockNotifyRepository, StockNotifyRequest } from '../../../application/inventory/ports.js';
import { DocumentLock, type DocumentLockOptions } from './document-lock.js';

interface NotifyDoc {
  _id: string;
  productId: string;
  userId: string;
  email: string;
  createdAt: Date;
  notifiedAt: Date | null;
  /** `product:user` while open (unique: one open request each), `product:user:id` once notified. */
  openKey: string;
}

const notifySchema = new Schema<NotifyDoc>(
  {
    _id: { type: String, required: true },
    productId: { type: String, required: true },
    userId: { type: String, required: true },
    email: { type: String, required: true },
    createdAt: { type: Date, required: true },
    notifiedAt: { type: Date, default: null },
    openKey: { type: String, required: true },
  },
  { collection: 'stock_notify_requests', versionKey: false, timestamps: false },
);
notifySchema.index({ openKey: 1 }, { unique: true, name: 'notify_open_key_unique' });
notifySchema.index({ productId: 1, notifiedAt: 1 });

function notifyModel(connection: Connection): Model<NotifyDoc> {
  return (connection.models.StockNotifyRequest ??
    connection.model('StockNotifyRequest', notifySchema)) as unknown as Model<NotifyDoc>;
}

function toDomain(d: NotifyDoc): StockNotifyRequest {
  return {
    id: d._id,
    productId: d.productId,
    userId: d.userId,
    email: d.email,
    createdAt: new Date(d.createdAt),
    notifiedAt: d.notifiedAt ? new Date(d.notifiedAt) : null,
  };
}

export class MongoStockNotifyRepository implements StockNotifyRepository {
  private readonly model: Model<NotifyDoc>;
  private readonly lock: DocumentLock;

  constructor(connection: Connection, lockOptions: DocumentLockOptions = {}) {
    this.model = notifyModel(connection);
    this.lock = new DocumentLock(connection, lockOptions);
  }

  async add(request: StockNotifyRequest): Promise<StockNotifyRequest> {
    const openKey = `${request.productId}:${request.userId}`;
    try {
      await this.model.collection.insertOne({
        _id: request.id,
        productId: request.productId,
        userId: request.userId,
        email: request.email,
        createdAt: request.createdAt,
        notifiedAt: null,
        openKey,
      } as never);
      return request;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      const existing = await this.model.findOne({ openKey }).lean<NotifyDoc>();
      if (!existing) throw error;
      return toDomain(existing);
    }
  }

  async open(productId: string): Promise<StockNotifyRequest[]> {
    const docs = await this.model
      .find({ productId, notifiedAt: null })
      .sort({ createdAt: 1, _id: 1 })
      .lean<NotifyDoc[]>();
    return docs.map(toDomain);
  }

  async markNotified(id: string, at: Date): Promise<boolean> {
    return this.lock.exclusive(`stock_notify:${id}`, async () => {
      const doc = await this.model.findOne({ _id: id, notifiedAt: null }).lean<NotifyDoc>();
      if (!doc) return false;
      const result = await this.model.collection.updateOne(
        { _id: id as never, notifiedAt: null },
        { $set: { notifiedAt: at, openKey: `${doc.openKey}:${id}` } },
      );
      return result.modifiedCount === 1;
    });
  }
}
