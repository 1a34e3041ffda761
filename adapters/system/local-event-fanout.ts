import type { DomainEvent } from '../../domain/shared/events.js';
import type { EventFanout } from '../../application/shared/event-ports.js';

/** One instance (no Redis): there is nobody to carry events to. */
export class LocalEventFanout implements EventFanout {
  async broadcast(_events: readonly DomainEvent[]): Promise<void> {}

  listen(_listener: (events: readonly DomainEvent[]) => Promise<void>): void {}
}
