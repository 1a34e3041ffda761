import type { CheckHealth, HealthReport } from './check-health.js';
import type { StartupProgress } from './ports.js';

export interface ReadinessReport {
  readonly ready: boolean;
  /** Start-up tasks not done yet (waiting for a dependency, or failed). */
  readonly pending: readonly string[];
  readonly health: HealthReport;
}

/**
 * Whether this instance should receive traffic: start-up has finished (indexes, admin account,
 * seed...) and no dependency is down. A degraded one (Redis) still serves, so it stays ready.
 */
export class CheckReadiness {
  constructor(
    private readonly health: CheckHealth,
    private readonly startup: StartupProgress,
  ) {}

  async execute(): Promise<ReadinessReport> {
    const health = await this.health.execute();
    const pending = this.startup.pending();
    return { ready: pending.length === 0 && health.status !== 'down', pending, health };
  }
}
