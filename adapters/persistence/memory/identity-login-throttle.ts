import {
  decideAttempt,
  isWindowOver,
  type ThrottlePolicy,
  type ThrottleWindow,
} from '../../../domain/identity/login-throttle.js';
import type { LoginThrottle } from '../../../application/identity/ports.js';
import type { MemoryDatabase } from './memory-database.js';

const SWEEP_ABOVE = 10_000;

/** Login failure windows per key, in process memory. */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly windows: Map<string, ThrottleWindow>;

  constructor(
    db: MemoryDatabase,
    private readonly policy: ThrottlePolicy,
  ) {
    this.windows = db.collection<ThrottleWindow>('login_throttle');
  }

  async attempt(key: string, now: Date): Promise<{ allowed: true } | { allowed: false; retryAt: Date }> {
    if (this.windows.size > SWEEP_ABOVE) {
      for (const [k, w] of this.windows) if (isWindowOver(w, now, this.policy)) this.windows.delete(k);
    }
    const decision = decideAttempt(this.windows.get(key), now, this.policy);
    if (!decision.allowed) return { allowed: false, retryAt: decision.retryAt };
    this.windows.set(key, decision.window);
    return { allowed: true };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }
}
