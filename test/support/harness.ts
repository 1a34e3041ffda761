import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../bootstrap/config.js';
import { createApplication, type Application } from '../../bootstrap/app.js';
import type { SharedOverrides } from '../../bootstrap/modules/shared.js';
import { signRequest } from './signing.js';
import { TEST_PII_MASTER_KEY, TEST_PII_MASTER_KEY_ID } from './pii.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const ADMIN_EMAIL = 'admin@test.local';
export const ADMIN_PASSWORD = 'admin-pass-123';

/**
 * Production refuses guessable secrets (bootstrap/secret-strength.ts), including the ones above:
 * tests that run in production mode add these (`openssl rand -hex 32`, a passphrase).
 */
export const PRODUCTION_SECRETS = {
  NODE_ENV: 'production',
  JWT_SECRET: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  ADMIN_PASSWORD: 'Tulip-Orbit-7-Granite-Kettle',
  // `openssl rand -base64 32`: production refuses to start without the personal data master key.
  PII_MASTER_KEY: 'q1v0F7mUj0m0Yv3m9y7d4mH6l2b8oQ1cZ5r3X0kT9wE=',
} as const;

/** Config for tests: fast hashing, no rate limits unless asked, mail to a fresh temp folder. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JWT_SECRET: TEST_JWT_SECRET,
      BCRYPT_ROUNDS: '4',
      // At cost 4 a worker thread costs more than the hash; test/adapters/security covers the pool.
      HASH_WORKERS: '0',
      RATE_LIMIT_ENABLED: 'false',
      // A logout refuses its token at once unless a test asks for the read grace (logout-grace tests).
      LOGOUT_GRACE_MS: '0',
      // The outbox sweeper runs when a test calls it (DispatchPendingEvents), not on a timer.
      EVENT_SWEEP_INTERVAL_MS: '3600000',
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'af-outbox-')),
      SMS_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'af-sms-outbox-')),
      // Suites place many unpaid orders per shopper; the cap's own tests set it (test/http/ordering/expiry).
      MAX_UNPAID_ORDERS_PER_USER: '1000',
      // With MONGODB_URI: a loaded test machine must not pass for a MongoDB outage (the outage
      // tests set their own, short, timeout).
      MONGODB_TIMEOUT_MS: '5000',
      // Personal data at rest: the same key as the suites' hand-built Mongo adapters (support/pii.ts).
      PII_MASTER_KEY: TEST_PII_MASTER_KEY,
      PII_MASTER_KEY_ID: TEST_PII_MASTER_KEY_ID,
      ...env,
    },
    () => 'generated-secret-generated-secret-generated',
  );
}

export interface TestApp extends Application {
  readonly config: Config;
  /**
   * fastify.inject with JSON in and out; `token` adds the bearer header; `sign` adds the request
   * signature (test/support/signing.ts) with the token's key from GET /api/auth/signing-key
   * (harmless on routes that need none; skipped without a token or X-API-Key).
   */
  request(options: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
    url: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    sign?: boolean;
  }): Promise<LightMyRequestResponse & { json<T = any>(): T }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function buildTestApp(
  env: Record<string, string> = {},
  overrides: SharedOverrides = {},
): Promise<TestApp> {
  const config = testConfig(env);
  const application = await createApplication(config, overrides);
  await application.app.ready();
  const bearer = (token?: string) => (token ? { authorization: `Bearer ${token}` } : {});
  const signingKeys = new Map<string, string>();
  async function signingKey(
    token: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<string> {
    const cacheKey = token ?? headers['x-api-key'] ?? '';
    const known = signingKeys.get(cacheKey);
    if (known) return known;
    const res = await application.app.inject({
      method: 'GET',
      url: '/api/auth/signing-key',
      headers: { ...bearer(token), ...headers },
    });
    if (res.statusCode !== 200) throw new Error(`signing key: ${res.statusCode} ${res.body}`);
    const key = res.json().data.key as string;
    signingKeys.set(cacheKey, key);
    return key;
  }
  return {
    ...application,
    config,
    request: async ({ method, url, token, body, headers, sign }) => {
      // Without a credential there is no key to sign with (the request is refused before its signature).
      if (!sign || (!token && headers?.['x-api-key'] === undefined)) {
        return application.app.inject({
          method,
          url,
          headers: { ...bearer(token), ...headers },
          ...(body !== undefined ? { payload: body as object } : {}),
        });
      }
      const text = body === undefined ? '' : JSON.stringify(body);
      const key = await signingKey(token, headers);
      return application.app.inject({
        method,
        url,
        headers: {
          ...bearer(token),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...signRequest({ method, url, body: text, key }),
          ...headers,
        },
        ...(body !== undefined ? { payload: text } : {}),
      });
    },
  };
}

let counter = 0;

/** Registers a fresh shopper through the API and answers their token and user. */
export async function registerUser(
  t: TestApp,
  overrides: Partial<{ fullName: string; email: string; password: string; phone: string }> = {},
): Promise<{
  token: string;
  user: { _id: string; email: string; fullName: string; role: string };
  password: string;
}> {
  counter += 1;
  const password = overrides.password ?? 'shopper-pass-1';
  const res = await t.request({
    method: 'POST',
    url: '/api/auth/register',
    body: {
      fullName: overrides.fullName ?? `Shopper ${counter}`,
      email: overrides.email ?? `shopper${counter}.${Date.now()}@example.com`,
      password,
      phone: overrides.phone ?? '',
      birthday: '',
    },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return { token: body.token, user: body.data.user, password };
}

/** Logs in as the seeded admin (ADMIN_EMAIL / ADMIN_PASSWORD of the test config). */
export async function loginAdmin(t: TestApp): Promise<string> {
  const res = await t.request({
    method: 'POST',
    url: '/api/auth/login',
    body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`admin login failed: ${res.statusCode} ${res.body}`);
  return res.json().token;
}
