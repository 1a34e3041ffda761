import type { Container } from 'inversify';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import { HEALTH_INDICATOR, STARTUP_PROGRESS } from '../../application/health/ports.js';
import { CheckHealth } from '../../application/health/check-health.js';
import { CheckReadiness } from '../../application/health/check-readiness.js';
import {
  APP_LOGGER,
  STARTUP_TASK,
  type AppLogger,
  type StartupTask,
} from '../../application/shared/ports.js';
import { MemoryStoreHealth } from '../../adapters/persistence/memory/memory-health.js';
import type * as MongoConnectionModule from '../../adapters/persistence/mongo/connection.js';
import type * as MongoIndexesModule from '../../adapters/persistence/mongo/indexes.js';
import type * as RedisClientModule from '../../adapters/cache/redis-client.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/tokens.js';
import { REDIS_CLIENT } from '../../adapters/cache/redis-tokens.js';
import type { Config } from '../config.js';
import { StartupTracker } from '../startup.js';
import { loaded } from './bind.js';

/** The driver modules of the services config selects (null: not selected, never imported). */
export interface InfrastructureModules {
  readonly mongo: {
    readonly connection: typeof MongoConnectionModule;
    readonly indexes: typeof MongoIndexesModule;
  } | null;
  readonly redis: typeof RedisClientModule | null;
}

/** Imports mongoose only under MONGODB_URI and ioredis only under REDIS_URL. */
export async function loadInfrastructure(
  config: Pick<Config, 'mongo' | 'redis'>,
): Promise<InfrastructureModules> {
  const [connection, indexes, redis] = await Promise.all([
    config.mongo ? import('../../adapters/persistence/mongo/connection.js') : null,
    config.mongo ? import('../../adapters/persistence/mongo/indexes.js') : null,
    config.redis ? import('../../adapters/cache/redis-client.js') : null,
  ]);
  return { mongo: connection && indexes ? { connection, indexes } : null, redis };
}

/**
 * Connections to the services chosen by config (MONGODB_URI, REDIS_URL), each closed when the
 * container is unbound. Bound before every context so their startup tasks run first. `modules`
 * are the drivers loadInfrastructure imported for this config.
 */
export function bindInfrastructure(
  container: Container,
  config: Config,
  modules: InfrastructureModules,
): void {
  // Readiness: start-up finished (see bootstrap/startup.ts) and no dependency down.
  container.bind(STARTUP_PROGRESS).toConstantValue(new StartupTracker());
  container
    .bind(CheckReadiness)
    .toResolvedValue(
      (health: CheckHealth, progress: StartupTracker) => new CheckReadiness(health, progress),
      [CheckHealth, STARTUP_PROGRESS],
    )
    .inSingletonScope();
  if (config.mongo) {
    const mongo = loaded(modules.mongo, 'the MongoDB driver');
    const { connectMongo, createMongoConnection, MongoHealth } = mongo.connection;
    const { ensureIndexes } = mongo.indexes;
    // Opened at once; when the server is unreachable the task below fails fast and is retried
    // by the start-up runner (the process listens meanwhile, answering 503 on database routes).
    const connection = createMongoConnection(config.mongo.uri, config.mongo.timeoutMs);
    container
      .bind<Connection>(MONGO_CONNECTION)
      .toConstantValue(connection)
      .onDeactivation(async (c) => {
        await c.close();
      });
    container
      .bind(HEALTH_INDICATOR)
      .toResolvedValue((c: Connection) => new MongoHealth(c), [MONGO_CONNECTION])
      .inSingletonScope();
    container
      .bind<StartupTask>(STARTUP_TASK)
      .toResolvedValue(
        (c: Connection, logger: AppLogger): StartupTask => ({
          name: 'mongo: connect and ensure indexes',
          run: async () => {
            await connectMongo(c);
            const reports = await ensureIndexes(c);
            const unsupported = reports.filter((r) => r.status === 'unsupported');
            logger.info('mongo indexes ensured', {
              indexes: reports.length,
              unsupported: unsupported.map((r) => `${r.collection}.${r.name}`),
            });
          },
        }),
        [MONGO_CONNECTION, APP_LOGGER],
      )
      .inSingletonScope();
  } else {
    container.bind(HEALTH_INDICATOR).to(MemoryStoreHealth).inSingletonScope();
  }
  if (config.redis) {
    container
      .bind<Redis>(REDIS_CLIENT)
      .toConstantValue(loaded(modules.redis, 'the Redis client').createRedisClient(config.redis.url))
      .onDeactivation(async (r) => {
        r.disconnect();
      });
  }
}
