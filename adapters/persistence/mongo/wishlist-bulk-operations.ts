import { Schema, type Connection, type Model } from 'mongoose';
import type { BulkOperationStore, BulkOutcome } from '../../../application/wishlist/ports.js';
import type { BulkAction, BulkFailure, BulkOperation } from '../../../domain/wishlist/bulk-operation.js';

interface BulkOperationDocument {
  _id: string;
  userId: string;
  action: BulkAction;
  productIds: string[];
  successful: string[];
  failed: BulkFailure[];
  status: 'running' | 'completed';
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
}

const FAILURE_SCHEMA = new Schema<BulkFailure>(
  { id: { type: String, required: true }, code: { type: String, required: true }, reason: String },
  { _id: false },
);

export const BULK_OPERATION_SCHEMA = new Schema<BulkOperationDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    action: { type: String, required: true },
    productIds: { type: [String] },
    successful: { type: [String] },
    failed: { type: [FAILURE_SCHEMA] },
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wishlist_bulk_operations', id: false },
);
// Real MongoDB drops expired operations by itself; FerretDB lacks TTL indexes, so `find` checks
// `expiresAt` and `create` sweeps now and then.
BULK_OPERATION_SCHEMA.index(
  { expiresAt: 1 },
  { name: 'wishlist_bulk_operations_ttl', expireAfterSeconds: 0 },
);

const SWEEP_EVERY = 64;

function operationModel(connection: Connection): Model<BulkOperationDocument> {
  return (connection.models.WishlistBulkOperation ??
    connection.model(
      'WishlistBulkOperation',
      BULK_OPERATION_SCHEMA,
    )) as unknown as Model<BulkOperationDocument>;
}

/**
 * One document per operation in `wishlist_bulk_operations`; each outcome is one `$push` (a
 * single-document update), written only by the operation's own run.
 */
export class MongoBulkOperationStore implements BulkOperationStore {
  private readonly operations: Model<BulkOperationDocument>;
  private creates = 0;

  constructor(connection: Connection) {
    this.operations = operationModel(connection);
  }

  async create(operation: BulkOperation): Promise<void> {
    const { id, ...rest } = operation;
    await this.operations.collection.insertOne({
      _id: id,
      ...rest,
      productIds: [...rest.productIds],
      successful: [...rest.successful],
      failed: [...rest.failed],
    } as never);
    this.creates += 1;
    if (this.creates % SWEEP_EVERY === 0) {
      await this.operations.collection.deleteMany({ expiresAt: { $lte: operation.createdAt } });
    }
  }

  async record(operationId: string, outcome: BulkOutcome, now: Date): Promise<void> {
    const push =
      'success' in outcome
        ? { successful: outcome.success }
        : {
            failed: { id: outcome.failure.id, code: outcome.failure.code, reason: outcome.failure.reason },
          };
    await this.operations.collection.updateOne({ _id: operationId } as never, {
      $push: push as never,
      $set: { updatedAt: now },
    });
  }

  async complete(operationId: string, now: Date): Promise<void> {
    await this.operations.collection.updateOne({ _id: operationId } as never, {
      $set: { status: 'completed', updatedAt: now },
    });
  }

  async find(operationId: string, userId: string, now: Date): Promise<BulkOperation | null> {
    const doc = (await this.operations.collection.findOne({
      _id: operationId,
      userId,
      expiresAt: { $gt: now },
    } as never)) as unknown as BulkOperationDocument | null;
    if (!doc) return null;
    return {
      id: doc._id,
      userId: doc.userId,
      action: doc.action,
      productIds: doc.productIds ?? [],
      successful: doc.successful ?? [],
      failed: (doc.failed ?? []).map((f) => ({ id: f.id, code: f.code, reason: f.reason })),
      status: doc.status,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      expiresAt: doc.expiresAt,
    };
  }
}
