import type { NonceStore } from '../../application/identity/request-nonces.js';
import type { Clock } from '../../application/shared/ports.js';

/** How many claims between two sweeps of the expired nonces. */
const SWEEP_EVERY = 1000;

/** Nonces of one process (the embedded default, and the fallback while Redis is away). */
export class MemoryNonceStore implements NonceStore {
  private readonly until = new Map<string, number>();
  private claims = 0;

  constructor(private readonly clock: Clock) {}

  claim(key: string, until: Date): Promise<boolean> {
    const now = this.clock.now().getTime();
    if (++this.claims % SWEEP_EVERY === 0) this.sweep(now);
    const held = this.until.get(key);
    if (held !== undefined && held > now) return Promise.resolve(false);
    this.until.set(key, until.getTime());
    return Promise.resolve(true);
  }

  private sweep(now: number): void {
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
  }
}
