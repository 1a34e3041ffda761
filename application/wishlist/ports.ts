import { token } from '../shared/token.js';
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
}
export const WISHLIST_REPOSITORY = token<WishlistRepository>('WishlistRepository');
