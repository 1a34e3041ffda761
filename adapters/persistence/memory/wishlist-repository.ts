import type { WishlistRepository } from '../../../application/wishlist/ports.js';
import type { Clock } from '../../../application/shared/ports.js';
import type { User } from '../../../domain/identity/user.js';
import { addToWishlist, normalizeWishlist, removeFromWishlist } from '../../../domain/wishlist/wishlist.js';
import type { MemoryDatabase } from './memory-database.js';

/**
 * The wishlist as a view over the identity context's `users` collection (keyed by user id): each
 * method replaces the user record changing ONLY `favorites` and `updatedAt` (never `version`),
 * reading and writing with no await in between, so it is atomic and never undoes a profile save.
 */
export class MemoryWishlistRepository implements WishlistRepository {
  private readonly users: Map<string, User>;

  constructor(
    db: MemoryDatabase,
    private readonly clock: Clock,
  ) {
    this.users = db.collection<User>('users');
  }

  async get(userId: string): Promise<readonly string[]> {
    return normalizeWishlist(this.users.get(userId)?.favorites ?? []);
  }

  async add(userId: string, productId: string): Promise<boolean> {
    const user = this.users.get(userId);
    if (!user) return false;
    const { wishlist, added } = addToWishlist(normalizeWishlist(user.favorites), productId);
    if (added) this.users.set(userId, { ...user, favorites: wishlist, updatedAt: this.clock.now() });
    return added;
  }

  async remove(userId: string, productId: string): Promise<boolean> {
    const user = this.users.get(userId);
    if (!user) return false;
    const { wishlist, removed } = removeFromWishlist(user.favorites, productId);
    if (removed) this.users.set(userId, { ...user, favorites: wishlist, updatedAt: this.clock.now() });
    return removed;
  }

  async clear(userId: string): Promise<void> {
    const user = this.users.get(userId);
    if (!user || user.favorites.length === 0) return;
    this.users.set(userId, { ...user, favorites: [], updatedAt: this.clock.now() });
  }

  async addMany(userId: string, productIds: readonly string[]): Promise<readonly string[]> {
    const user = this.users.get(userId);
    if (!user) return [];
    let wishlist = normalizeWishlist(user.favorites);
    const added: string[] = [];
    for (const id of productIds) {
      const r = addToWishlist(wishlist, id);
      wishlist = r.wishlist;
      if (r.added) added.push(id);
    }
    if (added.length > 0)
      this.users.set(userId, { ...user, favorites: wishlist, updatedAt: this.clock.now() });
    return added;
  }

  async removeMany(userId: string, productIds: readonly string[]): Promise<readonly string[]> {
    const user = this.users.get(userId);
    if (!user) return [];
    const present = new Set(user.favorites);
    const removed = [...new Set(productIds)].filter((id) => present.has(id));
    if (removed.length > 0) {
      const gone = new Set(removed);
      this.users.set(userId, {
        ...user,
        favorites: user.favorites.filter((id) => !gone.has(id)),
        updatedAt: this.clock.now(),
      });
    }
    return removed;
  }
}
