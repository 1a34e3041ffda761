import type { Db, Migration } from '../migrations.js';
import { defaultOrderNumber } from '../ordering-order-repository.js';

const MARK = 'backfilledBy002';
const BATCH = 500;

/**
 * Compat rule 20: orders written without `orderNumber` or `totalAmount` (the original's admin
 * tests insert such documents) get them: the number derived from id and creation time (as the
 * mapper answers it), `totalAmount` = `total`; and a missing `version` becomes 0. Each document
 * records which fields were filled in, so `down` removes exactly those. Documents are updated
 * one by one with a guard on the field still missing (no multi-document transaction; re-runnable).
 */
export const orderDefaults: Migration = {
  version: 2,
  name: 'order-defaults',
  async up(db: Db) {
    const orders = db.collection<Record<string, unknown>>('orders');
    const missing = {
      $or: [
        { orderNumber: { $exists: false } },
        { totalAmount: { $exists: false } },
        { version: { $exists: false } },
      ],
    };
    for (;;) {
      const docs = await orders.find(missing).limit(BATCH).toArray();
      if (docs.length === 0) break;
      for (const doc of docs) {
        const set: Record<string, unknown> = {};
        const filled: string[] = [];
        if (doc.orderNumber === undefined) {
          const createdAt = doc.createdAt instanceof Date ? doc.createdAt : new Date(0);
          set.orderNumber = defaultOrderNumber(String(doc._id), createdAt);
          filled.push('orderNumber');
        }
        if (doc.totalAmount === undefined) {
          set.totalAmount = typeof doc.total === 'number' ? doc.total : 0;
          filled.push('totalAmount');
        }
        if (doc.version === undefined) {
          set.version = 0;
          filled.push('version');
        }
        const previous = Array.isArray(doc[MARK]) ? (doc[MARK] as string[]) : [];
        set[MARK] = [...previous, ...filled];
        await orders.updateOne({ _id: doc._id, [filled[0]!]: { $exists: false } }, { $set: set });
      }
      if (docs.length < BATCH) break;
    }
  },
  async down(db: Db) {
    const orders = db.collection<Record<string, unknown>>('orders');
    const docs = await orders.find({ [MARK]: { $exists: true } }).toArray();
    for (const doc of docs) {
      const unset: Record<string, ''> = { [MARK]: '' };
      for (const field of doc[MARK] as string[]) unset[field] = '';
      await orders.updateOne({ _id: doc._id }, { $unset: unset });
    }
  },
};
