import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../bootstrap/config.js';

/**
 * The app as the benchmarks run it: production mode (what is measured is what ships), the demo
 * catalog seeded, logs and rate limits off, fresh secrets each run.
 */
export function benchConfig(): Config {
  return loadConfig(
    {
      NODE_ENV: 'production',
      // Production refuses to start without a real card gateway; the bench takes no payments.
      CARD_PAYMENTS_ENABLED: 'false',
      // Production refuses guessable secrets and seeds the demo catalog only when asked.
      JWT_SECRET: randomBytes(32).toString('hex'),
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      SEED_DEMO: 'true',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_ENABLED: 'false',
      ADMIN_PASSWORD: randomBytes(18).toString('base64'),
    },
    () => '',
  );
}
