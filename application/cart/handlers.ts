import { Ok } from '../../domain/shared/result.js';
import { domainError } from '../../domain/shared/errors.js';
import type { OrderPlaced } from '../../domain/ordering/events.js';
import type { EventHandler } from '../shared/ports.js';
import { retryOnConflict } from '../shared/retry-on-conflict.js';
import type { CartRepository } from './ports.js';

const ATTEMPTS = 5;

/**
 * An order placed from the server cart takes its lines out of the cart, and the cart's promo
 * code when the order spent it (or another code replaced it). Repeating it changes nothing: the
 * lines are gone and the code is dropped already.
 */
export class EmptyCartWhenOrderPlaced implements EventHandler<OrderPlaced> {
  readonly name = 'EmptyCartWhenOrderPlaced';

  constructor(private readonly carts: CartRepository) {}

  async handle(event: OrderPlaced): Promise<void> {
    const { userId, cartItemIds, promoCode, discount } = event.payload;
    if (!cartItemIds || cartItemIds.length === 0) return;
    const ordered = new Set(cartItemIds);
    const cleared = await retryOnConflict({
      load: () => this.carts.findByUserId(userId),
      notFound: () => domainError('CART_NOT_FOUND', 'Cart not found'),
      change: (current) => {
        const remaining = current.items.filter((i) => !ordered.has(i.id));
        const { promoCode: applied, ...rest } = current;
        // The cart's code was spent on this order (or replaced by the request's): it is dropped.
        const keepCode = applied !== undefined && discount === 0 && applied !== promoCode;
        const next = keepCode ? { ...current, items: remaining } : { ...rest, items: remaining };
        return Ok({ ...next, updatedAt: event.occurredAt });
      },
      save: (next) => this.carts.save(next),
      attempts: ATTEMPTS,
    });
    if (cleared.isErr() && cleared.error.code !== 'CART_NOT_FOUND') {
      throw new Error(`could not empty the cart after order ${event.payload.orderId}: ${cleared.error.code}`);
    }
  }
}
