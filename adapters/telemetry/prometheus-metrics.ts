import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import {
  METRIC_DEFINITIONS,
  type CounterName,
  type GaugeName,
  type HistogramName,
  type MetricLabels,
  type Metrics,
} from '../../application/shared/metrics.js';

type GaugeReader = () => number | Promise<number>;

/** Buckets (seconds) of the request-duration histogram: 5 ms to 10 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The `Metrics` port on prom-client: one registry per process holding every row of
 * METRIC_DEFINITIONS (registered up front, so a scrape lists each metric even before it moves)
 * and prom-client's default metrics (event-loop lag, GC, heap, process). Gauges are read when
 * scraped, from the readers registered per label set. Recording never throws.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly gaugeReaders = new Map<
    string,
    Map<string, { labels: Record<string, string>; read: GaugeReader }>
  >();

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    for (const [name, def] of Object.entries(METRIC_DEFINITIONS)) {
      const common = { name, help: def.help, labelNames: [...def.labels], registers: [this.registry] };
      if (def.kind === 'counter') this.counters.set(name, new Counter(common));
      else if (def.kind === 'histogram')
        this.histograms.set(name, new Histogram({ ...common, buckets: DURATION_BUCKETS }));
      else {
        const readers = new Map<string, { labels: Record<string, string>; read: GaugeReader }>();
        this.gaugeReaders.set(name, readers);
        new Gauge({
          ...common,
          async collect(this: Gauge) {
            this.reset();
            await Promise.all(
              [...readers.values()].map(async ({ labels, read }) => {
                try {
                  this.set(labels, await read());
                } catch {
                  // A reader that fails (its store unreachable) leaves its series out of this scrape.
                }
              }),
            );
          },
        });
      }
    }
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  count<N extends CounterName>(name: N, labels: MetricLabels<N>, by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) return;
    this.counters.get(name)?.inc(labels as Record<string, string>, by);
  }

  observe<N extends HistogramName>(name: N, labels: MetricLabels<N>, value: number): void {
    if (!Number.isFinite(value)) return;
    this.histograms.get(name)?.observe(labels as Record<string, string>, value);
  }

  gauge<N extends GaugeName>(name: N, labels: MetricLabels<N>, read: GaugeReader): void {
    const readers = this.gaugeReaders.get(name);
    const l = { ...(labels as Record<string, string>) };
    readers?.set(JSON.stringify(Object.entries(l).sort()), { labels: l, read });
  }

  /** The text exposition of every metric, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** One metric's object (tests). */
  metric(name: string): Metric | undefined {
    return this.registry.getSingleMetric(name);
  }
}
