import { Schema, type Connection, type Model } from 'mongoose';
import type { MovementFilter, StockLedger } from '../../../application/inventory/ports.js';
import type { MovementMeta, MovementReason, StockMovement } from '../../../domain/inventory/movement.js';
import { movementId } from '../movement-id.js';

/** A movement as stored in `stock_movements` (and, until copied there, on its product). */
export interface MovementDoc {
  _id: string;
  productId: string;
  quantity: number;
  reason: MovementReason;
  actor: string;
  reference: string;
  at: Date;
}

const movementSchema = new Schema<MovementDoc>(
  {
    _id: { type: String, required: true },
    productId: { type: String, required: true },
    quantity: { type: Number, required: true },
    reason: { type: String, required: true },
    actor: { type: String, required: true },
    reference: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  { collection: 'stock_movements', versionKey: false, timestamps: false },
);
movementSchema.index({ productId: 1, at: 1 });
movementSchema.index({ at: -1 });

export function movementModel(connection: Connection): Model<MovementDoc> {
  return (connection.models.StockMovement ??
    connection.model('StockMovement', movementSchema)) as unknown as Model<MovementDoc>;
}

/** A new movement, stamped now, for a write to park on its product. */
export function movementDoc(
  productId: string,
  quantity: number,
  reason: MovementReason,
  meta: MovementMeta = {},
): MovementDoc {
  return {
    _id: movementId(),
    productId,
    quantity,
    reason: meta.reason ?? reason,
    actor: meta.actor ?? 'system',
    reference: meta.reference ?? '',
    at: new Date(),
  };
}

/** The `$set` that parks a movement on its product, in the same write as the stock change. */
export function parkMovement(m: MovementDoc): Record<string, MovementDoc> {
  return { [`pendingMovements.${m._id}`]: m };
}

export function movementToDoc(m: StockMovement): MovementDoc {
  return {
    _id: m.id,
    productId: m.productId,
    quantity: m.quantity,
    reason: m.reason,
    actor: m.actor,
    reference: m.reference,
    at: m.at,
  };
}

export function movementToDomain(d: MovementDoc): StockMovement {
  return {
    id: d._id,
    productId: d.productId,
    quantity: d.quantity,
    reason: d.reason,
    actor: d.actor,
    reference: d.reference ?? '',
    at: new Date(d.at),
  };
}

/** Copies a movement into the ledger; a second copy of the same id is a no-op (unique `_id`). */
export async function insertMovement(model: Model<MovementDoc>, doc: MovementDoc): Promise<void> {
  try {
    await model.collection.insertOne({ ...doc, at: new Date(doc.at) } as never);
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
}

function filterOf(f: MovementFilter): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.productId !== undefined) q.productId = f.productId;
  if (f.reason !== undefined) q.reason = f.reason;
  if (f.from !== undefined || f.to !== undefined) {
    q.at = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lte: f.to } : {}) };
  }
  return q;
}

/** Settles the movements still parked on products (see MongoStockStore). */
export interface PendingMovementSettler {
  settlePending(): Promise<number>;
}

export class MongoStockLedger implements StockLedger {
  private readonly model: Model<MovementDoc>;

  constructor(
    connection: Connection,
    private readonly settler: PendingMovementSettler,
  ) {
    this.model = movementModel(connection);
  }

  async list(filter: MovementFilter, page: number, limit: number) {
    const q = filterOf(filter);
    const [docs, total] = await Promise.all([
      this.model
        .find(q)
        .sort({ at: -1, _id: -1 })
        .skip((Math.max(1, page) - 1) * limit)
        .limit(limit)
        .lean<MovementDoc[]>(),
      this.model.countDocuments(q),
    ]);
    return { items: docs.map(movementToDomain), total };
  }

  async all(filter: MovementFilter): Promise<StockMovement[]> {
    const docs = await this.model.find(filterOf(filter)).sort({ at: 1, _id: 1 }).lean<MovementDoc[]>();
    return docs.map(movementToDomain);
  }

  async settle(): Promise<number> {
    return this.settler.settlePending();
  }
}
