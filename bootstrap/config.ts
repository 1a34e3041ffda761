import {
  isCalendarDate,
  isTimeZone,
  parseClock,
  parseSlotWindow,
  type SlotWindow,
} from '../domain/delivery/slots.js';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { PUSH_SERVICE_HOSTS } from '../domain/notifications/push-subscription.js';

/**
 * The only place that reads the environment. Parsed and validated once at start; a bad value
 * stops the process with one line naming the variable (see ConfigError).
 */
import { passwordWeakness, signingKeyWeakness } from './secret-strength.js';
import type { RealtimeSettings } from '../adapters/realtime/protocol.js';

export interface Config {
  readonly nodeEnv: string;
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly publicUrl: string;
  readonly frontendUrl: string;
  readonly jwt: {
    readonly secret: string;
    readonly secretGenerated: boolean;
    readonly expiresInSeconds: number;
  };
  readonly bcryptRounds: number;
  /** Worker threads for password hashing; 0 hashes on the main thread. Undefined: one per core (max 4). */
  readonly hashWorkers: number | undefined;
  /** Hash jobs allowed to wait for a worker; beyond that new ones are refused at once (sign-in answers 429). */
  readonly hashQueueMax: number;
  /** `revealGeneratedPassword`: a generated admin password may be logged (never in production). */
  readonly admin: {
    readonly email: string;
    readonly password: string | undefined;
    readonly revealGeneratedPassword: boolean;
  };
  /** Demo catalog into an empty store at start; in production only when SEED_DEMO=true is set explicitly. */
  readonly seedDemo: boolean;
  /** After a logout, safe reads (GET/HEAD) with that token still pass for this long (0: none). */
  readonly logoutGraceMs: number;
  /** MFA_REQUIRED_FOR_ADMINS: admin-only routes answer 403 MFA_SETUP_REQUIRED to admins without MFA. */
  readonly mfaRequiredForAdmins: boolean;
  readonly corsOrigins: readonly string[];
  readonly bodyLimitBytes: number;
  /**
   * Which `X-Forwarded-For` entries are believed: false (none: the socket address), a number of
   * proxy hops in front of us, or the proxies' addresses/CIDRs. Never the whole chain.
   */
  readonly trustProxy: false | number | readonly string[];
  /** HTTP server timeouts (ms): whole request, headers, idle keep-alive. */
  readonly http: {
    readonly requestTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
  };
  /** SIGTERM/SIGINT drain: a keep-alive connection idle for graceMs is closed; everything is closed by timeoutMs. */
  readonly shutdown: { readonly graceMs: number; readonly timeoutMs: number };
  readonly rateLimit: {
    readonly enabled: boolean;
    readonly windowMs: number;
    readonly max: number;
    readonly authMax: number;
    /** Failed bearer-token authentications per IP over `windowMs`, on any route, before 429. */
    readonly failedAuthMax: number;
    readonly wishlistMax: number;
    readonly wishlistWindowMs: number;
    /** Per-IP and per-user budgets over `windowMs` of auth, search, checkout and admin routes. */
    readonly budgets: Readonly<
      Record<'auth' | 'search' | 'checkout' | 'admin', { ipMax: number; userMax: number }>
    >;
    /** Each API key's own budget (per key id, not per address) over `apiKeyWindowMs`. */
    readonly apiKeyMax: number;
    readonly apiKeyWindowMs: number;
  };
  readonly loginThrottle: {
    /** Failed logins per email + IP within `windowMs`. */
    readonly maxFailures: number;
    /** Failed logins per account (email) from all IPs together within `windowMs`. */
    readonly maxAccountFailures: number;
    /** Failed logins from one IP for all emails together within `windowMs`. */
    readonly maxIpFailures: number;
    /** The window failures are counted in, and the first lock's length. */
    readonly windowMs: number;
    /** Each further lock of a key doubles, up to this (exponential backoff); reset by a success. */
    readonly maxLockMs: number;
    /** Logins of one IP being checked at once (waiting for a password hash); more answer 429 at once. */
    readonly maxConcurrentPerIp: number;
  };
  readonly mail: { readonly outboxDir: string; readonly from: string };
  /** The embedded SMS channel's folder (used when Twilio is not configured). */
  readonly sms: { readonly outboxDir: string };
  /** Twilio for SMS (all three variables or none); null: the SMS outbox folder. */
  readonly twilio: {
    readonly accountSid: string;
    readonly authToken: string;
    readonly from: string;
    /** Another API origin than https://api.twilio.com (tests point it at a local fake). */
    readonly apiUrl?: string;
  } | null;
  /**
   * Notification deliveries: attempts (first try included) and the first retry's delay (doubled
   * each time); pending notifications older than resumeAfterMs are queued again every
   * resumeIntervalMs (their job was lost with a process).
   */
  readonly notifications: {
    readonly attempts: number;
    readonly backoffMs: number;
    readonly resumeAfterMs: number;
    readonly resumeIntervalMs: number;
    /**
     * Per recipient and window (windowMs): at most recipientMax marketing messages and
     * recipientTransactionalMax transactional ones; the rest are recorded `rate-limited`.
     */
    readonly recipientMax: number;
    readonly recipientTransactionalMax: number;
    readonly recipientWindowMs: number;
    /** Signs one-click unsubscribe links; null: a key derived from the JWT secret. */
    readonly unsubscribeSecret: string | null;
  };
  /** Hosts (and their subdomains) a push subscription's endpoint may point at. */
  readonly pushEndpointHosts: readonly string[];
  /** VAPID keys for Web Push (all three or none); null: push messages are only logged. */
  readonly vapid: {
    readonly publicKey: string;
    readonly privateKey: string;
    readonly subject: string;
  } | null;
  /**
   * The master key of personal data at rest (PII_MASTER_KEY, base64 of 32 bytes, and its id
   * PII_MASTER_KEY_ID). Required in production and on MongoDB; the embedded default generates one
   * (`generated`, logged: nothing it protects outlives the process).
   */
  readonly pii: { readonly masterKey: string; readonly masterKeyId: string; readonly generated: boolean };
  /** MongoDB (or a MongoDB-wire server) for every repository; null: the in-memory store. */
  readonly mongo: {
    readonly uri: string;
    /** How long an operation waits for an unreachable server before failing (then HTTP 503). */
    readonly timeoutMs: number;
  } | null;
  /** Redis for cache, rate limits, token revocation and event fan-out; null: in-process. */
  readonly redis: { readonly url: string } | null;
  /** SMTP for mail; null: the outbox folder. */
  readonly smtp: { readonly url: string } | null;
  /** Cloudinary for product images; null: the local folder served under /uploads. */
  readonly cloudinary: { readonly url: string } | null;
  /** Stripe (STRIPE_SECRET_KEY); null: the in-memory fake gateway (never in production). */
  readonly stripe: { readonly secretKey: string } | null;
  /**
   * CARD_PAYMENTS_ENABLED: the Stripe-shaped card flow (create-intent, confirm, saved methods).
   * Production refuses to start with it on and no STRIPE_SECRET_KEY; off, those routes answer
   * 503 PAYMENTS_DISABLED.
   */
  readonly cardPaymentsEnabled: boolean;
  /** Verifies `Stripe-Signature` on /api/payments/webhook whichever gateway is active. */
  readonly stripeWebhookSecret: string;
  /** PAYMENT_WEBHOOK_RETENTION_MS: how long a taken webhook event id is remembered (dedup). */
  readonly paymentWebhookRetentionMs: number;
  /**
   * The storefront's Razorpay-shaped flow: public key id and the HMAC secret of `verify`.
   * `configured`: both variables set (the Razorpay SDK). `enabled`: create-order and verify
   * work; outside production the in-memory fake stands in, in production only the real keys do
   * (otherwise both answer 503 PAYMENTS_DISABLED and `keyId` is empty, never the dev id).
   */
  readonly razorpay: {
    readonly keyId: string;
    readonly keySecret: string;
    readonly configured: boolean;
    readonly enabled: boolean;
  };
  readonly uploads: { readonly dir: string; readonly maxBytes: number };
  /** Cache-aside lifetimes (seconds) of the seed document. */
  readonly cacheTtl: {
    readonly productsSeconds: number;
    readonly searchSeconds: number;
    readonly categoriesSeconds: number;
  };
  /** The HTTP response cache (adapters/http/response-cache.ts): on/off and its in-process LRU bound. */
  readonly responseCache: { readonly enabled: boolean; readonly maxBytes: number };
  /** Dynamic answers at least this big are compressed (gzip/brotli, negotiated). */
  readonly compressionThresholdBytes: number;
  /** Compile every route schema at start instead of at each route's first request. */
  readonly compileSchemasAtStart: boolean;
  /** How often an instance checks the model store for a newer recommendation model (application/discovery ServedModel). */
  readonly servedModel: { readonly refreshMs: number };
  /** Stock held for an order being placed expires after ttlMs; a sweeper returns it every sweepIntervalMs. */
  readonly stockReservation: { readonly ttlMs: number; readonly sweepIntervalMs: number };
  /** Rejected /api/admin requests recorded in the audit log per window (application/identity AuditTrail). */
  readonly auditRejected: {
    readonly perSourceMax: number;
    readonly max: number;
    readonly windowMs: number;
  };
  /** Weighed review reports (domain/reviews ReportPolicy). */
  readonly reviewReports: {
    readonly threshold: number;
    readonly newAccountDays: number;
    readonly trustedAccountDays: number;
  };
  /** Orders awaiting online payment expire after paymentTtlMs; at most maxUnpaidPerUser per shopper. */
  readonly orderExpiry: {
    readonly paymentTtlMs: number;
    readonly sweepIntervalMs: number;
    readonly maxUnpaidPerUser: number;
  };
  /** Recorded searches (issue 12): recent searches kept per shopper, popular searches' default window. */
  readonly searchRecords: { readonly historyLimit: number; readonly popularDays: number };
  /** The delivery slot calendar (domain/delivery/slots.ts). */
  readonly delivery: {
    readonly timeZone: string;
    readonly slots: readonly SlotWindow[];
    readonly capacityPerSlot: number;
    readonly sameDayCutoffMinute: number;
    readonly holidays: readonly string[];
    readonly daysAhead: number;
  };
  /** The event outbox's sweeper: every sweepIntervalMs, events still pending redeliverAfterMs after they occurred are delivered again. */
  readonly events: {
    readonly sweepIntervalMs: number;
    readonly redeliverAfterMs: number;
    /** Completed (handler, event) pairs are forgotten this long after (hourly). */
    readonly handledRetentionMs: number;
  };
  /** The advanced search's "nearby": a florist this far from the point, or the shop where the point is this near a serviceable city. */
  readonly searchNearbyRadiusKm: number;
  /** How often each instance checks its search index against the catalog (notices missed while Redis was away). */
  readonly searchReconcileIntervalMs: number;
  /**
   * The job queue (in process, or BullMQ with REDIS_URL). `workers`: this process runs the
   * processors (false: it only enqueues, `npm run worker` processes run them). `concurrency`:
   * jobs of one queue run at once per process. `attempts`/`backoffMs`: defaults of a job that does
   * not say. `stalledIntervalMs` (BullMQ): a job whose worker died is attempted again after this.
   */
  readonly queue: {
    readonly workers: boolean;
    readonly concurrency: number;
    readonly attempts: number;
    readonly backoffMs: number;
    readonly stalledIntervalMs: number;
  };
  /**
   * Realtime channels (WebSocket and SSE on the API port; uWebSockets.js on `uwsPort` when set).
   * `replayMax` messages per channel are kept `replayTtlSeconds` for resuming clients; a
   * connection is probed every `heartbeatMs` (dead after two unanswered probes), must
   * authenticate within `authTimeoutMs` when its channel needs a user, and has its token
   * checked again every `authRecheckMs` (revoked: closed 4401). Limits: `maxMessageBytes` per
   * client message, `maxBufferedBytes` unsent per connection (then 1013), `maxMessages` client
   * messages per `messageWindowMs` (then 4429).
   */
  readonly realtime: RealtimeSettings;
  /** OpenTelemetry traces (adapters/telemetry/tracing.ts); null: the SDK is not loaded at all. */
  readonly tracing: {
    readonly serviceName: string;
    readonly exporter: 'otlp' | 'console';
    readonly otlpTracesUrl: string;
  } | null;
  /** The trained recommendation model: neighbours kept per product, model versions kept. */
  readonly recommendations: { readonly neighbours: number; readonly keepVersions: number };
  /**
   * Observability: who may scrape /api/metrics/prometheus (a bearer `token` and/or client
   * addresses in `allowIps`; neither: the route answers 404) and how long a health report is
   * reused (`healthCacheMs`), so the health routes cannot hammer the providers.
   */
  readonly observability: {
    readonly metricsToken: string | null;
    readonly metricsAllowIps: readonly string[];
    readonly healthCacheMs: number;
  };
}

/** The slot calendar from SHOP_TIMEZONE, DELIVERY_SLOTS, DELIVERY_SLOT_CAPACITY, SAME_DAY_CUTOFF, DELIVERY_HOLIDAYS, DELIVERY_DAYS_AHEAD. */
function deliveryConfig(env: Env): Config['delivery'] {
  const timeZone = str(env, 'SHOP_TIMEZONE', 'Asia/Kolkata');
  if (!isTimeZone(timeZone)) throw new ConfigError('SHOP_TIMEZONE', 'must be an IANA timezone', timeZone);
  const rawSlots = str(env, 'DELIVERY_SLOTS', '09:00-12:00,12:00-15:00,15:00-18:00,18:00-21:00');
  const slots = rawSlots.split(',').map((s) => parseSlotWindow(s));
  if (slots.some((s) => s === null) || new Set(slots.map((s) => s?.id)).size !== slots.length) {
    throw new ConfigError(
      'DELIVERY_SLOTS',
      'must be distinct HH:MM-HH:MM windows separated by commas',
      rawSlots,
    );
  }
  const rawCutoff = str(env, 'SAME_DAY_CUTOFF', '14:00');
  const cutoff = parseClock(rawCutoff);
  if (cutoff === null) throw new ConfigError('SAME_DAY_CUTOFF', 'must be a local time HH:MM', rawCutoff);
  const rawHolidays = str(env, 'DELIVERY_HOLIDAYS', '');
  const holidays = rawHolidays
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  if (holidays.some((d) => !isCalendarDate(d))) {
    throw new ConfigError('DELIVERY_HOLIDAYS', 'must be dates YYYY-MM-DD separated by commas', rawHolidays);
  }
  return {
    timeZone,
    slots: slots as SlotWindow[],
    capacityPerSlot: int(env, 'DELIVERY_SLOT_CAPACITY', 20, 1, 100_000),
    sameDayCutoffMinute: cutoff,
    holidays,
    daysAhead: int(env, 'DELIVERY_DAYS_AHEAD', 30, 0, 365),
  };
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string, value: string) {
    super(`Invalid configuration: ${variable} ${problem} (got ${JSON.stringify(value)})`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Documented development defaults (README); refused when NODE_ENV=production. */
export const DEV_STRIPE_WEBHOOK_SECRET = 'whsec_amour_florals_development_only';
export const DEV_RAZORPAY_KEY_ID = 'rzp_test_amourflorals';
export const DEV_RAZORPAY_KEY_SECRET = 'amour-florals-razorpay-development-secret';

const DAY_MS = 86_400_000;

/**
 * In production an unset secret is never the documented one: a random secret takes its place,
 * so unsigned webhooks and unverifiable payments are simply refused. The documented development
 * values themselves are refused there, and so is taking payments without a real gateway: the
 * card flow needs STRIPE_SECRET_KEY unless CARD_PAYMENTS_ENABLED=false; the storefront's
 * Razorpay flow without both Razorpay variables is disabled (the original refusing to start
 * without them was a defect: compat 12), and one variable without the other is a mistake.
 */
function paymentsConfig(
  env: Env,
  nodeEnv: string,
  generateSecret: () => string,
): Pick<
  Config,
  'stripe' | 'cardPaymentsEnabled' | 'stripeWebhookSecret' | 'paymentWebhookRetentionMs' | 'razorpay'
> {
  const production = nodeEnv === 'production';
  const secretKey = str(env, 'STRIPE_SECRET_KEY', '');
  const webhookSecret = str(env, 'STRIPE_WEBHOOK_SECRET', '');
  const keyId = str(env, 'RAZORPAY_KEY_ID', '');
  const keySecret = str(env, 'RAZORPAY_KEY_SECRET', '');
  const cardPaymentsEnabled = bool(env, 'CARD_PAYMENTS_ENABLED', true);
  const webhookRetentionMs = int(env, 'PAYMENT_WEBHOOK_RETENTION_MS', 30 * DAY_MS, 4 * DAY_MS, 365 * DAY_MS);
  const configured = keyId !== '' && keySecret !== '';
  if (production) {
    if (cardPaymentsEnabled && secretKey === '') {
      throw new ConfigError(
        'STRIPE_SECRET_KEY',
        'is required when NODE_ENV=production (or set CARD_PAYMENTS_ENABLED=false)',
        '',
      );
    }
    const devValues: readonly (readonly [string, string, string])[] = [
      ['STRIPE_WEBHOOK_SECRET', webhookSecret, DEV_STRIPE_WEBHOOK_SECRET],
      ['RAZORPAY_KEY_ID', keyId, DEV_RAZORPAY_KEY_ID],
      ['RAZORPAY_KEY_SECRET', keySecret, DEV_RAZORPAY_KEY_SECRET],
    ];
    for (const [name, value, dev] of devValues) {
      if (value === dev) {
        throw new ConfigError(
          name,
          'must not be the development default when NODE_ENV=production',
          '<hidden>',
        );
      }
    }
    if ((keyId === '') !== (keySecret === '')) {
      const missing = keyId === '' ? 'RAZORPAY_KEY_ID' : 'RAZORPAY_KEY_SECRET';
      throw new ConfigError(
        missing,
        'is required when NODE_ENV=production and the other Razorpay variable is set',
        '',
      );
    }
  }
  return {
    stripe: secretKey ? { secretKey } : null,
    cardPaymentsEnabled,
    stripeWebhookSecret: webhookSecret || (production ? generateSecret() : DEV_STRIPE_WEBHOOK_SECRET),
    // Longer than any gateway's retries (Stripe: 3 days), so a retried event is still recognised.
    paymentWebhookRetentionMs: webhookRetentionMs,
    razorpay: {
      keyId: keyId || (production ? '' : DEV_RAZORPAY_KEY_ID),
      keySecret: keySecret || (production ? generateSecret() : DEV_RAZORPAY_KEY_SECRET),
      configured,
      enabled: configured || !production,
    },
  };
}

/**
 * A provider configured by several variables: all set, or none (one line names the first missing
 * one). Answers true when all are set, false when none is.
 */
function allOrNone(variables: Readonly<Record<string, string>>, what: string): boolean {
  const names = Object.keys(variables);
  const missing = names.filter((name) => variables[name] === '');
  if (missing.length === names.length) return false;
  if (missing.length > 0) {
    throw new ConfigError(missing[0]!, `is required when any of ${names.join(', ')} is set (${what})`, '');
  }
  return true;
}

function twilioConfig(env: Env): Config['twilio'] {
  const accountSid = str(env, 'TWILIO_ACCOUNT_SID', '');
  const authToken = str(env, 'TWILIO_AUTH_TOKEN', '');
  const from = str(env, 'TWILIO_FROM', '');
  const all = { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: from };
  if (!allOrNone(all, 'Twilio SMS')) return null;
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new ConfigError('TWILIO_ACCOUNT_SID', "must be Twilio's AC followed by 32 hex digits", accountSid);
  }
  if (!/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32}|(?=[^a-zA-Z]*[A-Za-z])[A-Za-z0-9 ]{1,11})$/.test(from)) {
    throw new ConfigError(
      'TWILIO_FROM',
      'must be an E.164 number (+15005550006), a messaging service id (MG...) or an alphanumeric sender id',
      from,
    );
  }
  const apiUrl = str(env, 'TWILIO_API_URL', '');
  if (apiUrl !== '' && !/^https?:\/\/[^/]+\/?$/.test(apiUrl)) {
    throw new ConfigError('TWILIO_API_URL', 'must be an origin such as http://127.0.0.1:4010', apiUrl);
  }
  return { accountSid, authToken, from, ...(apiUrl ? { apiUrl: apiUrl.replace(/\/$/, '') } : {}) };
}

function pushEndpointHostsConfig(env: Env): readonly string[] {
  const raw = str(env, 'PUSH_ENDPOINT_HOSTS', '');
  if (raw === '') return PUSH_SERVICE_HOSTS;
  const hosts = raw.split(',').map((h) => h.trim().toLowerCase());
  const bad = hosts.find(
    (h) => !/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(h),
  );
  if (bad !== undefined) {
    throw new ConfigError('PUSH_ENDPOINT_HOSTS', 'must be a comma-separated list of host names', raw);
  }
  return hosts;
}

function vapidConfig(env: Env): Config['vapid'] {
  const publicKey = str(env, 'VAPID_PUBLIC_KEY', '');
  const privateKey = str(env, 'VAPID_PRIVATE_KEY', '');
  const subject = str(env, 'VAPID_SUBJECT', '');
  const all = { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: subject };
  if (!allOrNone(all, 'Web Push')) return null;
  if (!isBase64Url(publicKey, 65)) {
    throw new ConfigError('VAPID_PUBLIC_KEY', 'must be a base64url P-256 public key (65 bytes)', publicKey);
  }
  if (!isBase64Url(privateKey, 32)) {
    throw new ConfigError(
      'VAPID_PRIVATE_KEY',
      'must be a base64url P-256 private key (32 bytes)',
      '<hidden>',
    );
  }
  if (!/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/.test(subject)) {
    throw new ConfigError('VAPID_SUBJECT', 'must be a mailto: address or an https: URL', subject);
  }
  return { publicKey, privateKey, subject };
}

function isBase64Url(value: string, bytes: number): boolean {
  return /^[A-Za-z0-9_-]+$/.test(value) && Buffer.from(value, 'base64url').length === bytes;
}

function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}`, raw);
  }
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, 'must be true or false', raw);
}

function httpTimeouts(env: Env): Config['http'] {
  const requestTimeoutMs = int(env, 'HTTP_REQUEST_TIMEOUT_MS', 60_000, 1000, 3600_000);
  const headersTimeoutMs = int(env, 'HTTP_HEADERS_TIMEOUT_MS', 15_000, 500, 600_000);
  // Node refuses a headers timeout longer than the whole-request one.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'HTTP_HEADERS_TIMEOUT_MS',
      `must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
      String(headersTimeoutMs),
    );
  }
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1000, 600_000),
  };
}

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: `false`; a number of hops; or comma-separated proxy addresses/CIDRs (or proxy-addr's
 * `loopback`, `linklocal`, `uniquelocal`). `true` used to trust the whole chain, which let a client
 * pick its IP by writing the first hop itself; it now means exactly one proxy (the usual single
 * load balancer): the address that proxy saw is the client's.
 */
function trustProxy(env: Env): false | number | string[] {
  const raw = str(env, 'TRUST_PROXY', 'false').trim();
  if (/^(false|no|off)$/i.test(raw)) return false;
  if (/^(true|yes|on)$/i.test(raw)) return 1;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError('TRUST_PROXY', 'must be at most 10 proxy hops', raw);
    return hops === 0 ? false : hops;
  }
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (!PROXY_KEYWORDS.has(entry) && (family === 0 || !validBits || rest.length > 0)) {
      throw new ConfigError(
        'TRUST_PROXY',
        'must be false, true (one proxy), a number of proxy hops, or proxy addresses/CIDRs like 10.0.0.0/8,127.0.0.1',
        entry,
      );
    }
  }
  return entries;
}

function serviceUrl(env: Env, name: string, protocols: readonly string[]): { url: string } | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')})`, redact(raw));
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(
      name,
      `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
      redact(raw),
    );
  }
  return { url: raw };
}

/** Hides the password of a URL in error messages. */
function redact(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

function url(env: Env, name: string, fallback: string): string {
  const raw = str(env, name, fallback);
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be an absolute URL', raw);
  }
  return raw.replace(/\/$/, '');
}

const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
function duration(env: Env, name: string, fallback: string): number {
  const raw = str(env, name, fallback);
  const m = DURATION.exec(raw.trim());
  if (!m) throw new ConfigError(name, 'must be a number of seconds or a duration like 30d, 12h, 15m', raw);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/**
 * Only the Redis queue is shared between processes, and only by instances on one MongoDB
 * database (the Redis keys belong to the data: see redisKeyPrefix): a process that does not run
 * the workers would otherwise queue jobs nobody ever takes, so QUEUE_WORKERS=false needs both.
 */
function queueConfig(env: Env): Config['queue'] {
  const workers = bool(env, 'QUEUE_WORKERS', true);
  if (!workers && (str(env, 'REDIS_URL', '') === '' || str(env, 'MONGODB_URI', '') === '')) {
    throw new ConfigError(
      'QUEUE_WORKERS',
      'false needs REDIS_URL and MONGODB_URI (otherwise no other process can take this one’s jobs)',
      'false',
    );
  }
  return {
    workers,
    concurrency: int(env, 'QUEUE_CONCURRENCY', 5, 1, 1000),
    attempts: int(env, 'QUEUE_ATTEMPTS', 5, 1, 100),
    backoffMs: int(env, 'QUEUE_BACKOFF_MS', 2000, 0, 3600_000),
    stalledIntervalMs: int(env, 'QUEUE_STALLED_INTERVAL_MS', 30_000, 100, 3600_000),
  };
}

function realtimeConfig(env: Env): Config['realtime'] {
  const uwsPort = str(env, 'REALTIME_UWS_PORT', '');
  return {
    uwsPort: uwsPort === '' ? null : int(env, 'REALTIME_UWS_PORT', 0, 0, 65_535),
    replayMax: int(env, 'REALTIME_REPLAY_MAX', 100, 1, 100_000),
    replayTtlSeconds: duration(env, 'REALTIME_REPLAY_TTL', '1h'),
    heartbeatMs: int(env, 'REALTIME_HEARTBEAT_MS', 30_000, 50, 3600_000),
    authTimeoutMs: int(env, 'REALTIME_AUTH_TIMEOUT_MS', 5_000, 50, 600_000),
    authRecheckMs: int(env, 'REALTIME_AUTH_RECHECK_MS', 30_000, 50, 3600_000),
    maxMessageBytes: int(env, 'REALTIME_MAX_MESSAGE_BYTES', 4_096, 64, 1_048_576),
    maxBufferedBytes: int(env, 'REALTIME_MAX_BUFFERED_BYTES', 1_048_576, 1_024, 1_073_741_824),
    maxMessages: int(env, 'REALTIME_MAX_MESSAGES', 30, 1, 100_000),
    messageWindowMs: int(env, 'REALTIME_MESSAGE_WINDOW_MS', 10_000, 10, 3600_000),
  };
}

/** UNSUBSCRIBE_SECRET: at least 32 characters when set (it signs links that change preferences). */
/**
 * Tracing is on when TRACING_ENABLED says so, or, when it is unset, when an OTLP endpoint is set;
 * OTEL_TRACES_EXPORTER=none turns it off whatever else says. The standard OTEL_ names are read here
 * (not by the SDK from the environment) so a bad value stops the start like any other.
 */
function tracingConfig(env: Env): Config['tracing'] {
  const exporter = str(env, 'OTEL_TRACES_EXPORTER', 'otlp');
  if (exporter !== 'otlp' && exporter !== 'console' && exporter !== 'none') {
    throw new ConfigError('OTEL_TRACES_EXPORTER', 'must be otlp, console or none', exporter);
  }
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const configured = Boolean(tracesEndpoint) || Boolean(endpoint) || exporter === 'console';
  if (exporter === 'none' || !bool(env, 'TRACING_ENABLED', configured)) return null;
  return {
    serviceName: str(env, 'OTEL_SERVICE_NAME', 'amour-florals-api'),
    exporter,
    otlpTracesUrl: tracesEndpoint
      ? url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '')
      : `${url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', 'http://localhost:4318')}/v1/traces`,
  };
}

function unsubscribeSecret(env: Env): string | null {
  const secret = str(env, 'UNSUBSCRIBE_SECRET', '');
  if (secret === '') return null;
  if (secret.length < 32)
    throw new ConfigError('UNSUBSCRIBE_SECRET', 'must be at least 32 characters', '<hidden>');
  return secret;
}

/** PII_MASTER_KEY / PII_MASTER_KEY_ID: refused when missing in production or on MongoDB, or not 32 bytes. */
function piiConfig(env: Env, production: boolean, generateSecret: () => string): Config['pii'] {
  const masterKeyId = str(env, 'PII_MASTER_KEY_ID', 'local-1');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(masterKeyId))
    throw new ConfigError('PII_MASTER_KEY_ID', 'must be 1-64 letters, digits, ".", "_" or "-"', masterKeyId);
  const raw = str(env, 'PII_MASTER_KEY', '');
  if (raw === '') {
    if (production) throw new ConfigError('PII_MASTER_KEY', 'is required when NODE_ENV=production', '');
    if (str(env, 'MONGODB_URI', '') !== '') {
      throw new ConfigError(
        'PII_MASTER_KEY',
        'is required with MONGODB_URI (a generated key would leave the stored personal data unreadable after a restart); use e.g. openssl rand -base64 32',
        '',
      );
    }
    const generated = createHash('sha256').update(generateSecret()).digest('base64');
    return { masterKey: generated, masterKeyId, generated: true };
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw) || Buffer.from(raw, 'base64').length !== 32) {
    throw new ConfigError(
      'PII_MASTER_KEY',
      'must be the base64 of 32 bytes (openssl rand -base64 32)',
      '<hidden>',
    );
  }
  return { masterKey: raw, masterKeyId, generated: false };
}

export function loadConfig(env: Env, generateSecret: () => string): Config {
  const nodeEnv = str(env, 'NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const jwtSecretRaw = env.JWT_SECRET;
  if (jwtSecretRaw !== undefined && jwtSecretRaw !== '' && jwtSecretRaw.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters', '<hidden>');
  }
  if (production && (jwtSecretRaw === undefined || jwtSecretRaw === '')) {
    throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production', '');
  }
  if (production) {
    const weakness = signingKeyWeakness(jwtSecretRaw!);
    if (weakness)
      throw new ConfigError('JWT_SECRET', `${weakness}; use e.g. openssl rand -hex 32`, '<hidden>');
  }
  const adminEmail = str(env, 'ADMIN_EMAIL', 'admin@amourflorals.local').toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail))
    throw new ConfigError('ADMIN_EMAIL', 'must be an email', adminEmail);
  const adminPassword = env.ADMIN_PASSWORD === '' ? undefined : env.ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD', 'must be at least 8 characters', '<hidden>');
  }
  if (production && adminPassword !== undefined) {
    const weakness = passwordWeakness(adminPassword, adminEmail);
    if (weakness) throw new ConfigError('ADMIN_PASSWORD', weakness, '<hidden>');
  }
  const corsOrigins = str(env, 'CORS_ORIGINS', 'http://localhost:5173,http://localhost:5174')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        'CORS_ORIGINS',
        'must be a comma-separated list of origins like https://shop.example',
        origin,
      );
    }
  }
  const port = int(env, 'PORT', 5000, 0, 65535);
  return {
    nodeEnv,
    port,
    host: str(env, 'HOST', '0.0.0.0'),
    logLevel: str(env, 'LOG_LEVEL', nodeEnv === 'test' ? 'silent' : 'info'),
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${port}`),
    frontendUrl: url(env, 'FRONTEND_URL', 'http://localhost:5173'),
    jwt: {
      secret: jwtSecretRaw || generateSecret(),
      secretGenerated: !jwtSecretRaw,
      expiresInSeconds: duration(env, 'JWT_EXPIRES_IN', '30d'),
    },
    bcryptRounds: int(env, 'BCRYPT_ROUNDS', 12, 4, 15),
    hashWorkers:
      env.HASH_WORKERS === undefined || env.HASH_WORKERS === ''
        ? undefined
        : int(env, 'HASH_WORKERS', 0, 0, 64),
    hashQueueMax: int(env, 'HASH_QUEUE_MAX', 16, 0, 100_000),
    admin: { email: adminEmail, password: adminPassword, revealGeneratedPassword: !production },
    // Production never gets the demo catalog by default: only an explicit SEED_DEMO=true.
    seedDemo: bool(env, 'SEED_DEMO', !production),
    logoutGraceMs: int(env, 'LOGOUT_GRACE_MS', 5000, 0, 60_000),
    mfaRequiredForAdmins: bool(env, 'MFA_REQUIRED_FOR_ADMINS', false),
    corsOrigins,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 50 * 1_048_576),
    trustProxy: trustProxy(env),
    http: httpTimeouts(env),
    shutdown: {
      graceMs: int(env, 'SHUTDOWN_GRACE_MS', 1000, 0, 600_000),
      timeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 15_000, 100, 600_000),
    },
    rateLimit: {
      enabled: bool(env, 'RATE_LIMIT_ENABLED', true),
      windowMs: int(env, 'RATE_LIMIT_WINDOW_MS', 15 * 60_000, 1000, 24 * 3600_000),
      max: int(env, 'RATE_LIMIT_MAX', 1000, 1, 100_000_000),
      authMax: int(env, 'RATE_LIMIT_AUTH_MAX', 100, 1, 100_000_000),
      failedAuthMax: int(env, 'RATE_LIMIT_FAILED_AUTH_MAX', 50, 1, 100_000_000),
      wishlistMax: int(env, 'RATE_LIMIT_WISHLIST_MAX', 600, 1, 100_000_000),
      wishlistWindowMs: int(env, 'RATE_LIMIT_WISHLIST_WINDOW_MS', 1000, 100, 24 * 3600_000),
      budgets: {
        auth: {
          ipMax: int(env, 'RATE_LIMIT_AUTH_IP_MAX', 300, 1, 100_000_000),
          userMax: int(env, 'RATE_LIMIT_AUTH_USER_MAX', 150, 1, 100_000_000),
        },
        search: {
          ipMax: int(env, 'RATE_LIMIT_SEARCH_IP_MAX', 600, 1, 100_000_000),
          userMax: int(env, 'RATE_LIMIT_SEARCH_USER_MAX', 300, 1, 100_000_000),
        },
        checkout: {
          ipMax: int(env, 'RATE_LIMIT_CHECKOUT_IP_MAX', 60, 1, 100_000_000),
          userMax: int(env, 'RATE_LIMIT_CHECKOUT_USER_MAX', 30, 1, 100_000_000),
        },
        admin: {
          ipMax: int(env, 'RATE_LIMIT_ADMIN_IP_MAX', 1000, 1, 100_000_000),
          userMax: int(env, 'RATE_LIMIT_ADMIN_USER_MAX', 600, 1, 100_000_000),
        },
      },
      apiKeyMax: int(env, 'API_KEY_RATE_LIMIT_MAX', 1000, 1, 100_000_000),
      apiKeyWindowMs: int(env, 'API_KEY_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 24 * 3600_000),
    },
    loginThrottle: {
      maxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
      maxAccountFailures: int(env, 'LOGIN_MAX_ACCOUNT_FAILURES', 10, 1, 100_000),
      maxIpFailures: int(env, 'LOGIN_MAX_IP_FAILURES', 30, 1, 100_000),
      windowMs: int(env, 'LOGIN_LOCKOUT_MS', 15 * 60_000, 1000, 24 * 3600_000),
      maxLockMs: int(env, 'LOGIN_LOCKOUT_MAX_MS', 4 * 3600_000, 1000, 30 * 24 * 3600_000),
      maxConcurrentPerIp: int(env, 'LOGIN_MAX_CONCURRENT_PER_IP', 2, 1, 1000),
    },
    mail: {
      outboxDir: str(env, 'MAIL_OUTBOX_DIR', 'var/outbox'),
      from: str(env, 'MAIL_FROM', 'Amour Florals <no-reply@amourflorals.local>'),
    },
    sms: { outboxDir: str(env, 'SMS_OUTBOX_DIR', 'var/sms-outbox') },
    notifications: {
      attempts: int(env, 'NOTIFICATION_ATTEMPTS', 5, 1, 20),
      backoffMs: int(env, 'NOTIFICATION_BACKOFF_MS', 5000, 1, 3600_000),
      resumeAfterMs: int(env, 'NOTIFICATION_RESUME_AFTER_MS', 60_000, 1000, 24 * 3600_000),
      resumeIntervalMs: int(env, 'NOTIFICATION_RESUME_INTERVAL_MS', 60_000, 100, 3600_000),
      recipientMax: int(env, 'NOTIFICATION_RECIPIENT_MAX', 5, 1, 1_000_000),
      recipientTransactionalMax: int(env, 'NOTIFICATION_RECIPIENT_TRANSACTIONAL_MAX', 30, 1, 1_000_000),
      recipientWindowMs: int(env, 'NOTIFICATION_RECIPIENT_WINDOW_MS', 3600_000, 1000, 30 * 24 * 3600_000),
      unsubscribeSecret: unsubscribeSecret(env),
    },
    twilio: twilioConfig(env),
    vapid: vapidConfig(env),
    pushEndpointHosts: pushEndpointHostsConfig(env),
    pii: piiConfig(env, production, generateSecret),
    mongo: (() => {
      const m = serviceUrl(env, 'MONGODB_URI', ['mongodb', 'mongodb+srv']);
      return m ? { uri: m.url, timeoutMs: int(env, 'MONGODB_TIMEOUT_MS', 800, 100, 60_000) } : null;
    })(),
    redis: serviceUrl(env, 'REDIS_URL', ['redis', 'rediss']),
    smtp: serviceUrl(env, 'SMTP_URL', ['smtp', 'smtps']),
    cloudinary: serviceUrl(env, 'CLOUDINARY_URL', ['cloudinary']),
    ...paymentsConfig(env, nodeEnv, generateSecret),
    uploads: {
      dir: str(env, 'UPLOADS_DIR', 'var/uploads'),
      maxBytes: int(env, 'UPLOAD_MAX_BYTES', 5 * 1_048_576, 1024, 50 * 1_048_576),
    },
    cacheTtl: {
      productsSeconds: int(env, 'CACHE_TTL_PRODUCTS_SECONDS', 30 * 60, 1, 7 * 86400),
      searchSeconds: int(env, 'CACHE_TTL_SEARCH_SECONDS', 15 * 60, 1, 7 * 86400),
      categoriesSeconds: int(env, 'CACHE_TTL_CATEGORIES_SECONDS', 6 * 3600, 1, 7 * 86400),
    },
    responseCache: {
      enabled: bool(env, 'RESPONSE_CACHE_ENABLED', true),
      maxBytes: int(env, 'RESPONSE_CACHE_MAX_BYTES', 64 * 1024 * 1024, 1024, 8 * 1024 * 1024 * 1024),
    },
    compressionThresholdBytes: int(env, 'COMPRESSION_THRESHOLD_BYTES', 1024, 0, 1024 * 1024 * 1024),
    compileSchemasAtStart: bool(env, 'SCHEMAS_COMPILE_AT_START', false),
    servedModel: { refreshMs: 1000 * int(env, 'RECOMMENDATIONS_REFRESH_SECONDS', 30, 1, 24 * 3600) },
    stockReservation: {
      ttlMs: int(env, 'STOCK_RESERVATION_TTL_MS', 15 * 60_000, 1000, 24 * 3600_000),
      sweepIntervalMs: int(env, 'STOCK_SWEEP_INTERVAL_MS', 60_000, 100, 3600_000),
    },
    auditRejected: {
      perSourceMax: int(env, 'AUDIT_REJECTED_PER_IP_MAX', 100, 1, 1_000_000),
      max: int(env, 'AUDIT_REJECTED_MAX', 1000, 1, 10_000_000),
      windowMs: int(env, 'AUDIT_REJECTED_WINDOW_MS', 60_000, 1000, 24 * 3600_000),
    },
    reviewReports: {
      threshold: int(env, 'REVIEW_REPORT_THRESHOLD', 6, 1, 1000),
      newAccountDays: int(env, 'REVIEW_REPORT_NEW_ACCOUNT_DAYS', 7, 0, 3650),
      trustedAccountDays: int(env, 'REVIEW_REPORT_TRUSTED_ACCOUNT_DAYS', 90, 0, 3650),
    },
    orderExpiry: {
      paymentTtlMs: int(env, 'ORDER_PAYMENT_TTL_MS', 30 * 60_000, 1000, 30 * 86400_000),
      sweepIntervalMs: int(env, 'ORDER_EXPIRY_SWEEP_INTERVAL_MS', 60_000, 100, 3600_000),
      maxUnpaidPerUser: int(env, 'MAX_UNPAID_ORDERS_PER_USER', 3, 1, 1000),
    },
    delivery: deliveryConfig(env),
    searchRecords: {
      historyLimit: int(env, 'SEARCH_HISTORY_LIMIT', 20, 1, 200),
      popularDays: int(env, 'SEARCH_POPULAR_DAYS', 7, 1, 365),
    },
    events: {
      sweepIntervalMs: int(env, 'EVENT_SWEEP_INTERVAL_MS', 10_000, 100, 3600_000),
      redeliverAfterMs: int(env, 'EVENT_REDELIVER_AFTER_MS', 30_000, 0, 3600_000),
      handledRetentionMs: int(env, 'EVENT_HANDLED_RETENTION_MS', 7 * 86_400_000, 3600_000, 365 * 86_400_000),
    },
    searchNearbyRadiusKm: int(env, 'SEARCH_NEARBY_RADIUS_KM', 25, 1, 500),
    searchReconcileIntervalMs: int(env, 'SEARCH_RECONCILE_INTERVAL_MS', 300_000, 1000, 86_400_000),
    queue: queueConfig(env),
    realtime: realtimeConfig(env),
    tracing: tracingConfig(env),
    recommendations: {
      neighbours: int(env, 'RECOMMENDATIONS_NEIGHBOURS', 20, 1, 200),
      keepVersions: int(env, 'RECOMMENDATIONS_KEEP_VERSIONS', 5, 1, 100),
    },
    observability: observabilityConfig(env),
  };
}

/** METRICS_TOKEN (at least 16 characters), METRICS_ALLOW_IPS (addresses/CIDRs), HEALTH_CACHE_MS. */
function observabilityConfig(env: Env): Config['observability'] {
  const token = str(env, 'METRICS_TOKEN', '');
  if (token !== '' && (token.length < 16 || token.length > 512 || /\s/.test(token))) {
    throw new ConfigError('METRICS_TOKEN', 'must be 16 to 512 characters without spaces', '<redacted>');
  }
  const allowIps = str(env, 'METRICS_ALLOW_IPS', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of allowIps) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    if (
      family === 0 ||
      rest.length > 0 ||
      (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))
    ) {
      throw new ConfigError(
        'METRICS_ALLOW_IPS',
        'must be addresses or CIDRs like 10.0.0.0/8,127.0.0.1',
        entry,
      );
    }
  }
  return {
    metricsToken: token === '' ? null : token,
    metricsAllowIps: allowIps,
    healthCacheMs: int(env, 'HEALTH_CACHE_MS', 10_000, 0, 600_000),
  };
}
