/**
 * A trained item-to-item recommendation model: for each product, its nearest neighbours (blended
 * co-purchase / wishlist / view co-occurrence and content similarity), plus the popularity list
 * the cold-start answers and the evaluation baseline use. Produced by the `recommendations` job
 * (`application/discovery`), stored with a version and its metrics; every instance serves the
 * newest version.
 */
export interface Neighbour {
  readonly id: string;
  readonly score: number;
}

/** Offline evaluation on held-out orders (the last order of each shopper with 2+ orders). */
export interface ModelMetrics {
  /** Held-out orders evaluated. */
  readonly evaluatedOrders: number;
  readonly hitRateAt10: number;
  readonly ndcgAt10: number;
  /** The same measures for "most popular first", the baseline the model must beat. */
  readonly baseline: { readonly hitRateAt10: number; readonly ndcgAt10: number };
}

export interface RecommendationModel {
  /** 1, 2, 3... in training order; the highest is served. */
  readonly version: number;
  readonly trainedAt: Date;
  /** What it was trained on. */
  readonly trainingData: {
    readonly orders: number;
    readonly wishlists: number;
    readonly views: number;
    readonly products: number;
  };
  readonly metrics: ModelMetrics;
  /** productId -> neighbours, best first (at most the model's `neighbours` setting). */
  readonly neighbours: Readonly<Record<string, readonly Neighbour[]>>;
  /** Every product by recent popularity, best first. */
  readonly popular: readonly Neighbour[];
}
