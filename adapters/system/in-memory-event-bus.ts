import type { DomainEvent } from '../../domain/shared/events.js';
import type { AppLogger, EventBus, EventHandler } from '../../application/shared/ports.js';

/** One process: handlers run after the publisher's work is done; a failing handler is logged, never rethrown. */
export class InMemoryEventBus implements EventBus {
  private readonly handlers = new Map<string, EventHandler[]>();

  constructor(private readonly logger: AppLogger) {}

  subscribe(type: string, handler: EventHandler): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const handler of [...(this.handlers.get(event.type) ?? []), ...(this.handlers.get('*') ?? [])]) {
        try {
          await handler(event);
        } catch (error) {
          this.logger.error('event handler failed', { type: event.type, error: String(error) });
        }
      }
    }
  }
}
