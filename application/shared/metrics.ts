import { token } from './token.js';

/**
 * What the process counts, as the application and the adapters see it: one table of every metric
 * (name, kind, help, label names), so the Prometheus adapter registers them all from it and a
 * caller can only name a metric that exists. Recording never throws and never waits.
 */
export const METRIC_DEFINITIONS = {
  // HTTP (recorded by the HTTP edge, per route template)
  http_requests_total: {
    kind: 'counter',
    help: 'HTTP requests answered',
    labels: ['method', 'route', 'status'],
  },
  http_request_duration_seconds: {
    kind: 'histogram',
    help: 'Time to answer an HTTP request',
    labels: ['method', 'route', 'status'],
  },
  // Caches: outcome is hit | miss; cache is e.g. response | catalog
  cache_lookups_total: { kind: 'counter', help: 'Cache lookups by outcome', labels: ['cache', 'outcome'] },
  // Job queue
  queue_jobs_total: { kind: 'counter', help: 'Jobs finished by outcome', labels: ['queue', 'outcome'] },
  queue_depth: { kind: 'gauge', help: 'Jobs waiting or delayed', labels: ['queue'] },
  // Realtime
  realtime_connections: { kind: 'gauge', help: 'Open realtime connections', labels: ['transport'] },
  // Business
  orders_placed_total: { kind: 'counter', help: 'Orders placed', labels: [] },
  revenue_total: { kind: 'counter', help: 'Revenue of paid orders, in the shop currency', labels: [] },
  payments_failed_total: { kind: 'counter', help: 'Payments that failed', labels: ['provider'] },
  carts_abandoned_total: { kind: 'counter', help: 'Carts abandoned', labels: [] },
  promo_redemptions_total: { kind: 'counter', help: 'Promo code redemptions', labels: [] },
} as const satisfies Record<string, MetricDefinition>;

export interface MetricDefinition {
  readonly kind: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly labels: readonly string[];
}

type Defs = typeof METRIC_DEFINITIONS;
type Named<K extends MetricDefinition['kind']> = {
  [N in keyof Defs]: Defs[N]['kind'] extends K ? N : never;
}[keyof Defs];
export type CounterName = Named<'counter'>;
export type GaugeName = Named<'gauge'>;
export type HistogramName = Named<'histogram'>;
export type MetricLabels<N extends keyof Defs> = { readonly [L in Defs[N]['labels'][number]]: string };

export interface Metrics {
  /** Adds `by` (default 1) to a counter. */
  count<N extends CounterName>(name: N, labels: MetricLabels<N>, by?: number): void;
  /** Records one observation (seconds for durations) in a histogram. */
  observe<N extends HistogramName>(name: N, labels: MetricLabels<N>, value: number): void;
  /**
   * A gauge read when metrics are scraped: `read` answers the current value per label set.
   * Registering the same gauge and labels again replaces the reader.
   */
  gauge<N extends GaugeName>(name: N, labels: MetricLabels<N>, read: () => number | Promise<number>): void;
}
export const METRICS = token<Metrics>('Metrics');

/** Records nothing: the default until a metrics adapter is bound. */
export class NoMetrics implements Metrics {
  count(): void {}
  observe(): void {}
  gauge(): void {}
}
