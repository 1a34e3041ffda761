export type DependencyStatus = 'up' | 'degraded' | 'down';

export interface DependencyHealth {
  readonly name: string;
  /** What this dependency does for the shop, e.g. "persistence" or "cache". */
  readonly role: string;
  readonly status: DependencyStatus;
  readonly detail?: string;
  readonly latencyMs?: number;
}

/** One per dependency (multi-bound); the embedded default binds the in-memory ones. */
export interface HealthIndicator {
  check(): Promise<DependencyHealth>;
}
export const HEALTH_INDICATOR = Symbol.for('HealthIndicator');
