/**
 * A bulk wishlist operation (remove, move to cart) as it runs: one outcome per product id, so a
 * reader sees its progress while it runs and its result once it is done. Pure rules only; the
 * store records the outcomes as they happen.
 */
export type BulkAction = 'move-to-cart' | 'remove';

/** Why one product of a bulk operation was refused: the stable code and a human reason. */
export interface BulkFailure {
  readonly id: string;
  readonly code: string;
  readonly reason: string;
}

export interface BulkOperation {
  readonly id: string;
  readonly userId: string;
  readonly action: BulkAction;
  /** The distinct product ids, in the order they are processed. */
  readonly productIds: readonly string[];
  readonly successful: readonly string[];
  readonly failed: readonly BulkFailure[];
  readonly status: 'running' | 'completed';
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Kept until then; a read after it answers not found. */
  readonly expiresAt: Date;
}

/**
 * The seed's progress: `completed` counts the products that went through (its example: 2
 * successful of 3, one failed = 67 %), so a finished operation with failures stays below 100;
 * `processed` (successes and failures) says how far a running one has got.
 */
export interface BulkProgress {
  readonly completed: number;
  readonly total: number;
  /** completed / total as a whole percent, rounded half up (2 of 3 = 67); 100 when total is 0. */
  readonly percentage: number;
}

export function progressOf(operation: Pick<BulkOperation, 'productIds' | 'successful'>): BulkProgress {
  const total = operation.productIds.length;
  const completed = operation.successful.length;
  const percentage = total === 0 ? 100 : Math.round((completed * 100) / total);
  return { completed, total, percentage };
}

/** Products handled so far, successful or failed. */
export function processedOf(operation: Pick<BulkOperation, 'successful' | 'failed'>): number {
  return operation.successful.length + operation.failed.length;
}

/** The ids with duplicates dropped, first occurrence first. */
export function distinctIds(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** A new running operation over the distinct ids. */
export function startBulkOperation(input: {
  id: string;
  userId: string;
  action: BulkAction;
  productIds: readonly string[];
  now: Date;
  keepForMs: number;
}): BulkOperation {
  return {
    id: input.id,
    userId: input.userId,
    action: input.action,
    productIds: distinctIds(input.productIds),
    successful: [],
    failed: [],
    status: 'running',
    createdAt: input.now,
    updatedAt: input.now,
    expiresAt: new Date(input.now.getTime() + input.keepForMs),
  };
}
