import {
  isParallelDuplicate,
  retire,
  type RotateOutcome,
  type SessionStore,
  type StoredSession,
} from '../../../application/identity/ports.js';
import type { MemoryDatabase } from './memory-database.js';

/** Sign-in sessions by id (one process: every check-and-set below runs without an await in between). */
export class MemorySessionStore implements SessionStore {
  private readonly sessions: Map<string, StoredSession>;

  constructor(db: MemoryDatabase) {
    this.sessions = db.collection<StoredSession>('sessions');
  }

  async create(session: StoredSession): Promise<void> {
    this.sessions.set(session.id, session);
  }

  async find(id: string): Promise<StoredSession | null> {
    return this.sessions.get(id) ?? null;
  }

  async listLive(userId: string, limit: number): Promise<StoredSession[]> {
    return [...this.sessions.values()]
      .filter((s) => s.userId === userId && s.revokedAt === undefined)
      .sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, limit);
  }

  async revoke(userId: string, id: string, now: Date, readsUntil?: Date): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session || session.userId !== userId || session.revokedAt !== undefined) return false;
    this.sessions.set(id, { ...session, revokedAt: now, ...(readsUntil ? { readsUntil } : {}) });
    return true;
  }

  async revokeAll(userId: string, now: Date, exceptId?: string): Promise<number> {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.userId !== userId || session.id === exceptId || session.revokedAt !== undefined) continue;
      this.sessions.set(session.id, { ...session, revokedAt: now });
      count += 1;
    }
    return count;
  }

  async touch(id: string, at: Date, notBefore: Date): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session || session.lastUsedAt.getTime() > notBefore.getTime()) return false;
    this.sessions.set(id, { ...session, lastUsedAt: at });
    return true;
  }

  async rotate(
    id: string,
    presented: string,
    next: string,
    now: Date,
    duplicateSince: Date,
  ): Promise<RotateOutcome> {
    const session = this.sessions.get(id);
    if (!session || session.revokedAt !== undefined) return { kind: 'refused' };
    if (session.refreshDigest === presented) {
      const rotated: StoredSession = {
        ...session,
        refreshDigest: next,
        refreshGeneration: session.refreshGeneration + 1,
        retiredDigests: retire(session.retiredDigests, presented),
        rotatedAt: now,
        lastUsedAt: now,
      };
      this.sessions.set(id, rotated);
      return { kind: 'rotated', session: rotated };
    }
    if (!session.retiredDigests.includes(presented)) return { kind: 'refused' };
    if (isParallelDuplicate(session, presented, duplicateSince)) return { kind: 'refused' };
    const revoked = { ...session, revokedAt: now };
    this.sessions.set(id, revoked);
    return { kind: 'reused', session: revoked };
  }
}
