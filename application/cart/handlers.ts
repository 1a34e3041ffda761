import { Ok } from '../../domain/shared/result.js';
import type { OrderPlaced } from '../../domain/ordering/events.js';
import type { EventHandler } from '../shared/ports.js';
import type { CartStore } from './cart-store.js';

/**
 * An order placed from the server cart takes its lines out of the cart, and the cart's promo
 * code when the order spent it (or another code replaced it). Repeating it changes nothing: the
 * lines are gone and the code is dropped already. It writes through the CartStore like every
 * cart change (so the cart's other devices see it); a user without a cart is left without one.
 */
export class EmptyCartWhenOrderPlaced implements EventHandler<OrderPlaced> {
  readonly name = 'EmptyCartWhenOrderPlaced';

  constructor(private readonly store: CartStore) {}

  async handle(event: OrderPlaced): Promise<void> {
    const { userId, cartItemIds, promoCode, discount } = event.payload;
    if (!cartItemIds || cartItemIds.length === 0) return;
    const ordered = new Set(cartItemIds);
    const cleared = await this.store.mutate(
      userId,
      [],
      (current, _products, now) => {
        const remaining = current.items.filter((i) => !ordered.has(i.id));
        const { promoCode: applied, ...rest } = current;
        // The cart's code was spent on this order (or replaced by the request's): it is dropped.
        const keepCode = applied === undefined || (discount === 0 && applied !== promoCode);
        if (remaining.length === current.items.length && keepCode)
          return Ok({ cart: current, extra: undefined });
        const next = keepCode ? { ...current, items: remaining } : { ...rest, items: remaining };
        return Ok({ cart: { ...next, updatedAt: now }, extra: undefined });
      },
      { create: false },
    );
    if (cleared.isErr() && cleared.error.code !== 'CART_NOT_FOUND') {
      throw new Error(`could not empty the cart after order ${event.payload.orderId}: ${cleared.error.code}`);
    }
  }
}
