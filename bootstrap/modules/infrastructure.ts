import type { Container } from 'inversify';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import { HEALTH_INDICATOR } from '../../application/health/ports.js';
import {
  APP_LOGGER,
  STARTUP_TASK,
  type AppLogger,
  type StartupTask,
} from '../../application/shared/ports.js';
import { MemoryStoreHealth } from '../../adapters/persistence/memory/memory-health.js';
import {
  createMongoConnection,
  MONGO_CONNECTION,
  MongoHealth,
} from '../../adapters/persistence/mongo/connection.js';
import { ensureIndexes } from '../../adapters/persistence/mongo/indexes.js';
import { createRedisClient, REDIS_CLIENT } from '../../adapters/cache/redis-client.js';
import type { Config } from '../config.js';

/**
 * Connections to the services chosen by config (MONGODB_URI, REDIS_URL), each closed when the
 * container is unbound. Bound before every context so their startup tasks run first.
 */
export function bindInfrastructure(container: Container, config: Config): void {
  if (config.mongo) {
    const connection = createMongoConnection(config.mongo.uri);
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
            await c.asPromise();
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
      .toConstantValue(createRedisClient(config.redis.url))
      .onDeactivation(async (r) => {
        r.disconnect();
      });
  }
}
