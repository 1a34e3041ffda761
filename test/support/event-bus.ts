import type { DomainEvent } from '../../domain/shared/events.js';
import type { EventOutbox } from '../../application/shared/event-ports.js';
import { EventDispatcher } from '../../application/shared/event-dispatcher.js';
import type { AppLogger, Clock } from '../../application/shared/ports.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryHandledEventStore } from '../../adapters/persistence/memory/events-handled.js';
import { LocalEventFanout } from '../../adapters/system/local-event-fanout.js';

const quiet: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The real dispatcher on the memory adapters, recording what was published (in order). */
export class RecordingDispatcher extends EventDispatcher {
  readonly published: DomainEvent[] = [];

  override async publish(events: readonly DomainEvent[]): Promise<void> {
    this.published.push(...events);
    await super.publish(events);
  }

  /** The published events of one type. */
  ofType(type: string): DomainEvent[] {
    return this.published.filter((e) => e.type === type);
  }
}

export function recordingDispatcher(
  options: {
    readonly db?: MemoryDatabase;
    readonly outboxes?: readonly EventOutbox[];
    readonly clock?: Clock;
    readonly logger?: AppLogger;
  } = {},
): RecordingDispatcher {
  const db = options.db ?? new MemoryDatabase();
  return new RecordingDispatcher(
    options.outboxes ?? [],
    new MemoryHandledEventStore(db),
    new LocalEventFanout(),
    options.clock ?? { now: () => new Date() },
    { claimLeaseMs: 300_000 },
    options.logger ?? quiet,
  );
}
