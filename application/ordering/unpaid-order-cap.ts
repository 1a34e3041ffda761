import { isAwaitingPayment } from '../../domain/ordering/order-payment.js';
import type { AppLogger, RandomSource } from '../shared/ports.js';
import type { OrderRepository, UnpaidOrderSlot, UnpaidOrderSlotRepository } from './ports.js';

/** Rounds of "free the stale slots, then insert again" before a placement is refused. */
const ROUNDS = 3;

/**
 * The cap on orders awaiting payment per shopper, enforced by claims rather than by counting: a
 * placement first INSERTS one of the shopper's `cap` slots (`${userId}:${i}`), an atomic insert
 * on every store, so N placements in parallel (on any number of instances) take at most `cap`
 * slots between them and the others are refused.
 *
 * A slot needs no release hook to be correct: it is stale, and freed by the next placement that
 * finds all slots taken, once its order is no longer awaiting payment (paid, confirmed, cancelled,
 * expired), or when its order does not exist and the claim is older than `staleAfterMs` (the
 * placement died; the stock reservation TTL, by which a dead placement's stock is back too).
 * Freeing is a delete conditioned on the holder's order id, so a slot re-claimed meanwhile by
 * another placement is never freed. A placement that fails releases its slot at once.
 */
export class UnpaidOrderCap {
  constructor(
    private readonly slots: UnpaidOrderSlotRepository,
    private readonly orders: Pick<OrderRepository, 'findById'>,
    private readonly random: Pick<RandomSource, 'int'>,
    private readonly logger: Pick<AppLogger, 'warn'>,
    readonly cap: number,
    private readonly staleAfterMs: number,
  ) {}

  /** A slot for the order, or null when the shopper already holds `cap` orders awaiting payment. */
  async claim(userId: string, orderId: string, now: Date): Promise<UnpaidOrderSlot | null> {
    for (let round = 0; round < ROUNDS; round++) {
      // Only the indexes: reading the full slots (sorted, copied) was most of the claim's CPU
      // with a few dozen orders awaiting payment; they are needed only when every slot is taken.
      const taken = new Set(await this.slots.heldIndexes(userId));
      // From a random place, so parallel placements with a large cap rarely collide; the free
      // indexes are walked from there (not listed first: with a cap of hundreds that list cost
      // more than the rest of the claim).
      const start = this.cap > 0 ? this.random.int(this.cap) : 0;
      for (let k = 0; k < this.cap; k++) {
        const index = (start + k) % this.cap;
        if (taken.has(index)) continue;
        const slot = { userId, index, orderId, claimedAt: now };
        if (await this.slots.insert(slot)) return slot;
      }
      // Every slot was taken when read (or has been since): free the stale ones, then retry.
      const current = (await this.slots.held(userId)).filter((s) => s.index < this.cap);
      let freed = false;
      for (const s of current) {
        if ((await this.isStale(s, now)) && (await this.slots.release(s.userId, s.index, s.orderId))) {
          freed = true;
        }
      }
      if (!freed) return null;
    }
    return null;
  }

  /** Compensation for a placement that did not store its order; failures are left to staleness. */
  async release(slot: UnpaidOrderSlot): Promise<void> {
    try {
      await this.slots.release(slot.userId, slot.index, slot.orderId);
    } catch (error) {
      this.logger.warn('releasing an unpaid-order slot failed; it frees itself once stale', {
        orderId: slot.orderId,
        error: String(error),
      });
    }
  }

  private async isStale(slot: UnpaidOrderSlot, now: Date): Promise<boolean> {
    const order = await this.orders.findById(slot.orderId);
    if (order) return order.userId !== slot.userId || !isAwaitingPayment(order);
    return now.getTime() - slot.claimedAt.getTime() >= this.staleAfterMs;
  }
}
