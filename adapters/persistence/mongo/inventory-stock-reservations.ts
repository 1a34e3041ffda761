import { Schema, type Connection, type Model } from 'mongoose';
import type { StockReservation, StockReservationRepository } from '../../../application/inventory/ports.js';

interface StockReservationDoc {
  _id: string;
  orderId: string;
  productId: string;
  quantity: number;
  expiresAt: Date;
}

export const stockReservationSchema = new Schema<StockReservationDoc>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    productId: { type: String, required: true },
    quantity: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'stock_reservations', versionKey: false, timestamps: false },
);
// The sweeper's query: expired intents, earliest first.
stockReservationSchema.index({ expiresAt: 1, _id: 1 });
// A safety net on real MongoDB only, a day after expiry (the sweeper settles intents long
// before; FerretDB lacks TTL indexes and nothing relies on this one).
stockReservationSchema.index(
  { expiresAt: 1 },
  { name: 'stock_reservation_ttl', expireAfterSeconds: 24 * 3600 },
);

export function stockReservationModel(connection: Connection): Model<StockReservationDoc> {
  return (connection.models.StockReservation ??
    connection.model('StockReservation', stockReservationSchema)) as unknown as Model<StockReservationDoc>;
}

function toDomain(d: StockReservationDoc): StockReservation {
  return {
    id: d._id,
    orderId: d.orderId,
    productId: d.productId,
    quantity: d.quantity,
    expiresAt: new Date(d.expiresAt),
  };
}

/** Stock reservation intents in the `stock_reservations` collection (single-document writes). */
export class MongoStockReservationRepository implements StockReservationRepository {
  private readonly model: Model<StockReservationDoc>;

  constructor(connection: Connection) {
    this.model = stockReservationModel(connection);
  }

  async record(reservations: readonly StockReservation[]): Promise<void> {
    if (reservations.length === 0) return;
    // Upserts that only insert (one round trip): an intent already there is left as it is.
    await this.model.collection.bulkWrite(
      reservations.map((r) => ({
        updateOne: {
          filter: { _id: r.id as never },
          update: {
            $setOnInsert: {
              orderId: r.orderId,
              productId: r.productId,
              quantity: r.quantity,
              expiresAt: r.expiresAt,
            },
          },
          upsert: true,
        },
      })),
      { ordered: true },
    );
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.model.deleteMany({ _id: { $in: [...ids] } });
  }

  async expired(now: Date, limit: number): Promise<StockReservation[]> {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0) return [];
    const docs = await this.model
      .find({ expiresAt: { $lte: now } })
      .sort({ expiresAt: 1, _id: 1 })
      .limit(n)
      .lean<StockReservationDoc[]>();
    return docs.map(toDomain);
  }
}
