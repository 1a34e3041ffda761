import type { HandledEventStore, HandlerClaim } from '../../../application/shared/event-ports.js';
import type { MemoryDatabase } from './memory-database.js';

interface HandledEntry {
  readonly done: boolean;
  /** Epoch ms: the lease's end while claimed, the completion time once done. */
  readonly leaseUntil: number;
}

/**
 * (handler, event id) pairs in `events.handled`, by event id then handler name; each method is
 * check-and-set without await. By event first: an order's handlers (four or five) look up one
 * event id string, whose hash V8 keeps, instead of hashing a fresh `${handler}|${eventId}` per
 * call (with a Date per lease, about 1.5% of checkout's CPU).
 */
export class MemoryHandledEventStore implements HandledEventStore {
  private readonly events: Map<string, Map<string, HandledEntry>>;

  constructor(db: MemoryDatabase) {
    this.events = db.collection<Map<string, HandledEntry>>('events.handled');
  }

  async claim(handler: string, eventId: string, now: Date, leaseMs: number): Promise<HandlerClaim> {
    let handlers = this.events.get(eventId);
    const entry = handlers?.get(handler);
    if (entry?.done) return 'done';
    const at = now.getTime();
    if (entry && entry.leaseUntil > at) return 'busy';
    if (!handlers) {
      handlers = new Map();
      this.events.set(eventId, handlers);
    }
    handlers.set(handler, { done: false, leaseUntil: at + leaseMs });
    return 'claimed';
  }

  async complete(handler: string, eventId: string, now: Date): Promise<void> {
    let handlers = this.events.get(eventId);
    if (!handlers) {
      handlers = new Map();
      this.events.set(eventId, handlers);
    }
    handlers.set(handler, { done: true, leaseUntil: now.getTime() });
  }

  async release(handler: string, eventId: string): Promise<void> {
    const handlers = this.events.get(eventId);
    if (!handlers || handlers.get(handler)?.done) return;
    handlers.delete(handler);
    if (handlers.size === 0) this.events.delete(eventId);
  }

  async forget(doneBefore: Date, limit: number): Promise<number> {
    const before = doneBefore.getTime();
    let forgotten = 0;
    for (const [eventId, handlers] of this.events) {
      for (const [handler, entry] of handlers) {
        if (forgotten >= limit) return forgotten;
        // A completed entry's leaseUntil is its completion time.
        if (entry.done && entry.leaseUntil < before) {
          handlers.delete(handler);
          forgotten += 1;
        }
      }
      if (handlers.size === 0) this.events.delete(eventId);
    }
    return forgotten;
  }
}
