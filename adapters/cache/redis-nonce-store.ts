import type { Redis } from 'ioredis';
import type { NonceStore } from '../../application/identity/request-nonces.js';
import type { AppLogger, Clock } from '../../application/shared/ports.js';
import { MemoryNonceStore } from './memory-nonce-store.js';
import { OutageLog } from './outage.js';

/**
 * Nonces shared by every instance: `SET key 1 NX PX` (atomic: one claim of a key wins, on any
 * instance), expiring when the claim's window ends. Redis away: each instance remembers the
 * nonces it accepted (a replay to the same instance is still refused) until Redis returns.
 */
export class RedisNonceStore implements NonceStore {
  private readonly fallback: MemoryNonceStore;
  private readonly outage: OutageLog;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    this.fallback = new MemoryNonceStore(clock);
    this.outage = new OutageLog(logger, 'request nonces', 'remembered per instance');
  }

  async claim(key: string, until: Date): Promise<boolean> {
    const ttl = Math.max(1, until.getTime() - this.clock.now().getTime());
    try {
      const set = await this.redis.set(`${this.prefix}nonce:${key}`, '1', 'PX', ttl, 'NX');
      this.outage.succeeded();
      return set === 'OK';
    } catch (error) {
      this.outage.failed(error);
      return this.fallback.claim(key, until);
    }
  }
}
