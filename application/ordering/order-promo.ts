import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import type { PromoLine } from '../../domain/shared/line-pricing.js';
import type { PromoCodeRepository, PromoEvaluator } from '../promotions/index.js';
import type { AppLogger } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';

/** A code that applies to the order being placed, and what it takes off. */
export interface AppliedPromo {
  readonly code: string;
  readonly discount: Money;
}

/**
 * A placement's promo code: checked against the priced lines, redeemed (atomic and bounded in
 * the repository, so exactly the remaining uses succeed under a race) before stock is taken, and
 * given back when the order is not placed. Part of PlaceOrder.
 */
export class OrderPromoRedemption {
  constructor(
    private readonly orders: OrderRepository,
    private readonly logger: AppLogger,
    private readonly promoCodes?: PromoCodeRepository,
    private readonly evaluator?: PromoEvaluator,
  ) {}

  /** The code must apply now, else the order is refused with its reason. */
  async check(
    code: string,
    userId: string,
    lines: readonly PromoLine[],
    shippingFee: Money,
  ): Promise<Result<AppliedPromo, DomainError>> {
    if (!this.evaluator || !this.promoCodes)
      return Err(domainError('PROMO_NOT_FOUND', 'Promo code not found'));
    const evaluated = await this.evaluator.evaluate(code, userId, lines, shippingFee);
    if (evaluated.isErr()) return evaluated;
    return Ok({ code: evaluated.value.promo.code, discount: evaluated.value.discount.discount });
  }

  /**
   * Redeems `code` for the order, then runs `place`. An order that `place` does not store gives
   * the use back: at once on an expected failure; after a throw, unless the order was stored
   * (or that cannot be told).
   */
  async redeemAround<T>(
    code: string,
    userId: string,
    orderId: string,
    at: Date,
    place: () => Promise<Result<T, DomainError>>,
  ): Promise<Result<T, DomainError>> {
    const redeemed = await this.promoCodes!.redeem(code, userId, orderId, at);
    if (redeemed.isErr()) return redeemed;
    try {
      const result = await place();
      if (result.isErr()) await this.release(code, orderId);
      return result;
    } catch (error) {
      await this.releaseUnlessStored(code, orderId);
      throw error;
    }
  }

  private async release(code: string, orderId: string): Promise<void> {
    try {
      await this.promoCodes!.release(code, orderId);
    } catch (error) {
      this.logger.warn('releasing a promo redemption failed', { orderId, error: String(error) });
    }
  }

  private async releaseUnlessStored(code: string, orderId: string): Promise<void> {
    try {
      if (await this.orders.findById(orderId)) return;
    } catch {
      return;
    }
    await this.release(code, orderId);
  }
}
