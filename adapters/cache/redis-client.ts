import { token } from '../../application/shared/token.js';
import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The process's Redis command connection (subscribers open their own). */
export const REDIS_CLIENT = token<Redis>('RedisClient');

/** Prefix of every key and channel this deployment uses on Redis (see redisKeyPrefix). */
export const REDIS_KEY_PREFIX = token<string>('RedisKeyPrefix');

/**
 * A client that never queues commands while Redis is away (callers get an error at once and
 * degrade), gives up on a command Redis does not answer within a second, and keeps reconnecting
 * in the background, so the API recovers by itself.
 */
export function createRedisClient(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  });
  // Connection errors surface through failing commands (each adapter logs its outage once) and
  // the health indicator; without a listener ioredis would print every reconnect attempt.
  client.on('error', () => undefined);
  return client;
}

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

/** Resolves when the client is ready, or after `timeoutMs` (false) so a start never hangs on Redis. */
export function waitUntilReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    client.once('ready', onReady);
  });
}
