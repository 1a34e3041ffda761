import { Schema, type Connection, type Model } from 'mongoose';
import {
  revokedAt,
  type PasswordResetStore,
  type TokenRevocationStore,
} from '../../../application/identity/ports.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';

const SWEEP_EVERY = 256;

interface RevokedTokenDocument {
  _id: string;
  until: Date;
  /**
   * Safe reads still pass until then (a logout's grace). The epoch (1970) means no grace; so a
   * `$min` keeps the earliest end whatever order revocations arrive in. Absent (entries written
   * before the grace existed): none.
   */
  readsUntil?: Date;
}

const NO_GRACE = new Date(0);

export const REVOKED_TOKEN_SCHEMA = new Schema<RevokedTokenDocument>(
  {
    _id: { type: String, required: true },
    until: { type: Date, required: true },
    readsUntil: { type: Date, required: false },
  },
  { versionKey: false, collection: 'revoked_tokens', id: false },
);
// Real MongoDB drops expired entries by itself; FerretDB lacks TTL indexes, so queries check
// `until` and revoke() sweeps now and then.
REVOKED_TOKEN_SCHEMA.index({ until: 1 }, { expireAfterSeconds: 0 });

function revokedModel(connection: Connection): Model<RevokedTokenDocument> {
  return (connection.models.RevokedToken ??
    connection.model('RevokedToken', REVOKED_TOKEN_SCHEMA)) as unknown as Model<RevokedTokenDocument>;
}

/** Logged-out token digests in `revoked_tokens`, shared by every instance on the same database. */
export class MongoTokenRevocationStore implements TokenRevocationStore {
  private readonly revoked: Model<RevokedTokenDocument>;
  private writes = 0;

  constructor(connection: Connection) {
    this.revoked = revokedModel(connection);
  }

  async revoke(tokenId: string, until: Date, readsUntil?: Date): Promise<void> {
    try {
      // One atomic single-document update: a later revocation only ever shortens the grace.
      await this.revoked.collection.updateOne(
        { _id: tokenId } as never,
        { $set: { until }, $min: { readsUntil: readsUntil ?? NO_GRACE } },
        { upsert: true },
      );
    } catch (error) {
      // Two logouts of one token racing to create its entry (FerretDB upserts are not atomic):
      // the first one's entry stands, `until` is the token's expiry either way, and the grace is
      // shortened by the same update without the upsert.
      if (!isDuplicateKey(error)) throw error;
      await this.revoked.collection.updateOne({ _id: tokenId } as never, {
        $set: { until },
        $min: { readsUntil: readsUntil ?? NO_GRACE },
      });
    }
    this.writes += 1;
    if (this.writes % SWEEP_EVERY === 0) {
      await this.revoked.collection.deleteMany({ until: { $lte: new Date() } });
    }
  }

  async isRevoked(tokenId: string, now: Date, safeRead = false): Promise<boolean> {
    const doc = await this.revoked.collection.findOne({ _id: tokenId, until: { $gt: now } } as never, {
      projection: { until: 1, readsUntil: 1 },
    });
    if (!doc) return false;
    return revokedAt({ until: doc.until.getTime(), readsUntil: doc.readsUntil?.getTime() }, now, safeRead);
  }
}

/**
 * One document per user (`_id` = user id), so "one live token per user" is a single upsert and
 * unused expired tokens are bounded by the user count where TTL indexes are missing (FerretDB).
 */
interface PasswordResetDocument {
  _id: string;
  tokenHash: string;
  expiresAt: Date;
}

export const PASSWORD_RESET_SCHEMA = new Schema<PasswordResetDocument>(
  {
    _id: { type: String, required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'password_resets', id: false },
);
PASSWORD_RESET_SCHEMA.index({ tokenHash: 1 }, { unique: true });
PASSWORD_RESET_SCHEMA.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

function resetModel(connection: Connection): Model<PasswordResetDocument> {
  return (connection.models.PasswordReset ??
    connection.model('PasswordReset', PASSWORD_RESET_SCHEMA)) as unknown as Model<PasswordResetDocument>;
}

/** Reset-token digests in `password_resets`; consumed once by an atomic find-and-delete. */
export class MongoPasswordResetStore implements PasswordResetStore {
  private readonly resets: Model<PasswordResetDocument>;
  private readonly locks: DocumentLock;

  constructor(connection: Connection) {
    this.resets = resetModel(connection);
    this.locks = new DocumentLock(connection);
  }

  async save(tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.locks.exclusive(`password_resets:${userId}`, async () => {
      // Replaces the user's previous token (and drops any other user's record of this digest).
      await this.resets.collection.deleteMany({ tokenHash, _id: { $ne: userId } } as never);
      await this.resets.collection.updateOne(
        { _id: userId } as never,
        { $set: { tokenHash, expiresAt } },
        { upsert: true },
      );
    });
  }

  async consume(tokenHash: string, now: Date): Promise<string | null> {
    const doc = await this.resets.collection.findOne({ tokenHash });
    if (!doc) return null;
    // Single use: of concurrent consumers only the one whose delete removed it wins (a delete
    // is atomic on MongoDB and FerretDB alike, unlike FerretDB's findAndModify). Removed either
    // way; only an unexpired one answers its user.
    const { deletedCount } = await this.resets.collection.deleteOne({ _id: doc._id, tokenHash } as never);
    if (deletedCount !== 1) return null;
    return doc.expiresAt.getTime() > now.getTime() ? String(doc._id) : null;
  }
}
