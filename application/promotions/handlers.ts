import type { OrderCancelled } from '../../domain/ordering/events.js';
import type { EventHandler } from '../shared/ports.js';
import type { PromoCodeRepository } from './ports.js';

/**
 * Gives a redemption back when its order is cancelled, and only then (release is idempotent per
 * (code, order), so a redelivered event undoes nothing twice).
 *
 * The rule: a redemption stays with its order for as long as the order keeps its discount, i.e.
 * until the order is cancelled (by its owner, an admin, or payment expiry). A failed payment does
 * NOT release it: the order still carries the discount and may be paid with another card, so
 * releasing would let the same use discount a second order. With one use per non-cancelled
 * discounted order, `usedCount` never exceeds `usageLimit` and paid discounted orders never
 * outnumber the limits (a cancelled paid order is refunded in full).
 */
export class ReleasePromoWhenOrderCancelled implements EventHandler<OrderCancelled> {
  readonly name = 'ReleasePromoWhenOrderCancelled';

  constructor(private readonly promos: PromoCodeRepository) {}

  async handle(event: OrderCancelled): Promise<void> {
    const { orderId } = event.payload;
    for (const code of await this.promos.redeemedFor(orderId)) await this.promos.release(code, orderId);
  }
}
