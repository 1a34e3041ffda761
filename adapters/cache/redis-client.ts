import { Redis } from 'ioredis';

export { REDIS_CLIENT, REDIS_KEY_PREFIX, redisKeyPrefix } from './redis-tokens.js';

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
