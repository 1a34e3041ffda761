import { Schema, type Connection, type Model } from 'mongoose';
import { LOYALTY_REASONS, type LoyaltyEntry, type LoyaltyReason } from '../../../domain/loyalty/points.js';
import type { LoyaltyLedger } from '../../../application/loyalty/ports.js';
import { isDuplicateKey } from './duplicate-key.js';
import { openCollection } from './open-collection.js';

interface LoyaltyEntryDoc {
  /** `${userId}:${seq}` (seq zero-padded): one entry per (user, seq), whatever the server. */
  _id: string;
  entryId: string;
  userId: string;
  seq: number;
  delta: number;
  requested: number;
  reason: string;
  orderId?: string;
  at: Date;
  balanceAfter: number;
  lifetimeAfter: number;
}

export const loyaltyEntrySchema = new Schema<LoyaltyEntryDoc>(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    userId: { type: String, required: true },
    seq: { type: Number, required: true },
    delta: { type: Number, required: true },
    requested: { type: Number, required: true },
    reason: { type: String, required: true },
    orderId: String,
    at: { type: Date, required: true },
    balanceAfter: { type: Number, required: true },
    lifetimeAfter: { type: Number, required: true },
  },
  { collection: 'loyalty_ledger', versionKey: false, timestamps: false },
);
loyaltyEntrySchema.index({ userId: 1, seq: -1 });
// One entry per event, also as a constraint (the account checks it too, after reading the head).
loyaltyEntrySchema.index({ entryId: 1 }, { unique: true });
loyaltyEntrySchema.index({ userId: 1, orderId: 1 });

export function loyaltyEntryModel(connection: Connection): Model<LoyaltyEntryDoc> {
  return (connection.models.LoyaltyEntry ??
    connection.model('LoyaltyEntry', loyaltyEntrySchema)) as unknown as Model<LoyaltyEntryDoc>;
}

const docId = (userId: string, seq: number) => `${userId}:${String(seq).padStart(10, '0')}`;

function fromDoc(d: LoyaltyEntryDoc): LoyaltyEntry {
  return {
    id: d.entryId,
    userId: d.userId,
    seq: d.seq,
    delta: d.delta,
    requested: d.requested,
    reason: ((LOYALTY_REASONS as readonly string[]).includes(d.reason)
      ? d.reason
      : 'adjustment') as LoyaltyReason,
    ...(d.orderId != null ? { orderId: d.orderId } : {}),
    at: d.at,
    balanceAfter: d.balanceAfter,
    lifetimeAfter: d.lifetimeAfter,
  };
}

/**
 * The points ledger in `loyalty_ledger`. Appending is an INSERT of `_id` = user + seq: of
 * concurrent inserts of one `_id` exactly one succeeds, on MongoDB and on FerretDB alike (no
 * guarded update, no lock needed). The event id (`entryId`) is checked by the caller after it
 * reads the head (see LoyaltyAccount), so an event never lands twice.
 */
export class MongoLoyaltyLedger implements LoyaltyLedger {
  private readonly model: Model<LoyaltyEntryDoc>;

  constructor(connection: Connection) {
    this.model = loyaltyEntryModel(connection);
  }

  async head(userId: string): Promise<LoyaltyEntry | null> {
    const docs = (await openCollection(this.model)
      .find({ userId })
      .sort({ seq: -1 })
      .limit(1)
      .toArray()) as unknown as LoyaltyEntryDoc[];
    return docs[0] ? fromDoc(docs[0]) : null;
  }

  async findById(id: string): Promise<LoyaltyEntry | null> {
    const doc = await this.model.findOne({ entryId: id }).lean<LoyaltyEntryDoc>().exec();
    return doc ? fromDoc(doc) : null;
  }

  async insert(entry: LoyaltyEntry): Promise<boolean> {
    try {
      await this.model.collection.insertOne({
        _id: docId(entry.userId, entry.seq) as never,
        entryId: entry.id,
        userId: entry.userId,
        seq: entry.seq,
        delta: entry.delta,
        requested: entry.requested,
        reason: entry.reason,
        ...(entry.orderId !== undefined ? { orderId: entry.orderId } : {}),
        at: entry.at,
        balanceAfter: entry.balanceAfter,
        lifetimeAfter: entry.lifetimeAfter,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async forOrder(userId: string, orderId: string): Promise<LoyaltyEntry[]> {
    const docs = (await openCollection(this.model)
      .find({ userId, orderId })
      .sort({ seq: 1 })
      .toArray()) as unknown as LoyaltyEntryDoc[];
    return docs.map(fromDoc);
  }

  async list(userId: string, page: number, limit: number): Promise<{ items: LoyaltyEntry[]; total: number }> {
    const [docs, total] = await Promise.all([
      openCollection(this.model)
        .find({ userId })
        .sort({ seq: -1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .toArray() as unknown as Promise<LoyaltyEntryDoc[]>,
      this.model.countDocuments({ userId }).exec(),
    ]);
    return { items: docs.map(fromDoc), total };
  }
}
