import type { Config } from './config.js';
import type { Tracing } from '../adapters/telemetry/tracing.js';

/**
 * Starts tracing when config asks for it, before the application is imported (the entry points
 * `await import()` it afterwards: see adapters/telemetry/tracing.ts on why the order matters).
 * Unconfigured, nothing of OpenTelemetry is loaded: null.
 */
export async function startTelemetry(config: Pick<Config, 'tracing'>): Promise<Tracing | null> {
  if (!config.tracing) return null;
  const { startTracing } = await import('../adapters/telemetry/tracing.js');
  return startTracing(config.tracing);
}
