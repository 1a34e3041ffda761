import type { WishlistShareStore } from '../../../application/wishlist/ports.js';
import type { WishlistShare } from '../../../domain/wishlist/share.js';
import type { MemoryDatabase } from './memory-database.js';

/** Share links by id; found by token digest with a scan (a user holds few links). */
export class MemoryWishlistShareStore implements WishlistShareStore {
  private readonly shares: Map<string, WishlistShare>;

  constructor(db: MemoryDatabase) {
    this.shares = db.collection<WishlistShare>('wishlist_shares');
  }

  async create(share: WishlistShare): Promise<void> {
    this.shares.set(share.id, share);
  }

  async findByTokenHash(tokenHash: string): Promise<WishlistShare | null> {
    for (const share of this.shares.values()) if (share.tokenHash === tokenHash) return share;
    return null;
  }

  async listByUser(userId: string, limit: number): Promise<WishlistShare[]> {
    return [...this.shares.values()]
      .filter((s) => s.userId === userId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, limit);
  }

  async revoke(userId: string, shareId: string, now: Date): Promise<WishlistShare | null> {
    const share = this.shares.get(shareId);
    if (!share || share.userId !== userId) return null;
    if (share.revokedAt !== undefined) return share;
    const revoked = { ...share, revokedAt: now };
    this.shares.set(shareId, revoked);
    return revoked;
  }
}
