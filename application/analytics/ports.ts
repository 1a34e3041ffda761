import { token } from '../shared/token.js';
import type { Money } from '../../domain/shared/money.js';
import type { AnalyticsRange } from '../../domain/analytics/figures.js';

/**
 * Aggregates over orders, carts, product views and users (never raw orders): the rules are in
 * domain/analytics/figures.ts. Windows are inclusive instants; money is minor units.
 */
export interface AnalyticsWindow {
  readonly from: Date;
  readonly to: Date;
}

export interface SalesFigures {
  readonly orders: number;
  readonly gross: Money;
  readonly refunds: Money;
  readonly units: number;
}

export interface BucketFigures {
  /** The bucket's first local day (YYYY-MM-DD). */
  readonly period: string;
  readonly orders: number;
  readonly gross: Money;
  readonly refunds: Money;
}

export interface KeyedFigures {
  readonly key: string;
  readonly orders: number;
  readonly gross: Money;
  readonly refunds: Money;
}

export interface ProductFigures {
  readonly productId: string;
  readonly units: number;
  /** The value of its lines. */
  readonly revenue: Money;
}

export interface ProductSet {
  readonly key: string;
  readonly productIds: readonly string[];
}

export interface ProductSetFigures {
  readonly key: string;
  /** Sales with at least one line of the set. */
  readonly orders: number;
  readonly units: number;
  readonly revenue: Money;
}

export interface CustomerFigures {
  readonly customers: number;
  readonly newCustomers: number;
  readonly returningCustomers: number;
  /** Customers of the window with 2+ sales ever. */
  readonly repeatCustomers: number;
}

export interface CartFigures {
  /** Carts last changed in the window. */
  readonly carts: number;
  /** Of those, the ones still holding items. */
  readonly abandoned: number;
}

export type SalesDimension = 'city' | 'paymentMethod';

export interface AnalyticsQueries {
  totals(window: AnalyticsWindow): Promise<SalesFigures>;
  /** One row per bucket of the range (bucketsOf), oldest first, zeros included. */
  series(range: AnalyticsRange): Promise<BucketFigures[]>;
  /** By the shipping city or the payment method; by orders, then key. */
  byDimension(window: AnalyticsWindow, dimension: SalesDimension): Promise<KeyedFigures[]>;
  /** Every product sold in the window (any order). */
  products(window: AnalyticsWindow): Promise<ProductFigures[]>;
  /** One row per set, in the sets' order. */
  productSets(window: AnalyticsWindow, sets: readonly ProductSet[]): Promise<ProductSetFigures[]>;
  customers(window: AnalyticsWindow): Promise<CustomerFigures>;
  productViews(window: AnalyticsWindow): Promise<number>;
  carts(window: AnalyticsWindow): Promise<CartFigures>;
  /** Users per membership tier now, by tier name. */
  membershipTiers(): Promise<{ readonly tier: string; readonly users: number }[]>;
}
export const ANALYTICS_QUERIES = token<AnalyticsQueries>('AnalyticsQueries');

/** The shop's timezone (SHOP_TIMEZONE): the default for every report's buckets. */
export interface AnalyticsSettings {
  readonly timeZone: string;
}
export const ANALYTICS_SETTINGS = token<AnalyticsSettings>('AnalyticsSettings');
