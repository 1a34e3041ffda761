import { token } from '../shared/token.js';
import type { BulkFailure, BulkOperation } from '../../domain/wishlist/bulk-operation.js';
import type { WishlistShare } from '../../domain/wishlist/share.js';
/**
 * The wishlist (= the user's `favorites`, compat 6). Adapters store it on the user record and
 * change ONLY that field: every method reads and writes atomically, never touching the user's
 * optimistic `version`, so it never races the identity context's profile saves.
 */
export interface WishlistRepository {
  /** Product ids in insertion order; [] for an unknown user. */
  get(userId: string): Promise<readonly string[]>;
  /** Appends unless present; true when it was added. False for an unknown user. */
  add(userId: string, productId: string): Promise<boolean>;
  /** True when it was present (and is now gone). */
  remove(userId: string, productId: string): Promise<boolean>;
  clear(userId: string): Promise<void>;
  /**
   * Appends each id not present, in the given order, in ONE atomic update; answers the ids this
   * call added ([] for an unknown user). Parallel calls never duplicate and never lose an id.
   */
  addMany(userId: string, productIds: readonly string[]): Promise<readonly string[]>;
  /** Removes the ids in ONE atomic update; answers those that were present (and are now gone). */
  removeMany(userId: string, productIds: readonly string[]): Promise<readonly string[]>;
}
export const WISHLIST_REPOSITORY = token<WishlistRepository>('WishlistRepository');

/** One processed product of a bulk operation. */
export type BulkOutcome = { readonly success: string } | { readonly failure: BulkFailure };

/**
 * Bulk wishlist operations and their progress, kept until their `expiresAt` (24 h). Each outcome
 * is recorded as it happens (one single-document update), so a read during a run shows partial
 * progress. Only the operation's own run writes it.
 */
export interface BulkOperationStore {
  create(operation: BulkOperation): Promise<void>;
  /** Appends one outcome (successful id or failure) to a running operation. */
  record(operationId: string, outcome: BulkOutcome, now: Date): Promise<void>;
  complete(operationId: string, now: Date): Promise<void>;
  /** The operation, when it is `userId`'s and not expired at `now`; else null. */
  find(operationId: string, userId: string, now: Date): Promise<BulkOperation | null>;
}
export const BULK_OPERATION_STORE = token<BulkOperationStore>('BulkOperationStore');

/** Shareable wishlist links, found by the token's digest; never deleted by a revocation. */
export interface WishlistShareStore {
  create(share: WishlistShare): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<WishlistShare | null>;
  /** `userId`'s links, newest first, at most `limit`. */
  listByUser(userId: string, limit: number): Promise<WishlistShare[]>;
  /**
   * Marks `userId`'s link `shareId` revoked at `now` (an already revoked one keeps its first
   * time) and answers it; null when there is no such link of that user.
   */
  revoke(userId: string, shareId: string, now: Date): Promise<WishlistShare | null>;
}
export const WISHLIST_SHARE_STORE = token<WishlistShareStore>('WishlistShareStore');

/** What the wishlist's use cases need from configuration. */
export interface WishlistSettings {
  /** Where the API is reached from outside (PUBLIC_URL): share links point there. */
  readonly publicUrl: string;
}
export const WISHLIST_SETTINGS = token<WishlistSettings>('WishlistSettings');
