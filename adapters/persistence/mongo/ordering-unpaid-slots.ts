import { Schema, type Connection, type Model } from 'mongoose';
import type { UnpaidOrderSlot, UnpaidOrderSlotRepository } from '../../../application/ordering/ports.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';

interface UnpaidOrderSlotDoc {
  _id: string;
  userId: string;
  index: number;
  orderId: string;
  claimedAt: Date;
}

export const unpaidOrderSlotSchema = new Schema<UnpaidOrderSlotDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    index: { type: Number, required: true },
    orderId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { collection: 'unpaid_order_slots', versionKey: false, timestamps: false },
);
// `held(userId)` and `heldIndexes(userId)`: a shopper's slots.
unpaidOrderSlotSchema.index({ userId: 1, index: 1 });

export function unpaidOrderSlotModel(connection: Connection): Model<UnpaidOrderSlotDoc> {
  return (connection.models.UnpaidOrderSlot ??
    connection.model('UnpaidOrderSlot', unpaidOrderSlotSchema)) as unknown as Model<UnpaidOrderSlotDoc>;
}

const slotId = (userId: string, index: number) => `${userId}:${index}`;

/**
 * Unpaid-order slots in `unpaid_order_slots`, `_id` = `${userId}:${index}`. Taking a slot is an
 * INSERT: of concurrent inserts of one `_id` exactly one succeeds, on MongoDB and on FerretDB
 * (whose guarded updates are not atomic). Freeing is a delete guarded by the holder's order id;
 * FerretDB applies a guarded delete as read-then-delete, so there it holds the slot's document
 * lock (every delete of a slot does, so the holder cannot change between the read and the delete).
 */
export class MongoUnpaidOrderSlotRepository implements UnpaidOrderSlotRepository {
  private readonly model: Model<UnpaidOrderSlotDoc>;
  private readonly lock: DocumentLock;

  constructor(connection: Connection) {
    this.model = unpaidOrderSlotModel(connection);
    this.lock = new DocumentLock(connection);
  }

  async insert(slot: UnpaidOrderSlot): Promise<boolean> {
    try {
      await this.model.collection.insertOne({
        _id: slotId(slot.userId, slot.index) as never,
        userId: slot.userId,
        index: slot.index,
        orderId: slot.orderId,
        claimedAt: slot.claimedAt,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async held(userId: string): Promise<UnpaidOrderSlot[]> {
    const docs = await this.model.find({ userId }).sort({ index: 1 }).lean<UnpaidOrderSlotDoc[]>();
    return docs.map((d) => ({
      userId: d.userId,
      index: d.index,
      orderId: d.orderId,
      claimedAt: new Date(d.claimedAt),
    }));
  }

  async heldIndexes(userId: string): Promise<number[]> {
    const docs = await this.model.find({ userId }, { _id: 0, index: 1 }).lean<{ index: number }[]>();
    return docs.map((d) => d.index);
  }

  async release(userId: string, index: number, orderId: string): Promise<boolean> {
    const id = slotId(userId, index);
    const { deletedCount } = await this.lock.exclusive(`unpaid-slot:${id}`, () =>
      this.model.collection.deleteOne({ _id: id as never, orderId }),
    );
    return deletedCount === 1;
  }
}
