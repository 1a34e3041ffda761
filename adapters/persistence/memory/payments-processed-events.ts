import type { ProcessedEventStore } from '../../../application/payments/ports.js';
import type { MemoryDatabase } from './memory-database.js';

/** Claimed webhook event ids in `payments.processedEvents`; claim is check-and-set without await. */
export class MemoryProcessedEventStore implements ProcessedEventStore {
  private readonly claimed: Map<string, { type: string; at: Date }>;

  constructor(db: MemoryDatabase) {
    this.claimed = db.collection<{ type: string; at: Date }>('payments.processedEvents');
  }

  async claim(eventId: string, type: string, at: Date): Promise<boolean> {
    if (this.claimed.has(eventId)) return false;
    this.claimed.set(eventId, { type, at });
    return true;
  }

  async release(eventId: string): Promise<void> {
    this.claimed.delete(eventId);
  }

  async forget(before: Date, limit: number): Promise<number> {
    const old = [...this.claimed]
      .filter(([, claim]) => claim.at < before)
      .sort(([, a], [, b]) => a.at.getTime() - b.at.getTime())
      .slice(0, limit);
    for (const [id] of old) this.claimed.delete(id);
    return old.length;
  }
}
