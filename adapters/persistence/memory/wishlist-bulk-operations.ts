import type { BulkOperationStore, BulkOutcome } from '../../../application/wishlist/ports.js';
import type { BulkOperation } from '../../../domain/wishlist/bulk-operation.js';
import type { MemoryDatabase } from './memory-database.js';

/** Bulk operations by id; expired ones are dropped when a new one is created. */
export class MemoryBulkOperationStore implements BulkOperationStore {
  private readonly operations: Map<string, BulkOperation>;

  constructor(db: MemoryDatabase) {
    this.operations = db.collection<BulkOperation>('wishlist_bulk_operations');
  }

  async create(operation: BulkOperation): Promise<void> {
    for (const [id, op] of this.operations) {
      if (op.expiresAt.getTime() <= operation.createdAt.getTime()) this.operations.delete(id);
    }
    this.operations.set(operation.id, operation);
  }

  async record(operationId: string, outcome: BulkOutcome, now: Date): Promise<void> {
    const op = this.operations.get(operationId);
    if (!op) return;
    this.operations.set(
      operationId,
      'success' in outcome
        ? { ...op, successful: [...op.successful, outcome.success], updatedAt: now }
        : { ...op, failed: [...op.failed, outcome.failure], updatedAt: now },
    );
  }

  async complete(operationId: string, now: Date): Promise<void> {
    const op = this.operations.get(operationId);
    if (op) this.operations.set(operationId, { ...op, status: 'completed', updatedAt: now });
  }

  async find(operationId: string, userId: string, now: Date): Promise<BulkOperation | null> {
    const op = this.operations.get(operationId);
    if (!op || op.userId !== userId || op.expiresAt.getTime() <= now.getTime()) return null;
    return op;
  }
}
