import { token } from '../shared/token.js';
import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Cart } from '../../domain/cart/cart.js';

export interface CartRepository {
  findByUserId(userId: string): Promise<Cart | null>;
  /**
   * Optimistic save: stores the cart when the stored version equals `cart.version` (0 = no cart
   * stored yet) and answers it with `version + 1`; CONFLICT otherwise.
   */
  save(cart: Cart): Promise<Result<Cart, DomainError>>;
}
export const CART_REPOSITORY = token<CartRepository>('CartRepository');
