import { token } from '../shared/token.js';
import type { LoyaltyEntry } from '../../domain/loyalty/points.js';

/**
 * Every user's points ledger: append-only entries numbered 1, 2, 3... per user. An entry's `id`
 * is the event (or adjustment) it records, so an event is counted at most once.
 *
 * Concurrency without transactions: `insert` succeeds for exactly one writer of a given
 * (user, seq), so two changes computed from the same head cannot both land; the loser reads the
 * new head and computes again (LoyaltyAccount).
 */
export interface LoyaltyLedger {
  /** The user's latest entry (highest seq), or null. */
  head(userId: string): Promise<LoyaltyEntry | null>;
  findById(id: string): Promise<LoyaltyEntry | null>;
  /** Stores the entry unless the user already has one at `entry.seq` (or one with its id): false then. */
  insert(entry: LoyaltyEntry): Promise<boolean>;
  /** The user's entries of one order, oldest first. */
  forOrder(userId: string, orderId: string): Promise<LoyaltyEntry[]>;
  /** Newest first. */
  list(userId: string, page: number, limit: number): Promise<{ items: LoyaltyEntry[]; total: number }>;
}
export const LOYALTY_LEDGER = token<LoyaltyLedger>('LoyaltyLedger');
