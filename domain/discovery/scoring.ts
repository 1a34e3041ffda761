import { isInStock, type Product } from '../catalog/product.js';

/** Deterministic ordering: score desc, rating desc, sales desc, id asc. */
export function byScore(a: Scored, b: Scored): number {
  return (
    b.score - a.score ||
    b.product.ratings.average - a.product.ratings.average ||
    b.product.salesCount - a.product.salesCount ||
    (a.product.id < b.product.id ? -1 : a.product.id > b.product.id ? 1 : 0)
  );
}

export interface Scored {
  readonly product: Product;
  readonly score: number;
}

export const DAY_MS = 86_400_000;

/** The last day formatted: a product page view asks for it on every hit, and it changes once a day. */
let lastDay = { day: Number.NaN, key: '' };

/** The UTC calendar day of `at`, as YYYY-MM-DD (the key of the per-day view counters). */
export function dayKey(at: Date): string {
  const day = Math.floor(at.getTime() / DAY_MS);
  if (day !== lastDay.day) lastDay = { day, key: at.toISOString().slice(0, 10) };
  return lastDay.key;
}

function overlap<T>(a: readonly T[], b: readonly T[]): number {
  return a.filter((x) => b.includes(x)).length;
}

export const RELATED_WEIGHTS = {
  category: 3,
  occasion: 2,
  flowerType: 2,
  color: 1,
  boughtTogether: 4,
} as const;

/**
 * Products related to `target`: same category (3), each shared occasion (2), flower type (2),
 * colour (1), plus 4 per order that contained both (`boughtTogether`: product id -> orders).
 * In-stock products with a positive score only, never the target itself.
 */
export function rankRelated(
  target: Product,
  candidates: readonly Product[],
  boughtTogether: ReadonlyMap<string, number>,
  limit: number,
): Scored[] {
  const w = RELATED_WEIGHTS;
  return candidates
    .filter((p) => p.id !== target.id && isInStock(p))
    .map((product) => ({
      product,
      score:
        (target.categoryId !== null && product.categoryId === target.categoryId ? w.category : 0) +
        w.occasion * overlap(target.occasions, product.occasions) +
        w.flowerType * overlap(target.flowerTypes, product.flowerTypes) +
        w.color * overlap(target.colors, product.colors) +
        w.boughtTogether * (boughtTogether.get(product.id) ?? 0),
    }))
    .filter((s) => s.score > 0)
    .sort(byScore)
    .slice(0, limit);
}

/** For each product, how many of `orders` (each a list of product ids) contained it together with `productId`. */
export function boughtTogether(
  productId: string,
  orders: readonly (readonly string[])[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const lines of orders) {
    const ids = new Set(lines);
    if (!ids.has(productId)) continue;
    for (const id of ids) if (id !== productId) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export interface TrendingSettings {
  /** Only activity in (now - windowDays, now] counts. */
  readonly windowDays: number;
  /** A signal's weight halves every `halfLifeDays`. */
  readonly halfLifeDays: number;
  /** Weight of one unit ordered relative to one view. */
  readonly orderWeight: number;
  readonly viewWeight: number;
}

export const TRENDING: TrendingSettings = { windowDays: 14, halfLifeDays: 3, orderWeight: 5, viewWeight: 1 };

export interface SoldUnits {
  readonly productId: string;
  readonly quantity: number;
  readonly at: Date;
}

export interface DailyViews {
  readonly productId: string;
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly count: number;
}

function decay(ageMs: number, s: TrendingSettings): number {
  return Math.pow(0.5, ageMs / DAY_MS / s.halfLifeDays);
}

/**
 * Trending scores: each unit sold weighs `orderWeight`, each view `viewWeight`, both decayed by
 * their age (a day's views are dated at the middle of that day, capped at now). Activity outside
 * the window or in the future is ignored. Answers product id -> score (positive only).
 */
export function trendingScores(
  sales: readonly SoldUnits[],
  views: readonly DailyViews[],
  now: Date,
  s: TrendingSettings = TRENDING,
): Map<string, number> {
  const scores = new Map<string, number>();
  const windowMs = s.windowDays * DAY_MS;
  const add = (id: string, ageMs: number, amount: number) => {
    if (ageMs < 0 || ageMs >= windowMs || amount <= 0) return;
    scores.set(id, (scores.get(id) ?? 0) + amount * decay(ageMs, s));
  };
  for (const sale of sales)
    add(sale.productId, now.getTime() - sale.at.getTime(), s.orderWeight * sale.quantity);
  for (const v of views) {
    const midday = Math.min(Date.parse(`${v.day}T12:00:00.000Z`), now.getTime());
    add(v.productId, now.getTime() - midday, s.viewWeight * v.count);
  }
  return scores;
}

/** Products by score (in-stock only, positive score), the deterministic order, up to `limit`. */
export function rankByScores(
  products: readonly Product[],
  scores: ReadonlyMap<string, number>,
  limit: number,
): Scored[] {
  return products
    .filter(isInStock)
    .map((product) => ({ product, score: scores.get(product.id) ?? 0 }))
    .filter((s) => s.score > 0)
    .sort(byScore)
    .slice(0, limit);
}

/** What a shopper likes: weights per category, occasion, flower type and colour. */
export interface TasteProfile {
  readonly categories: ReadonlyMap<string, number>;
  readonly occasions: ReadonlyMap<string, number>;
  readonly flowerTypes: ReadonlyMap<string, number>;
  readonly colors: ReadonlyMap<string, number>;
}

export const TASTE_WEIGHTS = { favorite: 2, purchase: 3 } as const;

/** Builds the profile: each favorite adds 2 to its attributes, each unit bought 3 per line. */
export function tasteProfile(favorites: readonly Product[], purchases: readonly Product[]): TasteProfile {
  const categories = new Map<string, number>();
  const occasions = new Map<string, number>();
  const flowerTypes = new Map<string, number>();
  const colors = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, w: number) => m.set(k, (m.get(k) ?? 0) + w);
  const add = (p: Product, w: number) => {
    if (p.categoryId) bump(categories, p.categoryId, w);
    for (const o of p.occasions) bump(occasions, o, w);
    for (const f of p.flowerTypes) bump(flowerTypes, f, w);
    for (const c of p.colors) bump(colors, c, w);
  };
  for (const p of favorites) add(p, TASTE_WEIGHTS.favorite);
  for (const p of purchases) add(p, TASTE_WEIGHTS.purchase);
  return { categories, occasions, flowerTypes, colors };
}

export function isEmptyProfile(profile: TasteProfile): boolean {
  return (
    profile.categories.size + profile.occasions.size + profile.flowerTypes.size + profile.colors.size === 0
  );
}

/** A product's affinity with the profile: the sum of the profile's weights of its attributes. */
export function affinity(profile: TasteProfile, p: Product): number {
  const sum = (m: ReadonlyMap<string, number>, keys: readonly string[]) =>
    keys.reduce((acc, k) => acc + (m.get(k) ?? 0), 0);
  return (
    (p.categoryId ? (profile.categories.get(p.categoryId) ?? 0) : 0) +
    sum(profile.occasions, p.occasions) +
    sum(profile.flowerTypes, p.flowerTypes) +
    sum(profile.colors, p.colors)
  );
}

/** In-stock products not in `exclude`, by affinity (positive only), the deterministic order. */
export function rankForProfile(
  products: readonly Product[],
  profile: TasteProfile,
  exclude: ReadonlySet<string>,
  limit: number,
): Scored[] {
  return products
    .filter((p) => isInStock(p) && !exclude.has(p.id))
    .map((product) => ({ product, score: affinity(profile, product) }))
    .filter((s) => s.score > 0)
    .sort(byScore)
    .slice(0, limit);
}
