import type { Container } from 'inversify';
import {
  APP_LOGGER,
  CLOCK,
  ID_GENERATOR,
  RANDOM_SOURCE,
  type AppLogger,
  type Clock,
  type RandomSource,
} from '../../application/shared/ports.js';
import { HEALTH_INDICATOR, type HealthIndicator } from '../../application/health/ports.js';
import { CheckHealth } from '../../application/health/check-health.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { CryptoRandomSource, ObjectIdGenerator, SystemClock } from '../../adapters/system/system.js';
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
  container.bind(MemoryDatabase).toConstantValue(new MemoryDatabase());
  container
    .bind(CheckHealth)
    .toResolvedValue(
      (indicators: HealthIndicator[], clock: Clock) => new CheckHealth(indicators, clock),
      [{ serviceIdentifier: HEALTH_INDICATOR, isMultiple: true }, CLOCK],
    )
    .inSingletonScope();
}
