import { isInStock, type Product } from '../catalog/product.js';
import type { Money } from '../shared/money.js';
import type { Neighbour, RecommendationModel } from './model.js';
import { byScore, type Scored } from './scoring.js';

/**
 * Serving the trained model (domain/discovery/model.ts): turning its neighbour and popularity
 * lists into product lists, and blending them with what a shopper told us or did.
 */

/** Listed products (existing, in stock, not in `exclude`) of `list`, in its order, up to `limit`. */
export function listedProducts(
  list: readonly Neighbour[],
  byId: ReadonlyMap<string, Product>,
  exclude: ReadonlySet<string>,
  limit: number,
): Scored[] {
  const out: Scored[] = [];
  const seen = new Set<string>();
  for (const n of list) {
    if (out.length >= limit) break;
    const product = byId.get(n.id);
    if (!product || !isInStock(product) || exclude.has(n.id) || seen.has(n.id)) continue;
    seen.add(n.id);
    out.push({ product, score: n.score });
  }
  return out;
}

/** `ranked`, then the products of `more` not already in it nor in `exclude`, up to `limit`. */
export function topUp(
  ranked: readonly Scored[],
  more: readonly Scored[],
  limit: number,
  exclude: ReadonlySet<string> = new Set(),
): Scored[] {
  const chosen = new Set(ranked.map((s) => s.product.id));
  const out = ranked.slice(0, limit);
  for (const s of more) {
    if (out.length >= limit) break;
    if (chosen.has(s.product.id) || exclude.has(s.product.id)) continue;
    chosen.add(s.product.id);
    out.push(s);
  }
  return out;
}

/** A product the shopper showed interest in, and how much (favourite 2, each unit bought 3). */
export interface Seed {
  readonly id: string;
  readonly weight: number;
}

/** What personal recommendations blend: the model's neighbours of the seeds, occasions, budget. */
export interface ShopperTaste {
  readonly seeds: readonly Seed[];
  /** Occasion -> weight (stated favourites and the occasions of the seeds). */
  readonly occasions: ReadonlyMap<string, number>;
  /** The budget per bouquet (minor units): stated, or the span of the seeds' prices widened by a quarter. */
  readonly priceRange: { readonly min: Money; readonly max: Money } | null;
}

/** Neighbours, occasions, price: the blend's weights (each part normalised to 0..1 first). */
export const PERSONAL_BLEND = { neighbours: 0.7, occasions: 0.2, price: 0.1 } as const;

/** Sum over the seeds of weight x the model's neighbour score: product id -> score. */
export function neighbourScores(
  model: Pick<RecommendationModel, 'neighbours'>,
  seeds: readonly Seed[],
): Map<string, number> {
  const scores = new Map<string, number>();
  for (const seed of seeds) {
    for (const n of model.neighbours[seed.id] ?? []) {
      if (n.score > 0) scores.set(n.id, (scores.get(n.id) ?? 0) + seed.weight * n.score);
    }
  }
  return scores;
}

/** The price span of `products` widened by 25 % each way, or null without products. */
export function priceSpan(products: readonly Product[]): { min: Money; max: Money } | null {
  if (products.length === 0) return null;
  const prices = products.map((p) => p.price);
  return {
    min: Math.floor(Math.min(...prices) * 0.75),
    max: Math.ceil(Math.max(...prices) * 1.25),
  };
}

/**
 * Personal ranking: 0.7 x (neighbour score / best neighbour score) + 0.2 x (best occasion weight
 * of the product / best occasion weight) + 0.1 if its price is within the budget. Only products
 * with a neighbour or occasion signal, in stock, not in `exclude`; the deterministic order.
 */
export function rankPersonal(
  products: readonly Product[],
  model: Pick<RecommendationModel, 'neighbours'>,
  taste: ShopperTaste,
  exclude: ReadonlySet<string>,
  limit: number,
): Scored[] {
  const cf = neighbourScores(model, taste.seeds);
  const maxCf = Math.max(0, ...cf.values());
  const maxOccasion = Math.max(0, ...taste.occasions.values());
  const w = PERSONAL_BLEND;
  const range = taste.priceRange;
  const scored: Scored[] = [];
  for (const product of products) {
    if (!isInStock(product) || exclude.has(product.id)) continue;
    const c = maxCf > 0 ? (cf.get(product.id) ?? 0) / maxCf : 0;
    const o =
      maxOccasion > 0
        ? Math.max(0, ...product.occasions.map((x) => taste.occasions.get(x) ?? 0)) / maxOccasion
        : 0;
    if (c === 0 && o === 0) continue;
    const p = range && product.price >= range.min && product.price <= range.max ? 1 : 0;
    scored.push({ product, score: w.neighbours * c + w.occasions * o + w.price * p });
  }
  return scored.sort(byScore).slice(0, limit);
}

/**
 * Trending with the model's popularity: by trending score (positive only), ties broken by the
 * model's popularity rank before the usual rating / sales / id order; then, when fewer than
 * `limit` are trending, filled from the popularity list (in stock only).
 */
export function rankTrending(
  products: readonly Product[],
  scores: ReadonlyMap<string, number>,
  popular: readonly Neighbour[],
  limit: number,
): Scored[] {
  const rank = new Map<string, number>();
  popular.forEach((n, i) => {
    if (!rank.has(n.id)) rank.set(n.id, i);
  });
  const rankOf = (id: string) => rank.get(id) ?? Number.MAX_SAFE_INTEGER;
  const trending = products
    .filter(isInStock)
    .map((product) => ({ product, score: scores.get(product.id) ?? 0 }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || rankOf(a.product.id) - rankOf(b.product.id) || byScore(a, b))
    .slice(0, limit);
  const byId = new Map(products.map((p) => [p.id, p]));
  const fill = listedProducts(popular, byId, new Set(), limit + trending.length).map((s) => ({
    product: s.product,
    score: 0,
  }));
  return topUp(trending, fill, limit);
}
