import type { Clock } from '../shared/ports.js';
import type { DependencyHealth, DependencyStatus, HealthIndicator } from './ports.js';

export interface HealthReport {
  readonly status: DependencyStatus;
  readonly checkedAt: Date;
  readonly dependencies: readonly DependencyHealth[];
}

/** Asks every indicator at once; a throwing indicator counts as down. Overall = the worst. */
export class CheckHealth {
  constructor(
    private readonly indicators: readonly HealthIndicator[],
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<HealthReport> {
    const dependencies = await Promise.all(
      this.indicators.map(async (indicator, i): Promise<DependencyHealth> => {
        try {
          return await indicator.check();
        } catch (error) {
          return { name: `dependency-${i}`, role: 'unknown', status: 'down', detail: String(error) };
        }
      }),
    );
    const rank: Record<DependencyStatus, number> = { up: 0, degraded: 1, down: 2 };
    const status = dependencies.reduce<DependencyStatus>(
      (worst, d) => (rank[d.status] > rank[worst] ? d.status : worst),
      'up',
    );
    return { status, checkedAt: this.clock.now(), dependencies };
  }

  /** The persistence dependency's state, for the compat `database` field. */
  static persistence(report: HealthReport): DependencyHealth | undefined {
    return report.dependencies.find((d) => d.role === 'persistence');
  }
}
