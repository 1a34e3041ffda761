import type { Container } from 'inversify';
import type { Redis } from 'ioredis';
import {
  REALTIME_HUB,
  REALTIME_REPLAY_POLICY,
  type RealtimeHub,
  type RealtimeReplayPolicy,
} from '../../application/realtime/ports.js';
import { APP_LOGGER, CLOCK, type AppLogger, type Clock } from '../../application/shared/ports.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../../adapters/cache/redis-client.js';
import { MemoryRealtimeHub } from '../../adapters/realtime/memory-hub.js';
import { RedisRealtimeHub } from '../../adapters/realtime/redis-hub.js';
import type { Config } from '../config.js';

/**
 * The realtime context: the hub (ids, replay window and fan-out of every channel) on Redis when
 * REDIS_URL is set, so every instance shares ids and window and delivers what any of them
 * publishes; in memory otherwise (one instance). Bounds from REALTIME_REPLAY_MAX and
 * REALTIME_REPLAY_TTL.
 */
export function bindRealtime(container: Container, config: Config): void {
  container.bind<RealtimeReplayPolicy>(REALTIME_REPLAY_POLICY).toConstantValue({
    maxMessages: config.realtime.replayMax,
    ttlSeconds: config.realtime.replayTtlSeconds,
  });
  container
    .bind<RealtimeHub>(REALTIME_HUB)
    .toResolvedValue(
      (
        policy: RealtimeReplayPolicy,
        clock: Clock,
        logger: AppLogger,
        redis: Redis | undefined,
        prefix: string | undefined,
      ): RealtimeHub => {
        const now = () => clock.now().getTime();
        return redis
          ? new RedisRealtimeHub(redis, prefix ?? 'af:', policy, logger, now)
          : new MemoryRealtimeHub(policy, now);
      },
      [
        REALTIME_REPLAY_POLICY,
        CLOCK,
        APP_LOGGER,
        { serviceIdentifier: REDIS_CLIENT, optional: true },
        { serviceIdentifier: REDIS_KEY_PREFIX, optional: true },
      ],
    )
    .inSingletonScope()
    .onDeactivation((hub) => {
      if (hub instanceof RedisRealtimeHub) hub.close();
    });
}
