import type { Container } from 'inversify';
import {
  DEFAULT_IDEMPOTENCY_SETTINGS,
  IDEMPOTENCY_SETTINGS,
  IDEMPOTENCY_STORE,
  type IdempotencySettings,
} from '../../application/idempotency/ports.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../../adapters/cache/redis-tokens.js';
import { RedisIdempotencyStore } from '../../adapters/cache/redis-idempotency-store.js';
import { PII_CIPHER } from '../../application/shared/pii.js';
import type { Config } from '../config.js';
import { bindClass } from './bind.js';

/**
 * Idempotency keys (issue 4): on Redis when REDIS_URL is set (shared by every instance, atomic
 * scripts), else on MongoDB (claims are inserts of a unique _id), else in the process. Keys
 * outlive a restart of the API on Redis and MongoDB; stored answers are sealed (PII) on MongoDB, and
 * on Redis when MongoDB holds the data keys. Lease 60 s, answers kept 24 h, a duplicate
 * waits up to 3 s for the first request's answer.
 */
export function bindIdempotency(
  container: Container,
  config: Config,
  settings: IdempotencySettings = DEFAULT_IDEMPOTENCY_SETTINGS,
): void {
  container.bind<IdempotencySettings>(IDEMPOTENCY_SETTINGS).toConstantValue(settings);
  if (config.redis && config.mongo) {
    // Answers sealed with the PII data keys, which live in MongoDB and outlive a restart.
    bindClass(container, IDEMPOTENCY_STORE, RedisIdempotencyStore, [
      REDIS_CLIENT,
      REDIS_KEY_PREFIX,
      PII_CIPHER,
    ]);
  } else if (config.redis) {
    // In-memory data keys die with the process: a sealed answer could not be replayed after it.
    bindClass(container, IDEMPOTENCY_STORE, RedisIdempotencyStore, [REDIS_CLIENT, REDIS_KEY_PREFIX]);
  }
  // Otherwise the store is a PERSISTENCE row (memory or Mongo, see persistence.ts).
}
