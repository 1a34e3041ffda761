import type { Container } from 'inversify';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { APP_LOGGER, type AppLogger } from '../../application/shared/ports.js';
import {
  ACCOUNT_LOGIN_THROTTLE,
  IP_LOGIN_THROTTLE,
  LOGIN_THROTTLE,
  TOKEN_REVOCATION_STORE,
} from '../../application/identity/ports.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryLoginThrottle } from '../../adapters/persistence/memory/identity-login-throttle.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/tokens.js';
import type * as MongoTokensModule from '../../adapters/persistence/mongo/identity-tokens.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../../adapters/cache/redis-tokens.js';
import { RedisTokenRevocationStore } from '../../adapters/cache/redis-token-revocation-store.js';
import { RedisLoginThrottle } from '../../adapters/cache/redis-login-throttle.js';
import type { ThrottlePolicy } from '../../domain/identity/login-throttle.js';
import type { Config } from '../config.js';
import { loaded } from './bind.js';

/** The Mongo copy of the Redis revocation store (mongoose): imported only with both configured. */
export interface SessionModules {
  readonly mongoRevocations: typeof MongoTokensModule | null;
}

export async function loadSessions(config: Pick<Config, 'mongo' | 'redis'>): Promise<SessionModules> {
  return {
    mongoRevocations:
      config.redis && config.mongo
        ? await import('../../adapters/persistence/mongo/identity-tokens.js')
        : null,
  };
}

/**
 * Session state shared by every instance: revoked tokens and failed-login counters. In-process
 * on the embedded default; Redis (REDIS_URL) makes them shared across instances.
 */
export function bindSessions(container: Container, config: Config, modules: SessionModules): void {
  if (config.redis) {
    // Redis (the `onRedis` of this port's PERSISTENCE row): shared at once by every instance;
    // MongoDB (when configured) keeps the durable copy and answers while Redis is away (see
    // RedisTokenRevocationStore for the degradation).
    container
      .bind(TOKEN_REVOCATION_STORE)
      .toResolvedValue(
        (redis: Redis, prefix: string, logger: AppLogger, connection: Connection | undefined) =>
          new RedisTokenRevocationStore(
            redis,
            prefix,
            logger,
            connection
              ? new (loaded(
                  modules.mongoRevocations,
                  'the Mongo revocation store',
                ).MongoTokenRevocationStore)(connection)
              : null,
          ),
        [REDIS_CLIENT, REDIS_KEY_PREFIX, APP_LOGGER, { serviceIdentifier: MONGO_CONNECTION, optional: true }],
      )
      .inSingletonScope();
    for (const [id, policy] of throttlePolicies(config)) {
      container
        .bind(id)
        .toResolvedValue(
          (redis: Redis, prefix: string, logger: AppLogger) =>
            new RedisLoginThrottle(
              redis,
              prefix,
              policy,
              logger,
              `login throttle (${id.description ?? 'login'})`,
            ),
          [REDIS_CLIENT, REDIS_KEY_PREFIX, APP_LOGGER],
        )
        .inSingletonScope();
    }
    return;
  }
  // Without Redis the revocation store is a PERSISTENCE row (memory or Mongo, see persistence.ts).
  for (const [id, policy] of throttlePolicies(config)) {
    container
      .bind(id)
      .toResolvedValue((db: MemoryDatabase) => new MemoryLoginThrottle(db, policy), [MemoryDatabase])
      .inSingletonScope();
  }
}

/**
 * Failed logins per email + IP, per account from every IP, and per IP for every email (keys never
 * overlap: see LoginUser); each lock doubles the one before, up to maxLockMs.
 */
function throttlePolicies(config: Config): [symbol, ThrottlePolicy][] {
  const { maxFailures, maxAccountFailures, maxIpFailures, windowMs, maxLockMs } = config.loginThrottle;
  const lock = { windowMs, lockMs: windowMs, maxLockMs };
  return [
    [LOGIN_THROTTLE, { maxFailures, ...lock }],
    [ACCOUNT_LOGIN_THROTTLE, { maxFailures: maxAccountFailures, ...lock }],
    [IP_LOGIN_THROTTLE, { maxFailures: maxIpFailures, ...lock }],
  ];
}
