import { recordEvent, type DomainEvent } from '../shared/events.js';

/** Every fact the cart context records (types follow domain/shared/events.ts's scheme). */
export const CART_EVENT_TYPES = ['cart.cart-changed'] as const;

/**
 * A notice that a user's cart was written ("cart X changed"), like the catalog's: its handlers
 * (the realtime cart sync) read the current cart, so a notice delivered twice, or once for a
 * write that did not land, does no harm.
 */
export type CartChanged = DomainEvent<
  'cart.cart-changed',
  { readonly cartId: string; readonly userId: string }
>;

export type CartEvent = CartChanged;

/** `changeKey`: unique to the change (the caller's id generator gives one). */
export function cartChanged(cartId: string, userId: string, at: Date, changeKey: string): CartChanged {
  return recordEvent<CartChanged>({ id: cartId, changeKey }, 'cart.cart-changed', { cartId, userId }, at);
}
