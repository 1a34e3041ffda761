import { randomBytes } from 'node:crypto';
import { runCli } from '../adapters/cli/program.js';
import { PinoAppLogger } from '../adapters/telemetry/pino-logger.js';
import { isMongoUnavailable } from '../adapters/persistence/mongo/unavailable.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './app.js';
import { buildContainer } from './container.js';
import { withEventReactions } from './modules/events.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env, () => randomBytes(48).toString('hex'));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  // Logs go to stderr so command output stays clean for scripts.
  const logger = createLogger({ ...config, logLevel: process.env.LOG_LEVEL ?? 'warn' }, 2);
  const container = await buildContainer(config, new PinoAppLogger(logger));
  // A command's events get the same reactions as the API's (a cancelled order's stock goes back,
  // the shopper is mailed), delivered before the process exits.
  return withEventReactions(container, () =>
    runCli(process.argv.slice(2), container, {
      out: process.stdout,
      err: process.stderr,
      isTty: Boolean(process.stdout.isTTY),
    }),
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // An unreachable database is an operational condition, not a bug: one line, no stack.
    if (isMongoUnavailable(error)) console.error(`MongoDB is unreachable: ${(error as Error).message}`);
    else console.error(error);
    process.exit(1);
  },
);
