import type { HandledEventStore } from './event-ports.js';
import type { AppLogger, Clock } from './ports.js';
import { forgetAllBefore } from './retention.js';

/**
 * Keeps the handled-event record bounded: a (handler, event) pair completed more than
 * `retentionMs` ago is forgotten. A redelivery is what the record guards against, and one only
 * comes while the event is still pending in its outbox (the sweeper, every EVENT_SWEEP_INTERVAL_MS)
 * or in flight: far shorter than the retention. An event left pending longer than the retention
 * (a handler failing for that long) would run its completed handlers again.
 */
export class ForgetHandledEvents {
  constructor(
    private readonly handled: HandledEventStore,
    private readonly clock: Clock,
    private readonly retentionMs: number,
    private readonly logger: AppLogger,
  ) {}

  /** Answers how many pairs were forgotten. */
  async execute(): Promise<number> {
    const forgotten = await forgetAllBefore(
      this.handled,
      new Date(this.clock.now().getTime() - this.retentionMs),
    );
    if (forgotten > 0) this.logger.info('handled events forgotten', { forgotten });
    return forgotten;
  }
}
