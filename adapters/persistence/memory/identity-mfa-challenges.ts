import type { MfaChallengeStore } from '../../../application/identity/ports.js';
import type { MemoryDatabase } from './memory-database.js';

const SWEEP_EVERY = 256;

interface ChallengeRecord {
  readonly userId: string;
  readonly expiresAt: number;
}

/** Login challenges by token digest; expired ones are swept now and then. */
export class MemoryMfaChallengeStore implements MfaChallengeStore {
  private readonly byHash: Map<string, ChallengeRecord>;
  private writes = 0;

  constructor(db: MemoryDatabase) {
    this.byHash = db.collection<ChallengeRecord>('mfa_challenges');
  }

  async save(tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    this.byHash.set(tokenHash, { userId, expiresAt: expiresAt.getTime() });
    this.writes += 1;
    if (this.writes % SWEEP_EVERY === 0) {
      const now = Date.now();
      for (const [hash, record] of this.byHash) if (record.expiresAt <= now) this.byHash.delete(hash);
    }
  }

  async find(tokenHash: string, now: Date): Promise<string | null> {
    const record = this.byHash.get(tokenHash);
    return record && record.expiresAt > now.getTime() ? record.userId : null;
  }

  async consume(tokenHash: string): Promise<boolean> {
    return this.byHash.delete(tokenHash);
  }
}
