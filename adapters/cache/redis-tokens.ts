import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { token } from '../../application/shared/token.js';

// The tokens and key names only, apart from redis-client.ts: bootstrap names them without loading ioredis,
// which is imported only when REDIS_URL selects Redis.

/** The process's Redis command connection (subscribers open their own). */
export const REDIS_CLIENT = token<Redis>('RedisClient');

/** Prefix of every key and channel this deployment uses on Redis (see redisKeyPrefix). */
export const REDIS_KEY_PREFIX = token<string>('RedisKeyPrefix');

/**
 * Redis state belongs to the data it describes: instances on the same MongoDB database share a
 * prefix (cache, revocations, throttles, rate limits, events), while an instance on the
 * in-process store gets a prefix of its own, since no other process sees its data.
 */
export function redisKeyPrefix(mongoUri: string | null): string {
  if (mongoUri === null) return `af:mem-${randomUUID().slice(0, 8)}:`;
  let identity = mongoUri;
  try {
    const url = new URL(mongoUri);
    identity = `${url.host}${url.pathname}`; // without credentials and options
  } catch {
    // a URI the URL parser refuses (several hosts): the whole string identifies the database
  }
  return `af:${createHash('sha256').update(identity).digest('hex').slice(0, 12)}:`;
}
