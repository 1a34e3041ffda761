import type { Container } from 'inversify';
import type { Redis } from 'ioredis';
import {
  REALTIME_HUB,
  REALTIME_REPLAY_POLICY,
  type RealtimeHub,
  type RealtimeReplayPolicy,
} from '../../application/realtime/ports.js';
import {
  APP_LOGGER,
  CLOCK,
  STARTUP_TASK,
  type AppLogger,
  type Clock,
  type StartupTask,
} from '../../application/shared/ports.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../../adapters/cache/redis-tokens.js';
import { MemoryRealtimeHub } from '../../adapters/realtime/memory-hub.js';
import { RedisRealtimeHub } from '../../adapters/realtime/redis-hub.js';
import { REALTIME_GATEWAY } from '../../application/realtime/gateway.js';
import { RealtimeChannels } from '../../application/realtime/channels.js';
import { CurrentCart } from '../../application/cart/index.js';
import { AUTHENTICATOR } from '../../application/identity/ports.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import {
  REALTIME_ENDPOINT,
  REALTIME_LIMITS,
  RealtimeProtocol,
  type RealtimeLimits,
} from '../../adapters/realtime/protocol.js';
import type { Config } from '../config.js';
import { bindClass } from './bind.js';

const READY_TIMEOUT_MS = 3000;

/**
 * The realtime context: the hub (ids, replay window and fan-out of every channel) on Redis when
 * REDIS_URL is set, so every instance shares ids and window and delivers what any of them
 * publishes; in memory otherwise (one instance). Bounds from REALTIME_REPLAY_MAX and
 * REALTIME_REPLAY_TTL. A start-up task opens the hub's subscription at start, so messages other
 * instances publish reach this one from its first client on. Also the gateway the transports
 * drive (authentication, authorization, snapshots); the handlers that feed the hub are bound with
 * the other reactions (bootstrap/modules/events.ts).
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
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue(
      (hub: RealtimeHub, logger: AppLogger): StartupTask => ({
        name: 'realtime: subscribe the hub',
        run: async () => {
          // Not fatal: publishes wait for the subscription, and it is retried on every reconnect.
          if (hub instanceof RedisRealtimeHub && !(await hub.ready(READY_TIMEOUT_MS)))
            logger.warn('realtime hub not subscribed to redis at start: running degraded until it answers');
        },
      }),
      [REALTIME_HUB, APP_LOGGER],
    )
    .inSingletonScope();

  bindClass(container, REALTIME_GATEWAY, RealtimeChannels, [
    AUTHENTICATOR,
    ORDER_REPOSITORY,
    PRODUCT_REPOSITORY,
    CurrentCart,
    CLOCK,
  ]);
}

/**
 * The protocol every realtime transport hands its connections to (ws and SSE on the API port,
 * uWebSockets.js on its own): one per process, so it holds one hub subscription per channel.
 * `bootstrap/app.ts` closes its connections (1001) before draining HTTP on shutdown.
 */
export function bindRealtimeEndpoint(container: Container, config: Config): void {
  container.bind<RealtimeLimits>(REALTIME_LIMITS).toConstantValue(config.realtime);
  bindClass(container, REALTIME_ENDPOINT, RealtimeProtocol, [
    REALTIME_GATEWAY,
    REALTIME_HUB,
    REALTIME_LIMITS,
    APP_LOGGER,
  ]);
}
