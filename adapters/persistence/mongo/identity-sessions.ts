import { Schema, type Connection, type Model } from 'mongoose';
import {
  isParallelDuplicate,
  retire,
  type RotateOutcome,
  type SessionStore,
  type StoredSession,
} from '../../../application/identity/ports.js';
import type { Platform } from '../../../domain/identity/user.js';
import { DocumentLock } from './document-lock.js';
import { openCollection } from './open-collection.js';

interface SessionDocument {
  _id: string;
  userId: string;
  deviceId?: string;
  deviceName?: string;
  platform?: Platform;
  ip?: string;
  createdAt: Date;
  lastUsedAt: Date;
  revokedAt?: Date;
  readsUntil?: Date;
  refreshDigest?: string;
  refreshGeneration: number;
  retiredDigests: string[];
  rotatedAt?: Date;
}

export const SESSION_SCHEMA = new Schema<SessionDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    deviceId: { type: String, required: false },
    deviceName: { type: String, required: false },
    platform: { type: String, required: false },
    ip: { type: String, required: false },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, required: true },
    revokedAt: { type: Date, required: false },
    readsUntil: { type: Date, required: false },
    refreshDigest: { type: String, required: false },
    refreshGeneration: { type: Number, required: true },
    retiredDigests: { type: [String], required: true },
    rotatedAt: { type: Date, required: false },
  },
  { versionKey: false, collection: 'sessions', id: false },
);
SESSION_SCHEMA.index({ userId: 1, lastUsedAt: -1 });

function sessionModel(connection: Connection): Model<SessionDocument> {
  return (connection.models.Session ??
    connection.model('Session', SESSION_SCHEMA)) as unknown as Model<SessionDocument>;
}

function fromDocument(doc: SessionDocument): StoredSession {
  const { _id, deviceId, deviceName, platform, ip, revokedAt, readsUntil, refreshDigest, rotatedAt } = doc;
  return {
    id: _id,
    userId: doc.userId,
    ...(deviceId ? { deviceId } : {}),
    ...(deviceName ? { deviceName } : {}),
    ...(platform ? { platform } : {}),
    ...(ip ? { ip } : {}),
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt,
    ...(revokedAt ? { revokedAt } : {}),
    ...(readsUntil ? { readsUntil } : {}),
    ...(refreshDigest ? { refreshDigest } : {}),
    refreshGeneration: doc.refreshGeneration,
    retiredDigests: [...(doc.retiredDigests ?? [])],
    ...(rotatedAt ? { rotatedAt } : {}),
  };
}

const LIVE = { revokedAt: { $exists: false } };

/**
 * Sessions in `sessions`, one document each; every change is one guarded single-document update
 * (under the DocumentLock on FerretDB, whose updates are not atomic), so two instances agree: the
 * first revocation stands, one rotation per refresh token wins.
 */
export class MongoSessionStore implements SessionStore {
  private readonly sessions: Model<SessionDocument>;
  private readonly locks: DocumentLock;

  constructor(connection: Connection) {
    this.sessions = sessionModel(connection);
    this.locks = new DocumentLock(connection);
  }

  private exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.locks.exclusive(`sessions:${id}`, work);
  }

  async create(session: StoredSession): Promise<void> {
    const { id, ...rest } = session;
    await this.sessions.collection.insertOne({
      _id: id,
      ...rest,
      retiredDigests: [...rest.retiredDigests],
    } as never);
  }

  async find(id: string): Promise<StoredSession | null> {
    const doc = await this.sessions.collection.findOne({ _id: id } as never);
    return doc ? fromDocument(doc as unknown as SessionDocument) : null;
  }

  async listLive(userId: string, limit: number): Promise<StoredSession[]> {
    const docs = await openCollection(this.sessions)
      .find({ userId, ...LIVE } as never)
      .sort({ lastUsedAt: -1, _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => fromDocument(d as unknown as SessionDocument));
  }

  async revoke(userId: string, id: string, now: Date, readsUntil?: Date): Promise<boolean> {
    return this.exclusive(id, async () => {
      const result = await this.sessions.collection.updateOne({ _id: id, userId, ...LIVE } as never, {
        $set: { revokedAt: now, ...(readsUntil ? { readsUntil } : {}) },
      });
      return result.modifiedCount === 1;
    });
  }

  /** One guarded revocation per session (a user holds few), so each meets its own lock. */
  async revokeAll(userId: string, now: Date, exceptId?: string): Promise<number> {
    const filter = { userId, ...LIVE, ...(exceptId !== undefined ? { _id: { $ne: exceptId } } : {}) };
    const docs = await openCollection(this.sessions)
      .find(filter as never, { projection: { _id: 1 } })
      .toArray();
    let count = 0;
    for (const doc of docs) if (await this.revoke(userId, String(doc._id), now)) count += 1;
    return count;
  }

  async touch(id: string, at: Date, notBefore: Date): Promise<boolean> {
    return this.exclusive(id, async () => {
      const result = await this.sessions.collection.updateOne(
        { _id: id, lastUsedAt: { $lte: notBefore } } as never,
        { $set: { lastUsedAt: at } },
      );
      return result.modifiedCount === 1;
    });
  }

  async rotate(
    id: string,
    presented: string,
    next: string,
    now: Date,
    duplicateSince: Date,
  ): Promise<RotateOutcome> {
    return this.exclusive(id, () => this.rotateHeld(id, presented, next, now, duplicateSince));
  }

  private async rotateHeld(
    id: string,
    presented: string,
    next: string,
    now: Date,
    duplicateSince: Date,
  ): Promise<RotateOutcome> {
    const current = await this.find(id);
    if (!current || current.revokedAt !== undefined) return { kind: 'refused' };
    if (current.refreshDigest === presented) {
      // The guard is the live digest itself: of parallel rotations with one token, one matches, so
      // the capped list computed from this read is the one written ($push's $slice is not honoured
      // by every MongoDB-wire server).
      const rotated = await this.sessions.collection.findOneAndUpdate(
        { _id: id, refreshDigest: presented, ...LIVE } as never,
        {
          $set: {
            refreshDigest: next,
            rotatedAt: now,
            lastUsedAt: now,
            retiredDigests: retire(current.retiredDigests, presented),
          },
          $inc: { refreshGeneration: 1 },
        } as never,
        { returnDocument: 'after' },
      );
      if (rotated) return { kind: 'rotated', session: fromDocument(rotated as unknown as SessionDocument) };
      return { kind: 'refused' };
    }
    if (!current.retiredDigests.includes(presented)) return { kind: 'refused' };
    if (isParallelDuplicate(current, presented, duplicateSince)) return { kind: 'refused' };
    // Already holding this session's lock: the guarded write directly.
    const result = await this.sessions.collection.updateOne({ _id: id, ...LIVE } as never, {
      $set: { revokedAt: now },
    });
    const after = (await this.find(id)) ?? current;
    return result.modifiedCount === 1 ? { kind: 'reused', session: after } : { kind: 'refused' };
  }
}
