import { token } from '../shared/token.js';
import type { DailyViews } from '../../domain/discovery/scoring.js';

/** Product page views, counted per product per UTC day (a lightweight counter, not a log). */
export interface ProductViews {
  /** Adds one view of `productId` on `day` (YYYY-MM-DD); concurrent increments all count. */
  increment(productId: string, day: string): Promise<void>;
  /** Every counter with day >= `fromDay` (YYYY-MM-DD). */
  since(fromDay: string): Promise<DailyViews[]>;
}
export const PRODUCT_VIEWS = token<ProductViews>('ProductViews');
