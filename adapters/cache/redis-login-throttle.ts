import type { Redis } from 'ioredis';
import type { LoginThrottle } from '../../application/identity/ports.js';
import type { AppLogger } from '../../application/shared/ports.js';
import type { ThrottlePolicy } from '../../domain/identity/login-throttle.js';
import { MemoryDatabase } from '../persistence/memory/memory-database.js';
import { MemoryLoginThrottle } from '../persistence/memory/identity-login-throttle.js';
import { OutageLog } from './outage.js';

/**
 * The rule of domain/identity/login-throttle.ts (`decideAttempt`), run atomically in Redis: a
 * fixed window from the first attempt, each allowed attempt counted at once, blocked attempts
 * not counted, retry at the window's end. The hash `{s: started ms, f: attempts}` expires with
 * its window.
 */
const ATTEMPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local started = tonumber(redis.call('HGET', KEYS[1], 's'))
if (not started) or now >= started + window then
  redis.call('HSET', KEYS[1], 's', ARGV[1], 'f', 1)
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local failures = tonumber(redis.call('HGET', KEYS[1], 'f'))
if failures >= max then
  return {0, started + window}
end
redis.call('HINCRBY', KEYS[1], 'f', 1)
return {1, 0}
`;

type RedisWithThrottle = Redis & {
  afLoginAttempt(key: string, now: number, windowMs: number, max: number): Promise<[number, number]>;
};

/**
 * Failed-login windows shared by every instance. Redis away: each instance brakes on its own
 * (the in-memory throttle) until Redis returns, so logins keep working and guesses stay limited.
 */
export class RedisLoginThrottle implements LoginThrottle {
  private readonly redis: RedisWithThrottle;
  private readonly fallback: MemoryLoginThrottle;
  private readonly outage: OutageLog;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly policy: ThrottlePolicy,
    logger: AppLogger,
  ) {
    if (!('afLoginAttempt' in redis))
      redis.defineCommand('afLoginAttempt', { numberOfKeys: 1, lua: ATTEMPT });
    this.redis = redis as RedisWithThrottle;
    this.fallback = new MemoryLoginThrottle(new MemoryDatabase(), policy);
    this.outage = new OutageLog(logger, 'login throttle', 'counted per instance');
  }

  private key(key: string): string {
    return `${this.prefix}login:${key}`;
  }

  async attempt(key: string, now: Date): Promise<{ allowed: true } | { allowed: false; retryAt: Date }> {
    try {
      const [allowed, retryAt] = await this.redis.afLoginAttempt(
        this.key(key),
        now.getTime(),
        this.policy.windowMs,
        this.policy.maxFailures,
      );
      this.outage.succeeded();
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAt: new Date(retryAt) };
    } catch (error) {
      this.outage.failed(error);
      return this.fallback.attempt(key, now);
    }
  }

  async reset(key: string): Promise<void> {
    await this.fallback.reset(key);
    try {
      await this.redis.del(this.key(key));
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error);
    }
  }
}
