import type { Container } from 'inversify';
import {
  DETAIL_HEALTH_INDICATOR,
  HEALTH_INDICATOR,
  type HealthIndicator,
} from '../../application/health/ports.js';
import { CheckHealth } from '../../application/health/check-health.js';
import { CachedHealth } from '../../application/health/cached-health.js';
import { QueueHealth } from '../../application/health/queue-health.js';
import { METRICS, NoMetrics } from '../../application/shared/metrics.js';
import { CLOCK, type Clock } from '../../application/shared/ports.js';
import { JOB_QUEUE, type JobQueue } from '../../application/shared/job-queue.js';
import { PrometheusMetrics } from '../../adapters/telemetry/prometheus-metrics.js';
import { METRICS_HTTP, type MetricsHttpSettings } from '../../adapters/http/metrics/plugin.js';
import { SmtpHealth } from '../../adapters/mail/smtp-health.js';
import { StripeHealth } from '../../adapters/payments/stripe-health.js';
import { CloudinaryHealth } from '../../adapters/media/cloudinary-health.js';
import { parseCloudinaryUrl } from '../../adapters/media/cloudinary-url.js';
import { TwilioHealth } from '../../adapters/sms/twilio-health.js';
import { REALTIME_ENDPOINT, type RealtimeProtocol } from '../../adapters/realtime/protocol.js';
import type { Config } from '../config.js';
import { PROCESSORS } from './jobs.js';

/**
 * Metrics and the detailed health report. The Prometheus registry (prom-client: every row of
 * METRIC_DEFINITIONS and the default process metrics) is bound when someone may scrape it
 * (METRICS_TOKEN and/or METRICS_ALLOW_IPS); otherwise nothing is recorded (NoMetrics) and the
 * route answers 404. Every configured provider gets a detail health indicator; the detailed
 * report (all indicators) is reused for HEALTH_CACHE_MS. Bound right after the shared kernel.
 */
export function bindObservability(container: Container, config: Config): void {
  const o = config.observability;
  const enabled = o.metricsToken !== null || o.metricsAllowIps.length > 0;
  const prometheus = enabled ? new PrometheusMetrics() : null;
  container.bind(METRICS).toConstantValue(prometheus ?? new NoMetrics());
  if (prometheus) {
    // Read when scraped: each queue's depth, and the open realtime connections per transport.
    for (const queue of Object.keys(PROCESSORS)) {
      prometheus.gauge('queue_depth', { queue }, async () => {
        const counts = await container.get<JobQueue>(JOB_QUEUE).counts(queue);
        return counts.waiting + counts.delayed;
      });
    }
    for (const transport of ['websocket', 'sse'] as const) {
      prometheus.gauge('realtime_connections', { transport }, () =>
        container.isBound(REALTIME_ENDPOINT)
          ? container.get<RealtimeProtocol>(REALTIME_ENDPOINT).openConnections(transport)
          : 0,
      );
    }
  }
  const http: MetricsHttpSettings = {
    token: o.metricsToken,
    allowIps: o.metricsAllowIps,
    scrape: prometheus ? () => prometheus.scrape() : null,
  };
  container.bind(METRICS_HTTP).toConstantValue(http);

  const detail = (make: () => HealthIndicator) =>
    container.bind(DETAIL_HEALTH_INDICATOR).toResolvedValue(make).inSingletonScope();
  if (config.smtp) {
    const url = config.smtp.url;
    detail(() => new SmtpHealth(url));
  }
  if (config.stripe) {
    const key = config.stripe.secretKey;
    detail(() => new StripeHealth(key));
  }
  if (config.cloudinary) {
    const credentials = parseCloudinaryUrl(config.cloudinary.url);
    detail(() => new CloudinaryHealth(credentials));
  }
  if (config.twilio) {
    const t = config.twilio;
    detail(() => new TwilioHealth(t.accountSid, t.authToken, t.apiUrl));
  }
  container
    .bind(DETAIL_HEALTH_INDICATOR)
    .toResolvedValue((queue: JobQueue) => new QueueHealth(queue, Object.keys(PROCESSORS)), [JOB_QUEUE])
    .inSingletonScope();

  container
    .bind(CachedHealth)
    .toResolvedValue(
      (core: HealthIndicator[], details: HealthIndicator[], clock: Clock) =>
        new CachedHealth(new CheckHealth([...core, ...details], clock), clock, o.healthCacheMs),
      [
        { serviceIdentifier: HEALTH_INDICATOR, isMultiple: true },
        { serviceIdentifier: DETAIL_HEALTH_INDICATOR, isMultiple: true },
        CLOCK,
      ],
    )
    .inSingletonScope();
}
