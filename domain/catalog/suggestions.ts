import { isInStock, type Product } from './product.js';

/**
 * Compat 2.1: `10·isPopular + 5·isFeatured + 2·ratings.average + (ratings.count >= 5 ? 3 : 0)`,
 * rounded to 4 decimals so sums like 2·4.3 never show binary noise.
 */
export function suggestionScore(product: Product): number {
  const raw =
    (product.isPopular ? 10 : 0) +
    (product.isFeatured ? 5 : 0) +
    2 * product.ratings.average +
    (product.ratings.count >= 5 ? 3 : 0);
  return Math.round(raw * 10_000) / 10_000;
}

export interface Suggestion {
  readonly product: Product;
  readonly score: number;
}

/**
 * The home page's suggestions: available products with stock, by score, then rating average,
 * then newest (then id, so equal products always come in the same order).
 */
export function rankSuggestions(products: readonly Product[], limit: number): Suggestion[] {
  return products
    .filter(isInStock)
    .map((product) => ({ product, score: suggestionScore(product) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.product.ratings.average - a.product.ratings.average ||
        b.product.createdAt.getTime() - a.product.createdAt.getTime() ||
        (a.product.id < b.product.id ? 1 : a.product.id > b.product.id ? -1 : 0),
    )
    .slice(0, Math.max(0, limit));
}
