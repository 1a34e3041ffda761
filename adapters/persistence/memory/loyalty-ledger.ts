import type { LoyaltyEntry } from '../../../domain/loyalty/points.js';
import type { LoyaltyLedger } from '../../../application/loyalty/ports.js';
import type { MemoryDatabase } from './memory-database.js';

const key = (userId: string, seq: number) => `${userId}:${seq}`;

/** The points ledger in memory: entries keyed by (user, seq); checks and writes in one step. */
export class MemoryLoyaltyLedger implements LoyaltyLedger {
  private readonly entries: Map<string, LoyaltyEntry>;

  constructor(db: MemoryDatabase) {
    this.entries = db.collection<LoyaltyEntry>('loyalty_ledger');
  }

  private of(userId: string): LoyaltyEntry[] {
    return [...this.entries.values()].filter((e) => e.userId === userId).sort((a, b) => a.seq - b.seq);
  }

  async head(userId: string): Promise<LoyaltyEntry | null> {
    return this.of(userId).at(-1) ?? null;
  }

  async findById(id: string): Promise<LoyaltyEntry | null> {
    for (const e of this.entries.values()) if (e.id === id) return e;
    return null;
  }

  async insert(entry: LoyaltyEntry): Promise<boolean> {
    if (this.entries.has(key(entry.userId, entry.seq))) return false;
    for (const e of this.entries.values()) if (e.id === entry.id) return false;
    this.entries.set(key(entry.userId, entry.seq), entry);
    return true;
  }

  async forOrder(userId: string, orderId: string): Promise<LoyaltyEntry[]> {
    return this.of(userId).filter((e) => e.orderId === orderId);
  }

  async list(userId: string, page: number, limit: number): Promise<{ items: LoyaltyEntry[]; total: number }> {
    const all = this.of(userId).reverse();
    return { items: all.slice((page - 1) * limit, page * limit), total: all.length };
  }
}
