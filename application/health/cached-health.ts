import type { Clock } from '../shared/ports.js';
import type { CheckHealth, HealthReport } from './check-health.js';

/**
 * The detailed health report, reused for `ttlMs` (HEALTH_CACHE_MS): however many callers ask,
 * the providers are asked at most once per period, and callers arriving while a check runs share
 * it (single flight). 0 = no reuse beyond the check in flight.
 */
export class CachedHealth {
  private last: { readonly report: HealthReport; readonly at: number } | null = null;
  private running: Promise<HealthReport> | null = null;

  constructor(
    private readonly health: CheckHealth,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  execute(): Promise<HealthReport> {
    const now = this.clock.now().getTime();
    if (this.last && now - this.last.at < this.ttlMs) return Promise.resolve(this.last.report);
    if (this.running) return this.running;
    const running = this.health
      .execute()
      .then((report) => {
        this.last = { report, at: this.clock.now().getTime() };
        return report;
      })
      .finally(() => {
        this.running = null;
      });
    this.running = running;
    return running;
  }
}
