import type { Redis } from 'ioredis';
import type { RecipientRateLimit } from '../../application/notifications/ports.js';
import type { AppLogger } from '../../application/shared/ports.js';
import { MemoryRecipientRateLimit } from './memory-recipient-rate-limit.js';
import { OutageLog } from './outage.js';

/** INCR and, on the window's first message, its expiry: one atomic script. */
const TAKE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

type RedisWithTake = Redis & { afRecipientTake(key: string, ttlMs: number): Promise<number> };

/**
 * Per-recipient windows shared by every instance and worker (a key per recipient and window).
 * Redis away: each process counts on its own until it returns, so messages still go and floods
 * stay bounded per process.
 */
export class RedisRecipientRateLimit implements RecipientRateLimit {
  private readonly redis: RedisWithTake;
  private readonly fallback = new MemoryRecipientRateLimit();
  private readonly outage: OutageLog;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    logger: AppLogger,
  ) {
    if (!('afRecipientTake' in redis)) redis.defineCommand('afRecipientTake', { numberOfKeys: 1, lua: TAKE });
    this.redis = redis as RedisWithTake;
    this.outage = new OutageLog(logger, 'notification rate limit', 'counted per process');
  }

  async take(key: string, max: number, windowMs: number, now: Date): Promise<boolean> {
    const at = now.getTime();
    const start = at - (at % windowMs);
    try {
      const n = await this.redis.afRecipientTake(`${this.prefix}notify-rate:${key}:${start}`, windowMs);
      this.outage.succeeded();
      return n <= max;
    } catch (error) {
      this.outage.failed(error);
      return this.fallback.take(key, max, windowMs, now);
    }
  }
}
