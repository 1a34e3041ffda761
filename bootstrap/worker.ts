import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './config.js';
import { startTelemetry } from './telemetry.js';

/** `npm run worker`: runs the job processors (and the sweepers), no HTTP listener. */
async function main(): Promise<void> {
  let config;
  let worker;
  try {
    config = loadConfig(process.env, () => randomBytes(48).toString('hex'));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Tracing before the worker's modules load (see bootstrap/main.ts); off, this loads nothing.
  const tracing = await startTelemetry(config);
  const { createWorker, exitOnSignal } = await import('./worker-process.js');
  try {
    worker = await createWorker(config, {}, { tracing });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  exitOnSignal(worker, config);
  worker.logger.info({ pid: process.pid }, 'Amour Florals worker started');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
