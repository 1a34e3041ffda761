import { token } from '../shared/token.js';
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
export const HEALTH_INDICATOR = token<HealthIndicator>('HealthIndicator');

/**
 * What start-up still has to do: tasks waiting for a dependency (a database that was down when
 * the process started) or that failed. Empty once the process is fully started.
 */
export interface StartupProgress {
  pending(): readonly string[];
}
export const STARTUP_PROGRESS = token<StartupProgress>('StartupProgress');

/**
 * Indicators only the detailed report asks (external providers and the queue: SMTP, Stripe,
 * Cloudinary, SMS, the job queue), so liveness and readiness never call a provider. Multi-bound
 * by bootstrap/modules/observability.ts from config.
 */
export const DETAIL_HEALTH_INDICATOR = token<HealthIndicator>('DetailHealthIndicator');
