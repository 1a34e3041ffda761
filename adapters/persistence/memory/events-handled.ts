import type { HandledEventStore, HandlerClaim } from '../../../application/shared/event-ports.js';
import type { MemoryDatabase } from './memory-database.js';

interface HandledEntry {
  readonly done: boolean;
  readonly leaseUntil: Date;
}

/** (handler, event id) pairs in `events.handled`; each method is check-and-set without await. */
export class MemoryHandledEventStore implements HandledEventStore {
  private readonly entries: Map<string, HandledEntry>;

  constructor(db: MemoryDatabase) {
    this.entries = db.collection<HandledEntry>('events.handled');
  }

  async claim(handler: string, eventId: string, now: Date, leaseMs: number): Promise<HandlerClaim> {
    const key = `${handler}|${eventId}`;
    const entry = this.entries.get(key);
    if (entry?.done) return 'done';
    if (entry && entry.leaseUntil > now) return 'busy';
    this.entries.set(key, { done: false, leaseUntil: new Date(now.getTime() + leaseMs) });
    return 'claimed';
  }

  async complete(handler: string, eventId: string, now: Date): Promise<void> {
    this.entries.set(`${handler}|${eventId}`, { done: true, leaseUntil: now });
  }

  async release(handler: string, eventId: string): Promise<void> {
    const key = `${handler}|${eventId}`;
    if (!this.entries.get(key)?.done) this.entries.delete(key);
  }

  async forget(doneBefore: Date, limit: number): Promise<number> {
    let forgotten = 0;
    for (const [key, entry] of this.entries) {
      if (forgotten >= limit) break;
      // A completed entry's leaseUntil is its completion time.
      if (entry.done && entry.leaseUntil < doneBefore) {
        this.entries.delete(key);
        forgotten += 1;
      }
    }
    return forgotten;
  }
}
