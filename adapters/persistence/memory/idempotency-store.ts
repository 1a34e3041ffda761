import type {
  ClaimOutcome,
  ClaimRequest,
  IdempotencyStore,
  StoredResponse,
} from '../../../application/idempotency/ports.js';
import type { MemoryDatabase } from './memory-database.js';

interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly token: string;
  readonly state: 'in_progress' | 'completed';
  /** The end of the claim's lease, or of the answer's retention. */
  readonly expiresAt: number;
  readonly response?: StoredResponse;
}

const SWEEP_EVERY = 256;

/** Idempotency records in the process (embedded default); each method is atomic (no await inside). */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records: Map<string, IdempotencyRecord>;
  private claims = 0;

  constructor(db: MemoryDatabase) {
    this.records = db.collection<IdempotencyRecord>('idempotency_keys');
  }

  async claim({ key, fingerprint, token, now, leaseMs }: ClaimRequest): Promise<ClaimOutcome> {
    const at = now.getTime();
    this.sweep(at);
    const held = this.records.get(key);
    if (held && held.expiresAt > at) {
      return held.state === 'completed' && held.response
        ? { kind: 'completed', fingerprint: held.fingerprint, response: held.response }
        : { kind: 'in_progress', fingerprint: held.fingerprint };
    }
    this.records.set(key, { fingerprint, token, state: 'in_progress', expiresAt: at + leaseMs });
    return { kind: 'claimed' };
  }

  async complete(
    key: string,
    token: string,
    response: StoredResponse,
    now: Date,
    retainMs: number,
  ): Promise<void> {
    const held = this.records.get(key);
    if (!held || held.token !== token || held.state !== 'in_progress') return;
    this.records.set(key, {
      ...held,
      state: 'completed',
      response,
      expiresAt: now.getTime() + retainMs,
    });
  }

  async release(key: string, token: string): Promise<void> {
    const held = this.records.get(key);
    if (held && held.token === token && held.state === 'in_progress') this.records.delete(key);
  }

  private sweep(at: number): void {
    this.claims += 1;
    if (this.claims % SWEEP_EVERY !== 0) return;
    for (const [k, r] of this.records) if (r.expiresAt <= at) this.records.delete(k);
  }
}
