import type { UnpaidOrderSlot, UnpaidOrderSlotRepository } from '../../../application/ordering/ports.js';
import type { MemoryDatabase } from './memory-database.js';

const key = (userId: string, index: number) => `${userId}:${index}`;

/** Unpaid-order slots in the `unpaid_order_slots` collection, by `${userId}:${index}`. */
export class MemoryUnpaidOrderSlotRepository implements UnpaidOrderSlotRepository {
  private readonly rows: Map<string, UnpaidOrderSlot>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<UnpaidOrderSlot>('unpaid_order_slots');
  }

  async insert(slot: UnpaidOrderSlot): Promise<boolean> {
    const id = key(slot.userId, slot.index);
    if (this.rows.has(id)) return false;
    this.rows.set(id, { ...slot, claimedAt: new Date(slot.claimedAt) });
    return true;
  }

  async held(userId: string): Promise<UnpaidOrderSlot[]> {
    return [...this.rows.values()]
      .filter((s) => s.userId === userId)
      .sort((a, b) => a.index - b.index)
      .map((s) => ({ ...s, claimedAt: new Date(s.claimedAt) }));
  }

  async release(userId: string, index: number, orderId: string): Promise<boolean> {
    const id = key(userId, index);
    if (this.rows.get(id)?.orderId !== orderId) return false;
    return this.rows.delete(id);
  }
}
