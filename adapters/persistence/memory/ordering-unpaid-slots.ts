import type { UnpaidOrderSlot, UnpaidOrderSlotRepository } from '../../../application/ordering/ports.js';
import type { MemoryDatabase } from './memory-database.js';

/**
 * Unpaid-order slots in the `unpaid_order_slots` collection: one entry per shopper, holding that
 * shopper's slots by index, so `held` reads the shopper's few slots and not every shopper's (a
 * scan of all of them was a tenth of checkout's CPU once a few thousand orders awaited payment).
 */
export class MemoryUnpaidOrderSlotRepository implements UnpaidOrderSlotRepository {
  private readonly users: Map<string, Map<number, UnpaidOrderSlot>>;

  constructor(db: MemoryDatabase) {
    this.users = db.collection<Map<number, UnpaidOrderSlot>>('unpaid_order_slots');
  }

  async insert(slot: UnpaidOrderSlot): Promise<boolean> {
    let slots = this.users.get(slot.userId);
    if (slots?.has(slot.index)) return false;
    if (!slots) {
      slots = new Map();
      this.users.set(slot.userId, slots);
    }
    slots.set(slot.index, { ...slot, claimedAt: new Date(slot.claimedAt) });
    return true;
  }

  async held(userId: string): Promise<UnpaidOrderSlot[]> {
    return [...(this.users.get(userId)?.values() ?? [])]
      .sort((a, b) => a.index - b.index)
      .map((s) => ({ ...s, claimedAt: new Date(s.claimedAt) }));
  }

  async heldIndexes(userId: string): Promise<number[]> {
    return [...(this.users.get(userId)?.keys() ?? [])];
  }

  async release(userId: string, index: number, orderId: string): Promise<boolean> {
    const slots = this.users.get(userId);
    if (slots?.get(index)?.orderId !== orderId) return false;
    slots.delete(index);
    if (slots.size === 0) this.users.delete(userId);
    return true;
  }
}
