import { token } from '../shared/token.js';
import type { PromoCode } from '../../domain/promotions/promo-code.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Result } from '../../domain/shared/result.js';

export interface PromoCodeRepository {
  /** Stores a new code (version 0 -> 1); PROMO_CODE_TAKEN when the (uppercase) code exists. */
  create(promo: PromoCode): Promise<Result<PromoCode, DomainError>>;
  /**
   * Optimistic save of the editable fields (never `usedCount`, which only redeem/release move):
   * when the stored version equals `promo.version`, answers `version + 1`; CONFLICT otherwise,
   * PROMO_NOT_FOUND when gone, PROMO_CODE_TAKEN when the new code belongs to another promo.
   */
  update(promo: PromoCode): Promise<Result<PromoCode, DomainError>>;
  findById(id: string): Promise<PromoCode | null>;
  /** Case-insensitive. */
  findByCode(code: string): Promise<PromoCode | null>;
  /** Newest first. */
  list(): Promise<PromoCode[]>;
  /**
   * Atomic and bounded: records a redemption of `code` for `orderId` and increments `usedCount`
   * only while `usedCount < usageLimit` (PROMO_EXHAUSTED) and the user's redemptions are below
   * `perUserLimit` (PROMO_ALREADY_USED); PROMO_NOT_FOUND for an unknown code. Idempotent per
   * (code, orderId): redeeming again for the same order answers Ok without counting twice.
   */
  redeem(code: string, userId: string, orderId: string, at: Date): Promise<Result<PromoCode, DomainError>>;
  /** Undoes the redemption of `code` for `orderId` exactly once; true when this call undid it. */
  release(code: string, orderId: string): Promise<boolean>;
  /** The codes redeemed for an order (uppercase). */
  redeemedFor(orderId: string): Promise<string[]>;
  /** How many live redemptions of `code` the user holds. */
  userRedemptions(code: string, userId: string): Promise<number>;
  /** Redemptions made at or before `before` not yet confirmed (their order seen stored), oldest first. */
  unconfirmedRedemptions(before: Date, limit: number): Promise<{ code: string; orderId: string }[]>;
  /** Marks the order's redemptions confirmed: its order is stored, they are never abandoned. */
  confirmRedemptions(orderId: string): Promise<void>;
}
export const PROMO_CODE_REPOSITORY = token<PromoCodeRepository>('PromoCodeRepository');

/**
 * What promotions need to know of a shopper's orders, and no more: first-order-only codes ask
 * whether the shopper already has an order. Implemented over the order store with one indexed
 * existence query; it never loads the shopper's order history.
 */
export interface CustomerOrderHistory {
  /** Whether the user has an order that is not cancelled (any status but `cancelled`). */
  hasUncancelledOrder(userId: string): Promise<boolean>;
  /** Whether an order with this id is stored (in any status). */
  hasOrder(orderId: string): Promise<boolean>;
}
export const CUSTOMER_ORDER_HISTORY = token<CustomerOrderHistory>('CustomerOrderHistory');
