import { Schema, type Connection, type Model } from 'mongoose';
import type { WishlistShareStore } from '../../../application/wishlist/ports.js';
import type { WishlistShare } from '../../../domain/wishlist/share.js';
import { openCollection } from './open-collection.js';

interface WishlistShareDocument {
  _id: string;
  userId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt?: Date;
}

export const WISHLIST_SHARE_SCHEMA = new Schema<WishlistShareDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    tokenHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, required: false },
  },
  { versionKey: false, collection: 'wishlist_shares', id: false },
);
WISHLIST_SHARE_SCHEMA.index({ tokenHash: 1 }, { unique: true });
WISHLIST_SHARE_SCHEMA.index({ userId: 1, createdAt: -1 });

function shareModel(connection: Connection): Model<WishlistShareDocument> {
  return (connection.models.WishlistShare ??
    connection.model('WishlistShare', WISHLIST_SHARE_SCHEMA)) as unknown as Model<WishlistShareDocument>;
}

function fromDocument(doc: WishlistShareDocument): WishlistShare {
  return {
    id: doc._id,
    userId: doc.userId,
    tokenHash: doc.tokenHash,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    ...(doc.revokedAt ? { revokedAt: doc.revokedAt } : {}),
  };
}

/** Share links in `wishlist_shares` (unique token digest); a revocation is one guarded update. */
export class MongoWishlistShareStore implements WishlistShareStore {
  private readonly shares: Model<WishlistShareDocument>;

  constructor(connection: Connection) {
    this.shares = shareModel(connection);
  }

  async create(share: WishlistShare): Promise<void> {
    const { id, ...rest } = share;
    await this.shares.collection.insertOne({ _id: id, ...rest } as never);
  }

  async findByTokenHash(tokenHash: string): Promise<WishlistShare | null> {
    const doc = await this.shares.collection.findOne({ tokenHash } as never);
    return doc ? fromDocument(doc as unknown as WishlistShareDocument) : null;
  }

  async listByUser(userId: string, limit: number): Promise<WishlistShare[]> {
    const docs = await openCollection(this.shares)
      .find({ userId } as never)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => fromDocument(d as unknown as WishlistShareDocument));
  }

  async revoke(userId: string, shareId: string, now: Date): Promise<WishlistShare | null> {
    // The first revocation's time stands: only a link without one is updated.
    await this.shares.collection.updateOne({ _id: shareId, userId, revokedAt: { $exists: false } } as never, {
      $set: { revokedAt: now },
    });
    const doc = await this.shares.collection.findOne({ _id: shareId, userId } as never);
    return doc ? fromDocument(doc as unknown as WishlistShareDocument) : null;
  }
}
