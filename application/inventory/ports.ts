import { token } from '../shared/token.js';
import type { MovementReason, StockMovement } from '../../domain/inventory/movement.js';

export interface MovementFilter {
  readonly productId?: string;
  readonly reason?: MovementReason;
  /** Inclusive bounds on `at`. */
  readonly from?: Date;
  readonly to?: Date;
}

/**
 * The stock ledger (read side). Movements are written only by the ProductRepository's stock
 * methods, in the same write as the stock change, so no caller can change stock without one.
 */
export interface StockLedger {
  /** Newest first. */
  list(
    filter: MovementFilter,
    page: number,
    limit: number,
  ): Promise<{ items: StockMovement[]; total: number }>;
  /** Every movement matching the filter, oldest first (reports, verification). */
  all(filter: MovementFilter): Promise<StockMovement[]>;
  /**
   * Moves movements that a write recorded on the product but did not yet copy to the ledger
   * (a crash in between) into the ledger; idempotent. Answers how many were moved.
   */
  settle(): Promise<number>;
}
export const STOCK_LEDGER = token<StockLedger>('StockLedger');

/** A shopper's wish to hear when a product is back in stock; notified at most once. */
export interface StockNotifyRequest {
  readonly id: string;
  readonly productId: string;
  readonly userId: string;
  readonly email: string;
  readonly createdAt: Date;
  readonly notifiedAt: Date | null;
}

export interface StockNotifyRepository {
  /** One open request per (product, user): answers the existing open one when there is one. */
  add(request: StockNotifyRequest): Promise<StockNotifyRequest>;
  open(productId: string): Promise<StockNotifyRequest[]>;
  /** Marks it notified; true only for the one call that changed it (at most once). */
  markNotified(id: string, at: Date): Promise<boolean>;
}
export const STOCK_NOTIFY_REPOSITORY = token<StockNotifyRepository>('StockNotifyRepository');
