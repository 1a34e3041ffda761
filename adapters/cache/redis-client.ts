import { Redis } from 'ioredis';

/** The process's Redis command connection (subscribers open their own). */
export const REDIS_CLIENT = Symbol.for('RedisClient');

/**
 * A client that never queues commands while Redis is away (callers get an error at once and
 * degrade) and keeps reconnecting in the background, so the API recovers by itself.
 */
export function createRedisClient(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  });
}
