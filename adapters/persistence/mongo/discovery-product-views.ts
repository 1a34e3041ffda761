import { openCollection } from './open-collection.js';
import { Schema, type Connection, type Model } from 'mongoose';
import type { ProductViews } from '../../../application/discovery/ports.js';
import type { DailyViews } from '../../../domain/discovery/scoring.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';

interface ViewsDocument {
  _id: string;
  productId: string;
  day: string;
  count: number;
}

const VIEWS_SCHEMA = new Schema<ViewsDocument>(
  {
    _id: { type: String, required: true },
    productId: { type: String, required: true },
    day: { type: String, required: true },
    count: { type: Number, required: true },
  },
  { versionKey: false, collection: 'product_views', id: false, timestamps: false },
);
VIEWS_SCHEMA.index({ day: 1 }, { name: 'product_views_day' });

export function viewsModel(connection: Connection): Model<ViewsDocument> {
  return (connection.models.ProductViews ??
    connection.model('ProductViews', VIEWS_SCHEMA)) as unknown as Model<ViewsDocument>;
}

/**
 * One document per product per day (`_id` = `productId:day`), `$inc` upserted. FerretDB's `$inc`
 * is a read-then-write, so there the increment runs under the counter's DocumentLock; a racing
 * first upsert (duplicate _id) is retried as a plain increment.
 */
export class MongoProductViews implements ProductViews {
  private readonly model: Model<ViewsDocument>;
  private readonly locks: DocumentLock;

  constructor(connection: Connection) {
    this.model = viewsModel(connection);
    this.locks = new DocumentLock(connection);
  }

  async increment(productId: string, day: string): Promise<void> {
    const _id = `${productId}:${day}`;
    await this.locks.exclusive(`product_views:${_id}`, async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.model.collection.updateOne(
            { _id } as never,
            { $inc: { count: 1 }, $setOnInsert: { productId, day } } as never,
            { upsert: true },
          );
          return;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt >= 3) throw error;
        }
      }
    });
  }

  async since(fromDay: string): Promise<DailyViews[]> {
    const docs = await openCollection(this.model)
      .find({ day: { $gte: fromDay } } as never)
      .sort({ day: 1, productId: 1 })
      .toArray();
    return docs.map((d) => ({
      productId: d.productId as string,
      day: d.day as string,
      count: d.count as number,
    }));
  }
}
