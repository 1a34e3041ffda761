import { token } from '../shared/token.js';
import type { DailyViews } from '../../domain/discovery/scoring.js';
import type { RecommendationModel } from '../../domain/discovery/model.js';

/** Product page views, counted per product per UTC day (a lightweight counter, not a log). */
export interface ProductViews {
  /** Adds one view of `productId` on `day` (YYYY-MM-DD); concurrent increments all count. */
  increment(productId: string, day: string): Promise<void>;
  /** Every counter with day >= `fromDay` (YYYY-MM-DD). */
  since(fromDay: string): Promise<DailyViews[]>;
}
export const PRODUCT_VIEWS = token<ProductViews>('ProductViews');

/** Trained recommendation models, newest version served (see domain/discovery/model.ts). */
export interface RecommendationModels {
  /** Stores `model` unless its version is already stored (a retried training job). */
  save(model: RecommendationModel): Promise<void>;
  /** The highest version, or null before the first training. */
  latest(): Promise<RecommendationModel | null>;
  /** The highest stored version number (0 when none): cheap, for instances checking for a newer model. */
  latestVersion(): Promise<number>;
  /** Version, date, data sizes and metrics of each stored model, newest first (no neighbours). */
  list(limit: number): Promise<Omit<RecommendationModel, 'neighbours' | 'popular'>[]>;
}
export const RECOMMENDATION_MODELS = token<RecommendationModels>('RecommendationModels');
