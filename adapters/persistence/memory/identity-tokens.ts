import {
  revokedAt,
  shorterGrace,
  type PasswordResetStore,
  type TokenRevocationStore,
} from '../../../application/identity/ports.js';
import type { MemoryDatabase } from './memory-database.js';

const SWEEP_EVERY = 256;

interface Revocation {
  readonly until: number;
  /** Safe reads still pass until then (a logout's grace); absent: none. */
  readonly readsUntil?: number;
}

/** Revoked token ids until their natural expiry; expired entries are swept now and then. */
export class MemoryTokenRevocationStore implements TokenRevocationStore {
  private readonly revoked: Map<string, Revocation>;
  private writes = 0;

  constructor(db: MemoryDatabase) {
    this.revoked = db.collection<Revocation>('token_revocations');
  }

  async revoke(tokenId: string, until: Date, readsUntil?: Date): Promise<void> {
    const previous = this.revoked.get(tokenId);
    const grace = previous ? shorterGrace(previous.readsUntil, readsUntil?.getTime()) : readsUntil?.getTime();
    this.revoked.set(tokenId, {
      until: until.getTime(),
      ...(grace !== undefined ? { readsUntil: grace } : {}),
    });
    this.writes += 1;
    if (this.writes % SWEEP_EVERY === 0) {
      const now = Date.now();
      for (const [id, at] of this.revoked) if (at.until <= now) this.revoked.delete(id);
    }
  }

  async isRevoked(tokenId: string, now: Date, safeRead = false): Promise<boolean> {
    return revokedAt(this.revoked.get(tokenId), now, safeRead);
  }
}

interface ResetRecord {
  readonly userId: string;
  readonly expiresAt: Date;
}

/** Reset-token digests -> user; one live token per user (so at most one record each); consumed once. */
export class MemoryPasswordResetStore implements PasswordResetStore {
  private readonly byHash: Map<string, ResetRecord>;

  constructor(db: MemoryDatabase) {
    this.byHash = db.collection<ResetRecord>('password_resets');
  }

  async save(tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    for (const [hash, record] of this.byHash) {
      if (record.userId === userId) this.byHash.delete(hash);
    }
    this.byHash.set(tokenHash, { userId, expiresAt });
  }

  async consume(tokenHash: string, now: Date): Promise<string | null> {
    const record = this.byHash.get(tokenHash);
    if (!record) return null;
    this.byHash.delete(tokenHash);
    return record.expiresAt.getTime() > now.getTime() ? record.userId : null;
  }
}
