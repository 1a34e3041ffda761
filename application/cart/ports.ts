import { token } from '../shared/token.js';
import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Cart } from '../../domain/cart/cart.js';
import type { PromoCode, PromoDiscount, PromoLine } from '../../domain/promotions/promo-code.js';
import type { Money } from '../../domain/shared/money.js';

export interface CartRepository {
  findByUserId(userId: string): Promise<Cart | null>;
  /**
   * Optimistic save: stores the cart when the stored version equals `cart.version` (0 = no cart
   * stored yet) and answers it with `version + 1`; CONFLICT otherwise.
   */
  save(cart: Cart): Promise<Result<Cart, DomainError>>;
}
export const CART_REPOSITORY = token<CartRepository>('CartRepository');

/**
 * What the cart asks of promotions: does this code apply to the shopper's lines, and for what
 * discount. Owned here so the cart does not import promotions (promotions reads carts, see
 * ValidatePromoCode); the promotions context's PromoEvaluator is bound to it.
 */
export interface CartPromoCheck {
  evaluate(
    code: string,
    userId: string,
    lines: readonly PromoLine[],
    shippingFee: Money,
  ): Promise<Result<CartPromoEvaluation, DomainError>>;
}
export interface CartPromoEvaluation {
  readonly promo: Pick<PromoCode, 'code'>;
  readonly discount: PromoDiscount;
}
