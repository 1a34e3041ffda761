import {
  boughtTogether,
  DAY_MS,
  dayKey,
  isEmptyProfile,
  rankByScores,
  rankForProfile,
  rankRelated,
  TASTE_WEIGHTS,
  TRENDING,
  tasteProfile,
  trendingScores,
  type Scored,
} from '../../domain/discovery/scoring.js';
import {
  listedProducts,
  priceSpan,
  rankPersonal,
  rankTrending,
  topUp,
  type Seed,
} from '../../domain/discovery/serving.js';
import { rankSuggestions } from '../../domain/catalog/suggestions.js';
import type { Money } from '../../domain/shared/money.js';
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
import type { ServedModel } from './served-model.js';

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

/**
 * The served model's neighbours of the product (existing, in stock), topped up by the content
 * rules (same category / occasion / flower type / colour) when the model does not know the product
 * (new since training: cold start) or knows too few. Without a model yet: the content rules plus
 * bought together (non-cancelled orders).
 */
export class GetRelatedProducts {
  constructor(
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly orders: OrderRepository,
    private readonly model: ServedModel,
  ) {}

  async execute(input: { id: string; limit?: number }): Promise<Result<ProductView[], DomainError>> {
    const limit = limitOf(input);
    if (limit.isErr()) return limit;
    if (!isEntityId(input.id)) return Err(domainError('VALIDATION_FAILED', 'Invalid product ID'));
    const target = await this.products.findById(input.id);
    if (!target) return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
    const all = await this.products.all();
    const model = await this.model.current();
    if (!model) {
      const lines = (await this.orders.listCreatedBetween())
        .filter(counted)
        .map((o) => o.items.map((l) => l.productId));
      const ranked = rankRelated(target, all, boughtTogether(target.id, lines), limit.value);
      return Ok(await views(this.categories, ranked));
    }
    const byId = new Map(all.map((p) => [p.id, p]));
    const fromModel = listedProducts(
      model.neighbours[target.id] ?? [],
      byId,
      new Set([target.id]),
      limit.value,
    );
    const ranked =
      fromModel.length < limit.value
        ? topUp(fromModel, rankRelated(target, all, new Map(), limit.value + fromModel.length), limit.value)
        : fromModel;
    return Ok(await views(this.categories, ranked));
  }
}

/**
 * Time-decayed units sold and views over the last 14 days (half-life 3 days); with a served model,
 * ties are broken by its popularity and a short list is filled from it.
 */
export class GetTrendingProducts {
  constructor(
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly orders: OrderRepository,
    private readonly productViews: ProductViews,
    private readonly clock: Clock,
    private readonly model: ServedModel,
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
    const scores = trendingScores(sales, viewed, now);
    const model = await this.model.current();
    const all = await this.products.all();
    const ranked = model
      ? rankTrending(all, scores, model.popular, limit.value)
      : rankByScores(all, scores, limit.value);
    return Ok(await views(this.categories, ranked));
  }
}

/** What a shopper stated in their preferences (identity's `Preferences`): optional. */
export interface StatedTaste {
  readonly favoriteOccasions: readonly string[];
  readonly priceRange: { readonly min: Money; readonly max: Money } | null;
}

/**
 * For a signed-in shopper with a served model: the sum of the model's neighbour scores of their
 * favourites (weight 2) and ordered units (weight 3), blended with their favourite occasions
 * (stated, and those of their items) and price range (stated, or their items' span), leaving out
 * their favourites and what they bought in the last 30 days; topped up from the model's popular
 * list. Anonymous or without history: the model's popular list. Without a model yet: products like
 * their favourites and orders (category, occasions, flower types, colours), topped up from the
 * suggested list (anonymous: the suggested list).
 */
export class GetRecommendations {
  constructor(
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly orders: OrderRepository,
    private readonly wishlist: WishlistRepository,
    private readonly clock: Clock,
    private readonly model: ServedModel,
  ) {}

  async execute(input: {
    userId?: string;
    limit?: number;
    taste?: StatedTaste;
  }): Promise<Result<ProductView[], DomainError>> {
    const limit = limitOf(input);
    if (limit.isErr()) return limit;
    const all = await this.products.all();
    const byId = new Map(all.map((p) => [p.id, p]));
    const suggested = rankSuggestions(all, all.length);
    const model = await this.model.current();
    const popular = (exclude: ReadonlySet<string>) =>
      model
        ? topUp(listedProducts(model.popular, byId, exclude, limit.value), suggested, limit.value, exclude)
        : [];
    if (!input.userId) {
      const ranked = model ? popular(new Set()) : suggested.slice(0, limit.value);
      return Ok(await views(this.categories, ranked));
    }

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

    if (model) {
      const seeds: Seed[] = [
        ...favorites.map((p) => ({ id: p.id, weight: TASTE_WEIGHTS.favorite })),
        ...purchases.map((p) => ({ id: p.id, weight: TASTE_WEIGHTS.purchase })),
      ];
      if (seeds.length === 0) return Ok(await views(this.categories, popular(exclude)));
      const occasions = new Map(profile.occasions);
      const stated = input.taste?.favoriteOccasions ?? [];
      const top = Math.max(1, ...occasions.values());
      for (const o of stated) occasions.set(o, (occasions.get(o) ?? 0) + top);
      const personal = rankPersonal(
        all,
        model,
        {
          seeds,
          occasions,
          priceRange: input.taste?.priceRange ?? priceSpan([...favorites, ...purchases]),
        },
        exclude,
        limit.value,
      );
      return Ok(await views(this.categories, topUp(personal, popular(exclude), limit.value, exclude)));
    }

    const personal = isEmptyProfile(profile) ? [] : rankForProfile(all, profile, exclude, limit.value);
    return Ok(await views(this.categories, topUp(personal, suggested, limit.value, exclude)));
  }
}
