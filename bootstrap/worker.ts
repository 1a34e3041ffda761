import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './config.js';
import { createWorker, exitOnSignal } from './worker-process.js';

/** `npm run worker`: runs the job processors (and the sweepers), no HTTP listener. */
async function main(): Promise<void> {
  let config;
  let worker;
  try {
    config = loadConfig(process.env, () => randomBytes(48).toString('hex'));
    worker = await createWorker(config);
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
