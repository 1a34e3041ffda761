import type { Container } from 'inversify';
import {
  REALTIME_HUB,
  REALTIME_REPLAY_POLICY,
  type RealtimeHub,
  type RealtimeReplayPolicy,
} from '../../application/realtime/ports.js';
import { REALTIME_GATEWAY } from '../../application/realtime/gateway.js';
import { RealtimeChannels } from '../../application/realtime/channels.js';
import { CurrentCart } from '../../application/cart/index.js';
import { AUTHENTICATOR } from '../../application/identity/ports.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { CLOCK, type Clock } from '../../application/shared/ports.js';
import { MemoryRealtimeHub } from '../../adapters/realtime/memory-hub.js';
import type { Config } from '../config.js';
import { bindClass } from './bind.js';

/**
 * The realtime context: the hub (ids, replay window and fan-out of every channel) and the gateway
 * the transports drive (authentication, authorization, snapshots). The handlers that feed the
 * hub are bound with the other reactions (bootstrap/modules/events.ts).
 */
export function bindRealtime(container: Container, config: Config): void {
  // The hub of one instance (the Redis hub of the hub module takes this place with REDIS_URL).
  container.bind<RealtimeReplayPolicy>(REALTIME_REPLAY_POLICY).toConstantValue({
    maxMessages: config.realtime.replayMax,
    ttlSeconds: config.realtime.replayTtlSeconds,
  });
  container
    .bind<RealtimeHub>(REALTIME_HUB)
    .toResolvedValue(
      (policy: RealtimeReplayPolicy, clock: Clock): RealtimeHub =>
        new MemoryRealtimeHub(policy, () => clock.now().getTime()),
      [REALTIME_REPLAY_POLICY, CLOCK],
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
