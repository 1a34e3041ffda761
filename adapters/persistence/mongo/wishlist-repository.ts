import { Schema, type Connection, type Model } from 'mongoose';
import type { WishlistRepository } from '../../../application/wishlist/ports.js';
import type { Clock } from '../../../application/shared/ports.js';
import { normalizeWishlist } from '../../../domain/wishlist/wishlist.js';
import { DocumentLock } from './document-lock.js';

/** The only fields of a `users` document the wishlist context reads or writes. */
interface WishlistOwnerDocument {
  _id: string;
  favorites?: string[];
  updatedAt?: Date;
}

const WISHLIST_OWNER_SCHEMA = new Schema<WishlistOwnerDocument>(
  { _id: { type: String, required: true }, favorites: { type: [String] }, updatedAt: Date },
  // The identity context owns the collection and its indexes; this is a narrow view of it.
  { versionKey: false, collection: 'users', strict: true, id: false },
);

function ownerModel(connection: Connection): Model<WishlistOwnerDocument> {
  return (connection.models.WishlistOwner ??
    connection.model('WishlistOwner', WISHLIST_OWNER_SCHEMA)) as unknown as Model<WishlistOwnerDocument>;
}

/**
 * The wishlist as the `favorites` array of the user's document. Each method is ONE guarded
 * single-document update that changes only `favorites` and `updatedAt` (never `version`), so
 * concurrent adds never duplicate and profile saves are never undone:
 * add = `$push` unless present, remove = `$pull` of the id, clear = set [] when not empty.
 * (FerretDB lacks atomic guarded updates: there they run under the user document's lock, the
 * same one the user repository's `update` takes.)
 */
export class MongoWishlistRepository implements WishlistRepository {
  private readonly users: Model<WishlistOwnerDocument>;
  private readonly locks: DocumentLock;

  constructor(
    connection: Connection,
    private readonly clock: Clock,
  ) {
    this.users = ownerModel(connection);
    this.locks = new DocumentLock(connection);
  }

  async get(userId: string): Promise<readonly string[]> {
    const doc = await this.users.collection.findOne({ _id: userId } as never, {
      projection: { favorites: 1 },
    });
    return normalizeWishlist((doc?.favorites as string[] | undefined) ?? []);
  }

  async add(userId: string, productId: string): Promise<boolean> {
    return this.locks.exclusive(`users:${userId}`, async () => {
      const result = await this.users.collection.updateOne(
        { _id: userId, favorites: { $ne: productId } } as never,
        { $push: { favorites: productId } as never, $set: { updatedAt: this.clock.now() } },
      );
      return result.matchedCount === 1;
    });
  }

  async remove(userId: string, productId: string): Promise<boolean> {
    return this.locks.exclusive(`users:${userId}`, async () => {
      const result = await this.users.collection.updateOne({ _id: userId, favorites: productId } as never, {
        $pull: { favorites: productId } as never,
        $set: { updatedAt: this.clock.now() },
      });
      return result.matchedCount === 1;
    });
  }

  async clear(userId: string): Promise<void> {
    await this.locks.exclusive(`users:${userId}`, () =>
      this.users.collection.updateOne({ _id: userId, 'favorites.0': { $exists: true } } as never, {
        $set: { favorites: [], updatedAt: this.clock.now() },
      }),
    );
  }

  /**
   * One `$addToSet` with `$each` (appends the missing ids in order); the document as it was just
   * before, answered by the same atomic find-and-modify, says which ids this call added.
   */
  async addMany(userId: string, productIds: readonly string[]): Promise<readonly string[]> {
    const ids = [...new Set(productIds)];
    if (ids.length === 0) return [];
    const before = await this.locks.exclusive(`users:${userId}`, () =>
      this.users.collection.findOneAndUpdate(
        { _id: userId } as never,
        { $addToSet: { favorites: { $each: ids } } as never, $set: { updatedAt: this.clock.now() } },
        // No projection: FerretDB 1.24 refuses one on findAndModify.
        { returnDocument: 'before', includeResultMetadata: false },
      ),
    );
    if (!before) return [];
    const had = new Set((before.favorites as string[] | undefined) ?? []);
    return ids.filter((id) => !had.has(id));
  }

  /** One `$pullAll`; the document just before (same atomic find-and-modify) says what was removed. */
  async removeMany(userId: string, productIds: readonly string[]): Promise<readonly string[]> {
    const ids = [...new Set(productIds)];
    if (ids.length === 0) return [];
    const before = await this.locks.exclusive(`users:${userId}`, () =>
      this.users.collection.findOneAndUpdate(
        { _id: userId, favorites: { $in: ids } } as never,
        { $pullAll: { favorites: ids } as never, $set: { updatedAt: this.clock.now() } },
        { returnDocument: 'before', includeResultMetadata: false },
      ),
    );
    if (!before) return [];
    const had = new Set((before.favorites as string[] | undefined) ?? []);
    return ids.filter((id) => had.has(id));
  }
}
