import {
  boughtTogether,
  DAY_MS,
  dayKey,
  isEmptyProfile,
  rankByScores,
  rankForProfile,
  rankRelated,
  TRENDING,
  tasteProfile,
  trendingScores,
  type Scored,
} from '../../domain/discovery/scoring.js';
import { rankSuggestions } from '../../domain/catalog/suggestions.js';
import type { Order } from '../../domain/ordering/order.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { isEntityId } from '../shared/ids.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import {
  type CategoryRepository,
  joinCategories,
  type ProductRepository,
  type ProductView,
} from '../catalog/index.js';
import type { OrderRepository } from '../ordering/index.js';
import type { Clock } from '../shared/ports.js';
import type { WishlistRepository } from '../wishlist/index.js';
import type { ProductViews } from './ports.js';

export const DISCOVERY_DEFAULT_LIMIT = 8;
export const DISCOVERY_MAX_LIMIT = 50;
/** Orders a recommendation leaves out the products of ("already bought recently"). */
export const RECENTLY_BOUGHT_DAYS = 30;

function counted(order: Order): boolean {
  return order.status !== 'cancelled';
}

function limitOf(input: { limit?: number }): Result<number, DomainError> {
  const limit = input.limit ?? DISCOVERY_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > DISCOVERY_MAX_LIMIT) {
    return Err(domainError('VALIDATION_FAILED', `limit must be 1-${DISCOVERY_MAX_LIMIT}`));
  }
  return Ok(limit);
}

async function views(categories: CategoryRepository, ranked: readonly Scored[]): Promise<ProductView[]> {
  return joinCategories(
    categories,
    ranked.map((r) => r.product),
  );
}

/** Counts a product page view (today, by the clock). */
export class RecordProductView {
  constructor(
    private readonly views: ProductViews,
    private readonly clock: Clock,
  ) {}

  async execute(input: { productId: string }): Promise<Result<void, DomainError>> {
    await this.views.increment(input.productId, dayKey(this.clock.now()));
    return Ok(undefined);
  }
}

/** Same category / occasion / flower type / colour, plus bought together (non-cancelled orders). */
export class GetRelatedProducts {
  constructor(
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly orders: OrderRepository,
  ) {}

  async execute(input: { id: string; limit?: number }): Promise<Result<ProductView[], DomainError>> {
    const limit = limitOf(input);
    if (limit.isErr()) return limit;
    if (!isEntityId(input.id)) return Err(domainError('VALIDATION_FAILED', 'Invalid product ID'));
    const target = await this.products.findById(input.id);
    if (!target) return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
    const lines = (await this.orders.listCreatedBetween())
      .filter(counted)
      .map((o) => o.items.map((l) => l.productId));
    const ranked = rankRelated(
      target,
      await this.products.all(),
      boughtTogether(target.id, lines),
      limit.value,
    );
    return Ok(await views(this.categories, ranked));
  }
}

/** Time-decayed units sold and views over the last 14 days (half-life 3 days). */
export class GetTrendingProducts {
  constructor(
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly orders: OrderRepository,
    private readonly productViews: ProductViews,
    private readonly clock: Clock,
  ) {}

  async execute(input: { limit?: number } = {}): Promise<Result<ProductView[], DomainError>> {
    const limit = limitOf(input);
    if (limit.isErr()) return limit;
    const now = this.clock.now();
    const from = new Date(now.getTime() - TRENDING.windowDays * DAY_MS);
    const sales = (await this.orders.listCreatedBetween(from, now))
      .filter(counted)
      .flatMap((o) =>
        o.items.map((l) => ({ productId: l.productId, quantity: l.quantity, at: o.createdAt })),
      );
    const viewed = await this.productViews.since(dayKey(from));
    const ranked = rankByScores(await this.products.all(), trendingScores(sales, viewed, now), limit.value);
    return Ok(await views(this.categories, ranked));
  }
}

/**
 * For a signed-in shopper: products like their favorites and what they ordered (category,
 * occasions, flower types, colours), leaving out their favorites and what they bought in the
 * last 30 days; topped up from the suggested list. Anonymous or without history: the suggested
 * (popular) list.
 */
export class GetRecommendations {
  constructor(
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly orders: OrderRepository,
    private readonly wishlist: WishlistRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: { userId?: string; limit?: number }): Promise<Result<ProductView[], DomainError>> {
    const limit = limitOf(input);
    if (limit.isErr()) return limit;
    const all = await this.products.all();
    const suggested = rankSuggestions(all, all.length);
    if (!input.userId) return Ok(await views(this.categories, suggested.slice(0, limit.value)));

    const byId = new Map(all.map((p) => [p.id, p]));
    const favoriteIds = await this.wishlist.get(input.userId);
    const orders = (await this.orders.findByUser(input.userId)).filter(counted);
    const purchases = orders.flatMap((o) =>
      o.items.flatMap((l) => {
        const p = byId.get(l.productId);
        return p ? Array.from({ length: l.quantity }, () => p) : [];
      }),
    );
    const favorites = favoriteIds.flatMap((id) => byId.get(id) ?? []);
    const recentFrom = this.clock.now().getTime() - RECENTLY_BOUGHT_DAYS * DAY_MS;
    const exclude = new Set<string>([
      ...favoriteIds,
      ...orders
        .filter((o) => o.createdAt.getTime() >= recentFrom)
        .flatMap((o) => o.items.map((l) => l.productId)),
    ]);
    const profile = tasteProfile(favorites, purchases);
    const personal = isEmptyProfile(profile) ? [] : rankForProfile(all, profile, exclude, limit.value);
    const chosen = new Set(personal.map((s) => s.product.id));
    const topUp = suggested.filter((s) => !chosen.has(s.product.id) && !exclude.has(s.product.id));
    return Ok(await views(this.categories, [...personal, ...topUp].slice(0, limit.value)));
  }
}
