import type { EventDispatchPolicy, EventOutbox } from './event-ports.js';
import type { AppLogger, Clock, EventBus } from './ports.js';

const BATCH = 100;

/**
 * The outbox sweeper: events still pending `redeliverAfterMs` after they occurred belong to a
 * change whose process died (or whose handler failed) before every handler ran; they are
 * delivered again. Handlers that already ran skip them (deduplicated by event id).
 */
export class DispatchPendingEvents {
  constructor(
    private readonly outboxes: readonly EventOutbox[],
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly policy: Pick<EventDispatchPolicy, 'redeliverAfterMs'>,
    private readonly logger: AppLogger,
  ) {}

  /** Answers how many events were delivered again. */
  async execute(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.policy.redeliverAfterMs);
    let delivered = 0;
    for (const outbox of this.outboxes) {
      const seen = new Set<string>();
      for (;;) {
        const batch = (await outbox.pending(before, BATCH)).filter((e) => !seen.has(e.id));
        if (batch.length === 0) break;
        for (const event of batch) seen.add(event.id);
        await this.bus.publish(batch);
        delivered += batch.length;
      }
    }
    if (delivered > 0) this.logger.info('pending events delivered again', { delivered });
    return delivered;
  }
}
