import {
  checkEligibility,
  checkPromo,
  createPromo,
  deactivatePromo,
  DEFAULT_TIER,
  type MembershipTier,
  normalizeCode,
  updatePromo,
  type PromoCode,
  type PromoDiscount,
  type PromoDraft,
  type PromoLine,
} from '../../domain/promotions/promo-code.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { isEntityId } from '../shared/ids.js';
import { promoLines, repriceLine } from '../../domain/shared/line-pricing.js';
import type { Money } from '../../domain/shared/money.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { CartRepository } from '../cart/index.js';
import type { UserRepository } from '../identity/index.js';
import type { ProductRepository } from '../catalog/index.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import { retryOnConflict, UNCHANGED, type Unchanged } from '../shared/retry-on-conflict.js';
import type { CustomerOrderHistory, PromoCodeRepository } from './ports.js';

const notFound = () => domainError('PROMO_NOT_FOUND', 'Promo code not found');

/** POST /promos and the CLI's promo:create. */
export class CreatePromoCode {
  constructor(
    private readonly promos: PromoCodeRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(input: { draft: PromoDraft; createdBy: string }): Promise<Result<PromoCode, DomainError>> {
    const promo = createPromo(this.ids.next(), input.draft, input.createdBy, this.clock.now());
    if (promo.isErr()) return promo;
    return this.promos.create(promo.value);
  }
}

export class ListPromoCodes {
  constructor(private readonly promos: PromoCodeRepository) {}

  async execute(): Promise<Result<PromoCode[], DomainError>> {
    return Ok(await this.promos.list());
  }
}

export class UpdatePromoCode {
  constructor(
    private readonly promos: PromoCodeRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: { id: string; draft: PromoDraft }): Promise<Result<PromoCode, DomainError>> {
    if (!isEntityId(input.id)) return Err(notFound());
    const current = await this.promos.findById(input.id);
    if (!current) return Err(notFound());
    const next = updatePromo(current, input.draft, this.clock.now());
    if (next.isErr()) return next;
    return this.promos.update(next.value);
  }
}

export class DeactivatePromoCode {
  constructor(
    private readonly promos: PromoCodeRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: { id: string }): Promise<Result<PromoCode, DomainError>> {
    if (!isEntityId(input.id)) return Err(notFound());
    const run = await retryOnConflict({
      load: () => this.promos.findById(input.id),
      notFound,
      change: (current): Result<PromoCode | Unchanged, DomainError> => {
        const next = deactivatePromo(current, this.clock.now());
        return Ok(next === current ? UNCHANGED : next);
      },
      save: (next) => this.promos.update(next),
      attempts: 5,
      exhausted: () => domainError('CONFLICT', 'The promo code is busy; please retry'),
    });
    return run.map((r) => (r.changed ? r.saved : r.current));
  }
}

export interface PromoEvaluation {
  readonly promo: PromoCode;
  readonly discount: PromoDiscount;
}

/**
 * Checks a code for a shopper against priced lines: the one evaluation the cart, validate and
 * PlaceOrder share. Membership tiers: the shopper's own (the user's `membershipTier`, from their
 * lifetime loyalty points); an unknown user is DEFAULT_TIER.
 * Of the shopper's orders it asks only whether one exists (CustomerOrderHistory), so a cart
 * change never loads the order history.
 */
export class PromoEvaluator {
  constructor(
    private readonly promos: PromoCodeRepository,
    private readonly orderHistory: CustomerOrderHistory,
    private readonly clock: Clock,
    private readonly users: Pick<UserRepository, 'findById'>,
  ) {}

  /** The shopper's membership tier (users reach bronze, silver or gold; never platinum). */
  async tierOf(userId: string): Promise<MembershipTier> {
    return (await this.users.findById(userId))?.membershipTier ?? DEFAULT_TIER;
  }

  async evaluate(
    code: string,
    userId: string,
    lines: readonly PromoLine[],
    shippingFee: Money,
  ): Promise<Result<PromoEvaluation, DomainError>> {
    const promo = await this.promos.findByCode(normalizeCode(code));
    if (!promo) return Err(notFound());
    const [userRedemptions, isFirstOrder, tier] = await Promise.all([
      this.promos.userRedemptions(promo.code, userId),
      this.isFirstOrder(userId),
      promo.membershipTiers.length > 0 ? this.tierOf(userId) : DEFAULT_TIER,
    ]);
    const checked = checkPromo(promo, {
      now: this.clock.now(),
      lines,
      shippingFee,
      userRedemptions,
      isFirstOrder,
      tier,
    });
    return checked.map((discount) => ({ promo, discount }));
  }

  /** A shopper's first order: they hold no order that is not cancelled. */
  async isFirstOrder(userId: string): Promise<boolean> {
    return !(await this.orderHistory.hasUncancelledOrder(userId));
  }
}

/** Lines of the shopper's server cart, priced from the current products, with their categories. */
export async function cartPromoLines(
  carts: CartRepository,
  products: ProductRepository,
  userId: string,
): Promise<PromoLine[]> {
  const cart = await carts.findByUserId(userId);
  if (!cart || cart.items.length === 0) return [];
  const found = await products.findByIds([...new Set(cart.items.map((i) => i.productId))]);
  const byId = new Map(found.map((p) => [p.id, p]));
  const current = cart.items.map((item) => {
    const product = byId.get(item.productId);
    return product ? repriceLine(item, product) : item;
  });
  return promoLines(current, byId);
}

export interface PromoValidation {
  readonly code: string;
  readonly valid: boolean;
  readonly promo?: PromoCode;
  readonly subtotal: Money;
  readonly discount: Money;
  readonly freeShipping: boolean;
  readonly reason?: DomainError;
}

/** GET /promos/validate/:code: valid + discount, or the reason it does not apply. */
export class ValidatePromoCode {
  constructor(
    private readonly evaluator: PromoEvaluator,
    private readonly carts: CartRepository,
    private readonly products: ProductRepository,
  ) {}

  async execute(input: {
    code: string;
    userId: string;
    subtotal?: Money;
  }): Promise<Result<PromoValidation, DomainError>> {
    const lines: PromoLine[] =
      input.subtotal !== undefined
        ? [{ categoryId: '', total: input.subtotal }]
        : await cartPromoLines(this.carts, this.products, input.userId);
    const subtotal = lines.reduce((s, l) => s + l.total, 0);
    const code = normalizeCode(input.code);
    const r = await this.evaluator.evaluate(code, input.userId, lines, 0);
    if (r.isErr()) {
      return Ok({ code, valid: false, subtotal, discount: 0, freeShipping: false, reason: r.error });
    }
    return Ok({
      code,
      valid: true,
      promo: r.value.promo,
      subtotal,
      discount: r.value.discount.discount,
      freeShipping: r.value.discount.freeShipping,
    });
  }
}

/** GET /promos/user-eligible: active, current, not exhausted codes the caller may still use. */
export class ListUserEligiblePromos {
  constructor(
    private readonly promos: PromoCodeRepository,
    private readonly evaluator: PromoEvaluator,
    private readonly clock: Clock,
  ) {}

  async execute(input: { userId: string }): Promise<Result<PromoCode[], DomainError>> {
    const now = this.clock.now().getTime();
    const [isFirstOrder, tier] = await Promise.all([
      this.evaluator.isFirstOrder(input.userId),
      this.evaluator.tierOf(input.userId),
    ]);
    const eligible: PromoCode[] = [];
    for (const promo of await this.promos.list()) {
      if (!promo.isActive) continue;
      if (promo.validFrom && now < promo.validFrom.getTime()) continue;
      if (promo.validUntil && now > promo.validUntil.getTime()) continue;
      if (promo.usageLimit !== undefined && promo.usedCount >= promo.usageLimit) continue;
      if (checkEligibility(promo, { isFirstOrder, tier }).isErr()) continue;
      if ((await this.promos.userRedemptions(promo.code, input.userId)) >= promo.perUserLimit) continue;
      eligible.push(promo);
    }
    return Ok(eligible);
  }
}
