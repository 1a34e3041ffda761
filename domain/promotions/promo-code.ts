import { domainError, type DomainError } from '../shared/errors.js';
import { percentOf, type Money } from '../shared/money.js';
import { Err, Ok, type Result } from '../shared/result.js';

export const PROMO_TYPES = ['percentage', 'fixed', 'shipping'] as const;
export type PromoType = (typeof PROMO_TYPES)[number];

export const MEMBERSHIP_TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
export type MembershipTier = (typeof MEMBERSHIP_TIERS)[number];
/**
 * The tier of a shopper the evaluation cannot find (users carry bronze, silver or gold from their
 * lifetime loyalty points, domain/loyalty). `platinum` is kept for codes: no user reaches it yet
 * (an invitation-only tier may map to it later), so a platinum-only code applies to nobody.
 */
export const DEFAULT_TIER: MembershipTier = 'bronze';

/**
 * The PromoCode aggregate's state. Money in minor units.
 * `value`: percentage codes in basis points (10 % = 1000); fixed codes in minor units; shipping
 * codes ignore it (0). `code` is stored uppercase: codes are case-insensitive and unique.
 */
export interface PromoCode {
  readonly id: string;
  readonly code: string;
  readonly description?: string;
  readonly type: PromoType;
  readonly value: number;
  readonly minOrderAmount: Money;
  /** Cap on the discount; absent = no cap. */
  readonly maxDiscount?: Money;
  /** Total redemptions allowed; absent = unlimited. */
  readonly usageLimit?: number;
  readonly usedCount: number;
  readonly perUserLimit: number;
  readonly validFrom?: Date;
  readonly validUntil?: Date;
  /** Category ids; empty = every category. */
  readonly applicableCategories: readonly string[];
  readonly firstOrderOnly: boolean;
  /** Tiers allowed; empty = every tier. */
  readonly membershipTiers: readonly MembershipTier[];
  readonly isActive: boolean;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

const CODE_PATTERN = /^[A-Z0-9_-]{3,32}$/;

export interface PromoDraft {
  readonly code: string;
  readonly description?: string;
  readonly type: PromoType;
  readonly value: number;
  readonly minOrderAmount?: Money;
  readonly maxDiscount?: Money;
  readonly usageLimit?: number;
  readonly perUserLimit?: number;
  readonly validFrom?: Date;
  readonly validUntil?: Date;
  readonly applicableCategories?: readonly string[];
  readonly firstOrderOnly?: boolean;
  readonly membershipTiers?: readonly MembershipTier[];
  readonly isActive?: boolean;
}

function invalid(field: string, message: string): DomainError {
  return domainError('VALIDATION_FAILED', `${field} ${message}`, { errors: [{ field, message }] });
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

function checkDraft(d: PromoDraft): DomainError | null {
  if (!CODE_PATTERN.test(normalizeCode(d.code))) {
    return invalid('code', 'must be 3-32 letters, digits, - or _');
  }
  if (!PROMO_TYPES.includes(d.type)) return invalid('type', 'must be percentage, fixed or shipping');
  if (d.type === 'percentage' && (!Number.isSafeInteger(d.value) || d.value <= 0 || d.value > 10000)) {
    return invalid('value', 'must be a percentage above 0 and at most 100');
  }
  if (d.type === 'fixed' && (!Number.isSafeInteger(d.value) || d.value <= 0)) {
    return invalid('value', 'must be a positive amount');
  }
  if (d.type === 'shipping' && (!Number.isSafeInteger(d.value) || d.value < 0)) {
    return invalid('value', 'must not be negative');
  }
  if (d.minOrderAmount !== undefined && !isCount(d.minOrderAmount)) {
    return invalid('minOrderAmount', 'must not be negative');
  }
  if (d.maxDiscount !== undefined && !isCount(d.maxDiscount))
    return invalid('maxDiscount', 'must not be negative');
  if (d.usageLimit !== undefined && (!isCount(d.usageLimit) || d.usageLimit < 1)) {
    return invalid('usageLimit', 'must be a whole number of at least 1');
  }
  if (d.perUserLimit !== undefined && (!isCount(d.perUserLimit) || d.perUserLimit < 1)) {
    return invalid('perUserLimit', 'must be a whole number of at least 1');
  }
  if (d.validFrom && d.validUntil && d.validFrom.getTime() >= d.validUntil.getTime()) {
    return invalid('validUntil', 'must be after validFrom');
  }
  return null;
}

function fromDraft(
  d: PromoDraft,
): Omit<PromoCode, 'id' | 'createdBy' | 'createdAt' | 'updatedAt' | 'version' | 'usedCount'> {
  return {
    code: normalizeCode(d.code),
    ...(d.description !== undefined ? { description: d.description } : {}),
    type: d.type,
    value: d.type === 'shipping' ? 0 : d.value,
    minOrderAmount: d.minOrderAmount ?? 0,
    ...(d.maxDiscount !== undefined ? { maxDiscount: d.maxDiscount } : {}),
    ...(d.usageLimit !== undefined ? { usageLimit: d.usageLimit } : {}),
    perUserLimit: d.perUserLimit ?? 1,
    ...(d.validFrom ? { validFrom: d.validFrom } : {}),
    ...(d.validUntil ? { validUntil: d.validUntil } : {}),
    applicableCategories: [...new Set(d.applicableCategories ?? [])],
    firstOrderOnly: d.firstOrderOnly ?? false,
    membershipTiers: [...new Set(d.membershipTiers ?? [])],
    isActive: d.isActive ?? true,
  };
}

export function createPromo(
  id: string,
  draft: PromoDraft,
  createdBy: string,
  now: Date,
): Result<PromoCode, DomainError> {
  const problem = checkDraft(draft);
  if (problem) return Err(problem);
  return Ok({ id, ...fromDraft(draft), usedCount: 0, createdBy, createdAt: now, updatedAt: now, version: 0 });
}

/** Replaces the editable fields (a full draft); usage counters and authorship stay. */
export function updatePromo(promo: PromoCode, draft: PromoDraft, now: Date): Result<PromoCode, DomainError> {
  const problem = checkDraft(draft);
  if (problem) return Err(problem);
  return Ok({
    id: promo.id,
    ...fromDraft(draft),
    usedCount: promo.usedCount,
    createdBy: promo.createdBy,
    createdAt: promo.createdAt,
    updatedAt: now,
    version: promo.version,
  });
}

export function deactivatePromo(promo: PromoCode, now: Date): PromoCode {
  return promo.isActive ? { ...promo, isActive: false, updatedAt: now } : promo;
}

/** A priced line as the promotion sees it. */
export interface PromoLine {
  readonly categoryId: string;
  readonly total: Money;
}

export interface PromoContext {
  readonly now: Date;
  readonly lines: readonly PromoLine[];
  /** The shipping fee a shipping code would waive (0 when unknown, e.g. on the cart). */
  readonly shippingFee: Money;
  /** Redemptions of this code by the shopper so far (excluding the order being priced). */
  readonly userRedemptions: number;
  /** Whether the shopper has no order yet. */
  readonly isFirstOrder: boolean;
  readonly tier: MembershipTier;
}

export interface PromoDiscount {
  /** Minor units taken off: 0 <= discount; for item codes <= eligible subtotal. */
  readonly discount: Money;
  readonly eligibleSubtotal: Money;
  readonly freeShipping: boolean;
}

/**
 * The discount in minor units, with no validity checks.
 * - eligible subtotal = sum of the lines in `applicableCategories` (all lines when empty);
 * - percentage: percentOf(eligible, basis points), rounded half up to a whole minor unit;
 * - fixed: the value;
 * - shipping: the shipping fee (waived);
 * then capped by `maxDiscount` when set, and (item codes) by the eligible subtotal; never below 0.
 */
export function computeDiscount(
  promo: Pick<PromoCode, 'type' | 'value' | 'maxDiscount' | 'applicableCategories'>,
  lines: readonly PromoLine[],
  shippingFee: Money,
): PromoDiscount {
  const eligibleSubtotal = eligibleTotal(promo, lines);
  let raw: Money;
  if (promo.type === 'percentage') raw = percentOf(eligibleSubtotal, promo.value);
  else if (promo.type === 'fixed') raw = promo.value;
  else raw = shippingFee;
  const ceiling = promo.type === 'shipping' ? shippingFee : eligibleSubtotal;
  let discount = Math.min(raw, ceiling);
  if (promo.maxDiscount !== undefined) discount = Math.min(discount, promo.maxDiscount);
  return { discount: Math.max(0, discount), eligibleSubtotal, freeShipping: promo.type === 'shipping' };
}

function eligibleTotal(promo: Pick<PromoCode, 'applicableCategories'>, lines: readonly PromoLine[]): Money {
  const categories = new Set(promo.applicableCategories);
  return lines.reduce(
    (sum, l) => (categories.size === 0 || categories.has(l.categoryId) ? sum + l.total : sum),
    0,
  );
}

/**
 * Whether the code applies, with the first failing reason (checked in this order): inactive, not
 * yet valid, expired, exhausted, already used by this shopper, not eligible (first order only /
 * tier), category mismatch (no line in the categories), below the minimum (on the whole subtotal).
 */
export function checkPromo(promo: PromoCode, ctx: PromoContext): Result<PromoDiscount, DomainError> {
  if (!promo.isActive) return Err(domainError('PROMO_INACTIVE', 'This promo code is no longer active'));
  if (promo.validFrom && ctx.now.getTime() < promo.validFrom.getTime()) {
    return Err(domainError('PROMO_NOT_YET_VALID', 'This promo code is not valid yet'));
  }
  if (promo.validUntil && ctx.now.getTime() > promo.validUntil.getTime()) {
    return Err(domainError('PROMO_EXPIRED', 'This promo code has expired'));
  }
  if (promo.usageLimit !== undefined && promo.usedCount >= promo.usageLimit) {
    return Err(domainError('PROMO_EXHAUSTED', 'This promo code has reached its usage limit'));
  }
  if (ctx.userRedemptions >= promo.perUserLimit) {
    return Err(domainError('PROMO_ALREADY_USED', 'You have already used this promo code'));
  }
  const eligible = checkEligibility(promo, ctx);
  if (eligible.isErr()) return eligible;
  const subtotal = ctx.lines.reduce((sum, l) => sum + l.total, 0);
  if (promo.applicableCategories.length > 0 && eligibleTotal(promo, ctx.lines) === 0) {
    return Err(
      domainError('PROMO_CATEGORY_MISMATCH', 'This promo code does not apply to the items in your order'),
    );
  }
  if (subtotal < promo.minOrderAmount) {
    return Err(
      domainError('PROMO_BELOW_MINIMUM', 'Your order is below the minimum amount for this promo code', {
        minOrderAmount: promo.minOrderAmount / 100,
      }),
    );
  }
  return Ok(computeDiscount(promo, ctx.lines, ctx.shippingFee));
}

/** The shopper-level rules only (used by user-eligible): active, dates, limits, eligibility. */
export function checkEligibility(
  promo: PromoCode,
  ctx: Pick<PromoContext, 'isFirstOrder' | 'tier'>,
): Result<void, DomainError> {
  if (promo.firstOrderOnly && !ctx.isFirstOrder) {
    return Err(domainError('PROMO_NOT_ELIGIBLE', 'This promo code is for first orders only'));
  }
  if (promo.membershipTiers.length > 0 && !promo.membershipTiers.includes(ctx.tier)) {
    return Err(
      domainError('PROMO_NOT_ELIGIBLE', 'This promo code is not available for your membership tier'),
    );
  }
  return Ok(undefined);
}
