import type { Container } from 'inversify';
import type { Redis } from 'ioredis';
import {
  APP_LOGGER,
  CLOCK,
  EVENT_BUS,
  ID_GENERATOR,
  RANDOM_SOURCE,
  type AppLogger,
  type Clock,
  type EventBus,
  type RandomSource,
} from '../../application/shared/ports.js';
import { HEALTH_INDICATOR, type HealthIndicator } from '../../application/health/ports.js';
import { CheckHealth } from '../../application/health/check-health.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { CryptoRandomSource, ObjectIdGenerator, SystemClock } from '../../adapters/system/system.js';
import { InMemoryEventBus } from '../../adapters/system/in-memory-event-bus.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../../adapters/cache/redis-client.js';
import { RedisEventBus } from '../../adapters/cache/redis-event-bus.js';
import { bindClass } from './bind.js';

export interface SharedOverrides {
  readonly clock?: Clock;
  readonly random?: RandomSource;
}

export function bindShared(container: Container, logger: AppLogger, overrides: SharedOverrides): void {
  container.bind(APP_LOGGER).toConstantValue(logger);
  container.bind(CLOCK).toConstantValue(overrides.clock ?? new SystemClock());
  container.bind(RANDOM_SOURCE).toConstantValue(overrides.random ?? new CryptoRandomSource());
  bindClass(container, ID_GENERATOR, ObjectIdGenerator, [CLOCK]);
  // With Redis (REDIS_URL, bound by bindInfrastructure) events also fan out to the other instances.
  container
    .bind<EventBus>(EVENT_BUS)
    .toResolvedValue(
      (logger: AppLogger, redis: Redis | undefined, prefix: string | undefined): EventBus =>
        redis ? new RedisEventBus(redis, `${prefix ?? 'af:'}events`, logger) : new InMemoryEventBus(logger),
      [
        APP_LOGGER,
        { serviceIdentifier: REDIS_CLIENT, optional: true },
        { serviceIdentifier: REDIS_KEY_PREFIX, optional: true },
      ],
    )
    .inSingletonScope()
    .onDeactivation((bus) => {
      if (bus instanceof RedisEventBus) bus.close();
    });
  container.bind(MemoryDatabase).toConstantValue(new MemoryDatabase());
  container
    .bind(CheckHealth)
    .toResolvedValue(
      (indicators: HealthIndicator[], clock: Clock) => new CheckHealth(indicators, clock),
      [{ serviceIdentifier: HEALTH_INDICATOR, isMultiple: true }, CLOCK],
    )
    .inSingletonScope();
}
