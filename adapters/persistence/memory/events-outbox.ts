import { isStagedEventType, type StagedEventOutbox } from '../../../application/shared/event-ports.js';
import type { DomainEvent } from '../../../domain/shared/events.js';
import type { MemoryDatabase } from './memory-database.js';

/** The staged notices (catalog events) in `events.outbox`, keyed by event id. */
export class MemoryStagedEventOutbox implements StagedEventOutbox {
  private readonly events: Map<string, DomainEvent>;

  constructor(db: MemoryDatabase) {
    this.events = db.collection<DomainEvent>('events.outbox');
  }

  owns(type: string): boolean {
    return isStagedEventType(type);
  }

  async stage(events: readonly DomainEvent[]): Promise<void> {
    for (const e of events) if (!this.events.has(e.id)) this.events.set(e.id, structuredClone(e));
  }

  async discard(events: readonly DomainEvent[]): Promise<void> {
    for (const e of events) this.events.delete(e.id);
  }

  async pending(before: Date, limit: number): Promise<DomainEvent[]> {
    if (limit < 1) return [];
    return [...this.events.values()]
      .filter((e) => e.occurredAt.getTime() <= before.getTime())
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
      .slice(0, limit)
      .map((e) => structuredClone(e));
  }

  async markDispatched(events: readonly DomainEvent[]): Promise<void> {
    await this.discard(events);
  }
}
