import type { Container } from 'inversify';
import type { DestinationStream, Logger } from 'pino';
import { JOB_QUEUE, type JobQueue } from '../application/shared/job-queue.js';
import { PinoAppLogger } from '../adapters/telemetry/pino-logger.js';
import { ConfigError, type Config } from './config.js';
import { createLogger, startTasks } from './app.js';
import { buildContainer, type ContainerOverrides } from './container.js';
import { PROCESSORS } from './modules/jobs.js';
import type { StartupRun } from './startup.js';
import type { Tracing } from '../adapters/telemetry/tracing.js';

export interface WorkerProcess {
  readonly container: Container;
  readonly logger: Logger;
  readonly startup: StartupRun;
  /** Stops taking jobs, waits for the running ones, then releases the adapters. */
  close(): Promise<void>;
}

export interface WorkerOptions {
  readonly logDestination?: DestinationStream;
  /** Bindings a test adds (its own processors' handlers) before the workers start. */
  readonly setUp?: (container: Container) => void;
  /** Started by the entry point before this module loaded; flushed and stopped by `close`. */
  readonly tracing?: Tracing | null;
}

/**
 * `npm run worker`: an instance without an HTTP listener. It builds the same container as the
 * API and runs the same start-up work (connections, event handlers and the outbox, reservation,
 * promo and expiry sweepers: all safe on any number of instances), plus the job processors of
 * PROCESSORS whatever QUEUE_WORKERS says. It needs REDIS_URL and MONGODB_URI: the in-process
 * queue and store are private to the API process.
 */
export async function createWorker(
  config: Config,
  overrides: ContainerOverrides = {},
  options: WorkerOptions = {},
): Promise<WorkerProcess> {
  if (!config.redis || !config.mongo) {
    throw new ConfigError(
      config.redis ? 'MONGODB_URI' : 'REDIS_URL',
      'is required by `npm run worker` (on the embedded default, jobs run inside the API process)',
      '',
    );
  }
  const logger = createLogger(config, options.logDestination);
  const container = await buildContainer(
    { ...config, queue: { ...config.queue, workers: true } },
    new PinoAppLogger(logger),
    { ...overrides, processors: overrides.processors ?? PROCESSORS },
  );
  options.setUp?.(container);
  const startup = startTasks(container);
  try {
    await startup.settled;
  } catch (error) {
    startup.stop();
    await container.unbindAllAsync();
    throw error;
  }
  return {
    container,
    logger,
    startup,
    close: async () => {
      startup.stop();
      await container.get<JobQueue>(JOB_QUEUE).close();
      await container.unbindAllAsync();
      // The last jobs' spans are exported before the process ends.
      await options.tracing?.shutdown().catch((error: unknown) => {
        logger.warn({ err: error }, 'tracing: flushing spans at shutdown failed');
      });
    },
  };
}

/**
 * The worker process's life: SIGTERM or SIGINT stop taking jobs, let the running ones finish and
 * exit 0, or exit 1 after SHUTDOWN_TIMEOUT_MS (a job left unfinished is taken again by another
 * worker through BullMQ's stalled check).
 */
export function exitOnSignal(worker: WorkerProcess, config: Config): void {
  const { logger } = worker;
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const { timeoutMs } = config.shutdown;
    const began = Date.now();
    logger.info({ signal, timeoutMs }, 'worker shutdown started: finishing running jobs');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'worker shutdown deadline passed: exiting');
      process.exit(1);
    }, timeoutMs);
    worker.close().then(
      () => {
        logger.info({ durationMs: Date.now() - began }, 'worker shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'worker shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
