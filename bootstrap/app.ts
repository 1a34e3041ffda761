import type { Container } from 'inversify';
import { pino, type Logger } from 'pino';
import type { Redis } from 'ioredis';
import { buildHttpServer, drainAndClose, type DrainOptions } from '../adapters/http/server.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../adapters/cache/redis-client.js';
import type { App } from '../adapters/http/types.js';
import { PinoAppLogger } from '../adapters/telemetry/pino-logger.js';
import { STARTUP_TASK, type StartupTask } from '../application/shared/ports.js';
import type { Config } from './config.js';
import { buildContainer } from './container.js';
import type { SharedOverrides } from './modules/shared.js';

export const VERSION = '0.1.0';

export interface Application {
  readonly app: App;
  readonly container: Container;
  readonly logger: Logger;
  /**
   * Drains the HTTP server (see drainAndClose; defaults: no grace, 10 s deadline), then releases
   * the adapters. Answers whether the deadline forced connections closed.
   */
  close(options?: Partial<DrainOptions>): Promise<{ forced: boolean }>;
}

/** JSON logs to stdout (fd 1), or to another file descriptor such as stderr (2) for the CLI. */
export function createLogger(config: Pick<Config, 'logLevel'>, fd = 1): Logger {
  return pino({ level: config.logLevel, base: { service: 'amour-florals-api' } }, pino.destination(fd));
}

/** Builds the container, runs the startup tasks and readies the HTTP server (not yet listening). */
export async function createApplication(
  config: Config,
  overrides: SharedOverrides = {},
): Promise<Application> {
  const logger = createLogger(config);
  const container = buildContainer(config, new PinoAppLogger(logger), overrides);
  // Startup tasks (seed, admin account: a bcrypt hash on a worker thread) run while the HTTP
  // server compiles its schemas; both must finish before the application counts as started.
  const startup = runStartupTasks(container);
  startup.catch(() => undefined); // awaited below; this only stops an early rejection counting as unhandled
  const app = await buildHttpServer(container, {
    logger: config.logLevel === 'silent' ? false : logger,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    timeouts: {
      requestMs: config.http.requestTimeoutMs,
      headersMs: config.http.headersTimeoutMs,
      keepAliveMs: config.http.keepAliveTimeoutMs,
    },
    corsOrigins: config.corsOrigins,
    rateLimit: {
      ...config.rateLimit,
      ...(container.isBound(REDIS_CLIENT)
        ? {
            redis: {
              client: container.get<Redis>(REDIS_CLIENT),
              nameSpace: `${container.get<string>(REDIS_KEY_PREFIX)}rl:`,
            },
          }
        : {}),
    },
    environment: config.nodeEnv,
    version: VERSION,
  });
  await Promise.all([app.ready(), startup]);
  return {
    app,
    container,
    logger,
    close: async (options = {}) => {
      const result = await drainAndClose(app, { graceMs: 0, timeoutMs: 10_000, ...options });
      // Deactivates the singletons: worker threads, and later connections, are released here.
      await container.unbindAllAsync();
      return result;
    },
  };
}

export async function runStartupTasks(container: Container): Promise<void> {
  const tasks = container.isBound(STARTUP_TASK) ? container.getAll<StartupTask>(STARTUP_TASK) : [];
  for (const task of tasks) await task.run();
}
