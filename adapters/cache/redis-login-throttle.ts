import type { Redis } from 'ioredis';
import type { LoginThrottle } from '../../application/identity/ports.js';
import type { AppLogger } from '../../application/shared/ports.js';
import { lockDuration, type ThrottlePolicy } from '../../domain/identity/login-throttle.js';
import { MemoryDatabase } from '../persistence/memory/memory-database.js';
import { MemoryLoginThrottle } from '../persistence/memory/identity-login-throttle.js';
import { OutageLog } from './outage.js';

/**
 * The rule of domain/identity/login-throttle.ts (`decideAttempt`), run atomically in Redis: a
 * window from the first attempt, each allowed attempt counted at once, the `max`-th one locking
 * the key for base x 2^locks (capped), blocked attempts not counted, a new window after a lock.
 * The hash `{s: started ms, f: attempts, l: locks, u: locked until ms}` expires when the domain
 * would forget it (`forgetAt`).
 */
const ATTEMPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local base = tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
local h = redis.call('HMGET', KEYS[1], 's', 'f', 'l', 'u')
local started = tonumber(h[1])
local failures = tonumber(h[2]) or 0
local locks = tonumber(h[3]) or 0
local locked = tonumber(h[4]) or 0
if started then
  local forget = math.max(started + window, locked)
  if locks > 0 then forget = forget + cap end
  if now >= forget then
    started = nil
    failures = 0
    locks = 0
    locked = 0
  end
end
if now < locked then
  return {0, locked}
end
if (not started) or now >= started + window or started < locked then
  started = now
  failures = 0
end
failures = failures + 1
if failures >= max then
  locked = now + math.min(cap, base * 2 ^ math.min(locks, 40))
  locks = locks + 1
end
local forget = math.max(started + window, locked)
if locks > 0 then forget = forget + cap end
redis.call('HSET', KEYS[1], 's', started, 'f', failures, 'l', locks, 'u', locked)
redis.call('PEXPIRE', KEYS[1], math.max(1, forget - now))
return {1, 0}
`;

type RedisWithThrottle = Redis & {
  afLoginLock(
    key: string,
    now: number,
    windowMs: number,
    max: number,
    lockMs: number,
    maxLockMs: number,
  ): Promise<[number, number]>;
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
    /** Names this throttle in its outage warning (several are bound: email + IP, account, IP). */
    name = 'login throttle',
  ) {
    if (!('afLoginLock' in redis)) redis.defineCommand('afLoginLock', { numberOfKeys: 1, lua: ATTEMPT });
    this.redis = redis as RedisWithThrottle;
    this.fallback = new MemoryLoginThrottle(new MemoryDatabase(), policy);
    this.outage = new OutageLog(logger, name, 'counted per instance');
  }

  private key(key: string): string {
    return `${this.prefix}login:${key}`;
  }

  async attempt(key: string, now: Date): Promise<{ allowed: true } | { allowed: false; retryAt: Date }> {
    try {
      const [allowed, retryAt] = await this.redis.afLoginLock(
        this.key(key),
        now.getTime(),
        this.policy.windowMs,
        this.policy.maxFailures,
        lockDuration(0, this.policy),
        Math.max(lockDuration(0, this.policy), this.policy.maxLockMs ?? 0),
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
