import type { Container } from 'inversify';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Redis } from 'ioredis';
import { buildHttpServer, drainAndClose, type DrainOptions } from '../adapters/http/server.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../adapters/cache/redis-tokens.js';
import type { App } from '../adapters/http/types.js';
import { PinoAppLogger } from '../adapters/telemetry/pino-logger.js';
import { logCorrelation } from '../adapters/telemetry/trace-context.js';
import { REDACTED, REDACTED_LOG_PATHS, serializeRequest } from '../adapters/telemetry/log-redaction.js';
import { STARTUP_PROGRESS } from '../application/health/ports.js';
import { JOB_QUEUE, type JobQueue } from '../application/shared/job-queue.js';
import { EventDispatcher } from '../application/shared/event-dispatcher.js';
import { APP_LOGGER, STARTUP_TASK, type AppLogger, type StartupTask } from '../application/shared/ports.js';
import { isMongoUnavailable } from '../adapters/persistence/mongo/unavailable.js';
import { REALTIME_ENDPOINT, type RealtimeProtocol } from '../adapters/realtime/protocol.js';
import type { UwsTransport } from '../adapters/realtime/uws-transport.js';
import type { Config } from './config.js';
import { startUwsIfSelected } from './realtime-uws.js';
import { buildContainer, type ContainerOverrides } from './container.js';
import { runStartupTasks, type StartupRun, type StartupTracker } from './startup.js';

export const VERSION = '0.1.0';

export interface Application {
  readonly app: App;
  readonly container: Container;
  readonly logger: Logger;
  /** Start-up work still running in the background (the database was unreachable at start). */
  readonly startup: StartupRun;
  /**
   * Once the API listens: serves the realtime channels with uWebSockets.js on REALTIME_UWS_PORT
   * when it is set (the module and its native addon are imported only then) and answers that port;
   * null when unset. Throws UwsUnavailableError when the optional dependency cannot be loaded.
   */
  startUws(): Promise<number | null>;
  /**
   * Drains the HTTP server (see drainAndClose; defaults: no grace, 10 s deadline), then releases
   * the adapters. Answers whether the deadline forced connections closed.
   */
  close(options?: Partial<DrainOptions>): Promise<{ forced: boolean }>;
}

/**
 * JSON logs to stdout (fd 1), another file descriptor such as stderr (2) for the CLI, or a stream.
 * Secrets never reach a line: credential headers, password and token fields are redacted, and
 * request URLs are logged with the password-reset token replaced (adapters/telemetry/log-redaction).
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  destination: number | DestinationStream = 1,
): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'amour-florals-api' },
      redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTED },
      // Replaces Fastify's own `req` serializer (the instance's serializers win over Fastify's).
      serializers: { req: serializeRequest },
      // The request id and the active trace and span ids on every line, use-case logs included.
      mixin: (merge, level, logger) => logCorrelation(merge, level, logger),
    },
    typeof destination === 'number' ? pino.destination(destination) : destination,
  );
}

export interface ApplicationOptions {
  /** Where the logs go (default stdout); tests pass a stream to read the lines. */
  readonly logDestination?: DestinationStream;
}

/**
 * Builds the container, runs the startup tasks and readies the HTTP server (not yet listening).
 * Resolves when the tasks are done, or as soon as one waits for an unreachable database: the
 * process then listens anyway and the tasks finish in the background (see bootstrap/startup.ts).
 */
export async function createApplication(
  config: Config,
  overrides: ContainerOverrides = {},
  options: ApplicationOptions = {},
): Promise<Application> {
  const logger = createLogger(config, options.logDestination);
  const container = await buildContainer(config, new PinoAppLogger(logger), overrides);
  // Startup tasks (indexes, the demo catalog) run while the HTTP server registers its routes;
  // both must finish before the application counts as started, unless the database is
  // unreachable: then the tasks that need it go on in the background. The admin account (a
  // bcrypt hash on a worker thread, ~100 ms, mostly the thread's start) is created once the
  // server is ready, the users port's callers waiting for it (AdminSeedHold).
  let serverReady!: () => void;
  const startup = startTasks(container, new Promise<void>((resolve) => (serverReady = resolve)));
  startup.settled.catch(() => undefined); // awaited below; this only stops an early rejection counting as unhandled
  const realtime = container.isBound(REALTIME_ENDPOINT)
    ? container.get<RealtimeProtocol>(REALTIME_ENDPOINT)
    : undefined;
  const app = await buildHttpServer(container, {
    logger: config.logLevel === 'silent' ? false : logger,
    isDependencyUnavailable: isMongoUnavailable,
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
    realtime: config.realtime,
    responseCache: { ...config.responseCache, ttl: config.cacheTtl, shared: config.redis !== null },
    compressionThresholdBytes: config.compressionThresholdBytes,
    compileSchemasAtStart: config.compileSchemasAtStart,
    ...(realtime ? { realtimeEndpoint: realtime } : {}),
  });
  let uws: UwsTransport | null = null;
  try {
    await Promise.all([app.ready(), startup.settled]);
  } catch (error) {
    startup.stop();
    throw error;
  }
  serverReady();
  return {
    app,
    container,
    logger,
    startup,
    startUws: async () => {
      if (realtime && !uws) uws = await startUwsIfSelected(config, realtime);
      return uws?.port ?? null;
    },
    close: async (options = {}) => {
      startup.stop();
      // Realtime connections never end by themselves (an SSE response is a request in progress):
      // closed with 1001 first, so the drain below only waits for ordinary requests.
      await realtime?.closeAll();
      // The uWS port's connections were among them: it stops listening now.
      await uws?.close();
      const result = await drainAndClose(app, { graceMs: 0, timeoutMs: 10_000, ...options });
      // Background event handlers (a welcome mail is queued by one) finish while the queue is open.
      await container.get(EventDispatcher).drain();
      // The running jobs finish while every adapter they use is still there.
      await container.get<JobQueue>(JOB_QUEUE).close();
      // Deactivates the singletons: worker threads, and later connections, are released here.
      await container.unbindAllAsync();
      return result;
    },
  };
}

/**
 * Runs the container's start-up tasks (the API's and the worker's); those run after listening
 * start when `afterListening` resolves (by default once the others are done).
 */
export function startTasks(container: Container, afterListening?: Promise<unknown>): StartupRun {
  const tasks = container.isBound(STARTUP_TASK) ? container.getAll<StartupTask>(STARTUP_TASK) : [];
  return runStartupTasks(tasks, {
    isUnavailable: isMongoUnavailable,
    logger: container.get<AppLogger>(APP_LOGGER),
    tracker: container.get<StartupTracker>(STARTUP_PROGRESS),
    ...(afterListening ? { afterListening } : {}),
  });
}
