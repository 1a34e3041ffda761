import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { startTelemetry } from './telemetry.js';
import { packageRoot } from './paths.js';
import { installLazySourceMaps } from './stack-source-maps.js';

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  // Stack traces of the build (dist/, the bundle) name the TypeScript sources, maps read on first use.
  installLazySourceMaps(join(packageRoot(), 'dist'));
  let config;
  try {
    config = loadConfig(process.env, () => randomBytes(48).toString('hex'));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Tracing first, then the application: its instrumentations patch fastify, mongoose and ioredis
  // as they load (adapters/telemetry/tracing.ts). Off, this loads nothing.
  const tracing = await startTelemetry(config);
  const { createApplication } = await import('./app.js');
  const { UwsUnavailableError } = await import('./realtime-uws.js');
  const application = await createApplication(config);
  const { app, logger } = application;
  if (config.jwt.secretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random secret, so tokens end when the process does');
  }
  if (config.pii.generated) {
    logger.warn(
      'PII_MASTER_KEY is not set: personal data is encrypted with a generated key that ends with the process (embedded store only; set it for MongoDB and production)',
    );
  }
  if (!config.cardPaymentsEnabled) {
    logger.warn(
      'Card payments are disabled (CARD_PAYMENTS_ENABLED=false): they answer 503 PAYMENTS_DISABLED',
    );
  }
  if (!config.razorpay.enabled) {
    logger.warn(
      'RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET are not set: the storefront checkout (create-order, verify) answers 503 PAYMENTS_DISABLED',
    );
  }
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger.info({ port, startupMs: Math.round(ms) }, `Amour Florals API listening on port ${port}`);
  try {
    const uwsPort = await application.startUws();
    if (uwsPort !== null) {
      logger.info({ uwsPort }, `Realtime channels also served by uWebSockets.js on port ${uwsPort}`);
    }
  } catch (error) {
    // One line naming the variable: the addon is missing, or the port is taken.
    logger.error(
      error instanceof UwsUnavailableError
        ? error.message
        : `REALTIME_UWS_PORT=${config.realtime.uwsPort}: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    // A second signal (SIGINT after SIGTERM) does not start a second drain.
    if (shuttingDown) return;
    shuttingDown = true;
    const { graceMs, timeoutMs } = config.shutdown;
    const began = Date.now();
    logger.info({ signal, graceMs, timeoutMs }, 'shutdown started');
    // The drain forces connections closed at timeoutMs; should releasing an adapter then hang,
    // this still ends the process shortly after the deadline.
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown deadline passed: exiting');
      process.exit(1);
    }, timeoutMs + 1000);
    application
      .close({
        graceMs,
        timeoutMs,
        onForce: (open) =>
          logger.warn(
            { openConnections: open, timeoutMs },
            'shutdown deadline reached: closing open connections',
          ),
      })
      // The spans of the last requests and jobs are exported before the process ends.
      .then(async (result) => {
        await tracing?.shutdown().catch((error: unknown) => {
          logger.warn({ err: error }, 'tracing: flushing spans at shutdown failed');
        });
        return result;
      })
      .then(
        ({ forced }) => {
          logger.info({ durationMs: Date.now() - began, forced }, 'shutdown complete');
          process.exit(forced ? 1 : 0);
        },
        (error: unknown) => {
          logger.error({ err: error, durationMs: Date.now() - began }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
