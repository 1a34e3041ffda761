import { searchPlugin } from './search/plugin.js';
import { advancedSearchRoutes } from './search/advanced-routes.js';
import { analyticsRoutes } from './analytics/routes.js';
import { batchRoutes, refuseUnbatchable } from './batch/routes.js';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cors from '@fastify/cors';
import compress from '@fastify/compress';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { SnapshotLocalStore } from './rate-limit-store.js';
import type { Redis } from 'ioredis';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { bodyFieldsOf, DomainFailure, httpError, routeNotFoundBody } from './errors.js';
import {
  bearerToken,
  failWithRetryAfter,
  tooManyRequestsFor,
  tooManyRequestsFromIp,
  isAdminGuard,
  type FailedAuthLimit,
} from './auth.js';
import { TOKEN_SERVICE, type TokenService } from '../../application/identity/ports.js';
import { addInputRules, ErrorBody } from './schemas.js';
import { registerSecurityHeaders } from './security-headers.js';
import { lazyChildLoggerFactory } from './request-logger.js';
import { precomputedCorsHeaders } from './cors.js';
import type { App, HttpRouteDeps, Resolver, RouteLimits } from './types.js';
import { identityRoutes } from './identity/routes.js';
import { completeDeferredSignatureCheck, keepRawBody } from './signing/verify.js';
import { documentSignature } from './signing/openapi.js';
import { signingRoutes } from './signing/routes.js';
import { userRoutes } from './identity/user-routes.js';
import { favoritesRoutes } from './wishlist/favorites-routes.js';
import { catalogRoutes } from './catalog/routes.js';
import { cartRoutes } from './cart/routes.js';
import { wishlistRoutes } from './wishlist/routes.js';
import { reviewRoutes } from './reviews/routes.js';
import { discoveryRoutes } from './discovery/routes.js';
import { recommendationTrainingRoutes } from './discovery/train-routes.js';
import { orderingRoutes } from './ordering/routes.js';
import { locationRoutes } from './location/routes.js';
import { deliveryRoutes } from './delivery/routes.js';
import { healthRoutes, statusRoutes } from './health/routes.js';
import { metricsRoutes, observeHttp } from './metrics/plugin.js';
import { adminRoutes } from './admin/plugin.js';
import { apiKeyGate, carriesApiKey } from './api-keys/authenticate.js';
import { adminPage } from './admin/page.js';
import { auditAdminMutations } from './admin/audit.js';
import { paymentsRoutes } from './payments/routes.js';
import { promotionsRoutes } from './promotions/routes.js';
import { inventoryRoutes } from './inventory/routes.js';
import { notificationsPlugin } from './notifications/plugin.js';
import { registerResponseCache, type ResponseCacheSettings } from './response-cache.js';
import { CACHE, type Cache } from '../../application/shared/ports.js';
import { METRICS, type Metrics } from '../../application/shared/metrics.js';
import { registerUploads, UPLOADS_HTTP, type UploadsHttpSettings } from './media/uploads.js';
import { realtimeTransport } from '../realtime/fastify-transport.js';
import type { RealtimeEndpoint } from '../realtime/connection.js';
import { asyncApiDocument } from '../realtime/asyncapi.js';
import { runWithRequestId } from '../telemetry/trace-context.js';
import type { RealtimeSettings } from '../realtime/protocol.js';

export interface RateLimitOptions {
  readonly enabled: boolean;
  /** The general per-IP budget over `windowMs` (compat 0.6: 1000 per 15 min). */
  readonly max: number;
  readonly windowMs: number;
  /** login/register/forgot/reset: ONE smaller per-IP budget over `windowMs`, shared by the four. */
  readonly authMax: number;
  /** Failed bearer-token authentications per IP over `windowMs` (any route) before 429. */
  readonly failedAuthMax: number;
  /** GET /wishlist is polled by the storefront (compat 13): its own per-caller budget, per `wishlistWindowMs`. */
  readonly wishlistMax: number;
  readonly wishlistWindowMs: number;
  /** Issue 13: per-IP and per-user budgets of each kind of route, over `windowMs` (see budgetKindOf). */
  readonly budgets: Readonly<Record<BudgetKind, RouteBudget>>;
  /** Each API key's own budget (per key id) over `apiKeyWindowMs`; requests with a key skip the per-IP one. */
  readonly apiKeyMax: number;
  readonly apiKeyWindowMs: number;
  /**
   * Counters on Redis, shared by every instance; when Redis errors a request is let through
   * (skipOnError) rather than refused. Absent: counters in this process.
   */
  readonly redis?: { readonly client: Redis; readonly nameSpace: string };
}

/** The kinds of route with budgets of their own, per IP and per user, on top of the general one. */
export type BudgetKind = 'auth' | 'search' | 'checkout' | 'admin';
export interface RouteBudget {
  readonly ipMax: number;
  readonly userMax: number;
}

/** Checkout: placing an order and creating or verifying its payment. */
const CHECKOUT_ROUTES = new Set([
  'POST /api/orders',
  'POST /api/payments/create-intent',
  'POST /api/payments/confirm',
  'POST /api/payments/create-order',
  'POST /api/payments/verify',
]);

/**
 * Which budget a request spends, from its route's pattern (after the /api/api rewrite): every
 * /api/auth route; searches (/api/search/*, /api/products/search*, the product list with `q` or
 * `search`); checkout; the admin area and every admin-only route elsewhere (marked `adminOnly`
 * when registered). Null: only the general budget.
 */
export function budgetKindOf(
  method: string,
  routeUrl: string | undefined,
  query: unknown,
  adminOnly = false,
): BudgetKind | null {
  if (!routeUrl) return null;
  const under = (prefix: string) => routeUrl === prefix || routeUrl.startsWith(`${prefix}/`);
  if (under('/api/auth')) return 'auth';
  if (under('/api/admin') || adminOnly) return 'admin';
  if (under('/api/search') || under('/api/products/search')) return 'search';
  if (routeUrl === '/api/products' && method === 'GET' && query && typeof query === 'object') {
    const { q, search } = query as Record<string, unknown>;
    if ((typeof q === 'string' && q !== '') || (typeof search === 'string' && search !== '')) return 'search';
  }
  if (CHECKOUT_ROUTES.has(`${method} ${routeUrl}`)) return 'checkout';
  return null;
}

/**
 * Counts one request against a named budget for `key` (an IP, a user id, an API key id); over it,
 * answers 429 RATE_LIMITED with Retry-After. Null when rate limiting is off. The API-key
 * authentication counts its per-key budget through this (`name: 'api-key'`).
 */
export type CountBudget = (
  request: FastifyRequest,
  reply: FastifyReply,
  budget: { readonly name: string; readonly key: string; readonly max: number; readonly scope: string },
) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    countBudget: CountBudget | null;
  }
  interface FastifyContextConfig {
    /** Set at registration for routes guarded by requireAdmin: they spend the admin budget. */
    adminOnly?: boolean;
  }
}

export interface HttpOptions {
  readonly logger: FastifyBaseLogger | false;
  /**
   * Recognises a failure of an unreachable dependency (the database down or restarting): answered
   * 503 DATABASE_UNAVAILABLE instead of 500. Given by bootstrap, which knows the adapters.
   */
  readonly isDependencyUnavailable?: (error: unknown) => boolean;
  readonly bodyLimitBytes: number;
  /** false, a number of proxy hops, or the proxies' addresses/CIDRs (never "trust the whole chain"). */
  readonly trustProxy: false | number | readonly string[];
  /** Whole request (body included), request headers, idle keep-alive connection; all in ms. */
  readonly timeouts: {
    readonly requestMs: number;
    readonly headersMs: number;
    readonly keepAliveMs: number;
  };
  readonly corsOrigins: readonly string[];
  readonly rateLimit: RateLimitOptions;
  readonly environment: string;
  readonly version: string;
  /** What the AsyncAPI document (/api/asyncapi.json) states of the realtime channels. */
  readonly realtime: RealtimeSettings;
  /**
   * The realtime protocol (bootstrap resolves it from the container): its channels are served on
   * this port as WebSocket upgrades and Server-Sent Events. Absent: no realtime routes.
   */
  readonly realtimeEndpoint?: RealtimeEndpoint;
  /** The public catalog reads' response cache (routes opt in with `config.responseCache`). */
  readonly responseCache: ResponseCacheSettings;
  /** Dynamic answers at least this big are compressed, negotiated by Accept-Encoding. */
  readonly compressionThresholdBytes: number;
  /** Compile every route schema at start (tests) instead of at each route's first request. */
  readonly compileSchemasAtStart?: boolean;
}

// ajv-formats is CommonJS with `exports.default`; under NodeNext the function is that default.
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
    // A body's 1e400 parses to Infinity: not a number on the wire. Not with coercion, though: ajv
    // coerces a query's "Infinity" and then, under strictNumbers, skips minimum/maximum for it;
    // without it the bounds every numeric input carries (schemas.ts) refuse it.
    strictNumbers: coerceTypes === false,
  });
  addFormats(ajv);
  addInputRules(ajv);
  return ajv;
}

/** A route guarded by the requireAdmin hook of authHooks (found by its name, whatever the mount). */
function isAdminOnly(route: { onRequest?: unknown; preValidation?: unknown; preHandler?: unknown }): boolean {
  const hooks = [route.onRequest, route.preValidation, route.preHandler].flat();
  return hooks.some(isAdminGuard);
}

/** The doubled prefix the storefront sends (compat 0.1): `/api/api/x` is served as `/api/x`. */
export function stripDoubledApiPrefix(url: string): string {
  if (url === '/api/api' || url.startsWith('/api/api/') || url.startsWith('/api/api?')) return url.slice(4);
  return url;
}

function fieldOf(instancePath: string, params: Record<string, unknown>): string {
  const path = instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra =
    typeof params.missingProperty === 'string'
      ? params.missingProperty
      : typeof params.additionalProperty === 'string'
        ? params.additionalProperty
        : '';
  return [path, extra].filter(Boolean).join('.') || '(root)';
}

export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly hidden: boolean;
  readonly schema: unknown;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: readonly RegisteredRoute[];
  }
}

interface ErrorAnswer {
  readonly statusCode: number;
  readonly body: { status: 'error'; message: string; code: string; [key: string]: unknown };
}

// Issue 8: the database being unreachable (down, restarting, not connected yet) is a 503 the
// client may retry, not a 500 bug.
const DATABASE_UNAVAILABLE = new DomainFailure(
  httpError('DATABASE_UNAVAILABLE', 'The database is unavailable; please try again shortly'),
);

/** Every failure, whatever threw it, becomes one of these; nothing but a bug answers 500. */
export function errorResponse(
  error: FastifyError | DomainFailure,
  requestId: string,
  isDependencyUnavailable: (error: unknown) => boolean = () => false,
): ErrorAnswer {
  if (isDependencyUnavailable(error)) return errorResponse(DATABASE_UNAVAILABLE, requestId);
  if (error instanceof DomainFailure) {
    return {
      statusCode: error.statusCode,
      body: { status: 'error', message: error.message, code: error.answerCode, ...bodyFieldsOf(error.error) },
    };
  }
  if (error.validation) {
    const errors = error.validation.map((v) => ({
      field: `${error.validationContext ?? 'body'}.${fieldOf(v.instancePath, v.params as Record<string, unknown>)}`,
      message: v.message ?? 'is invalid',
    }));
    const message = `Invalid input: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`;
    return { statusCode: 400, body: { status: 'error', message, code: 'VALIDATION_FAILED', errors } };
  }
  const statusCode = error.statusCode ?? 500;
  if (statusCode === 429) {
    // The rate-limit plugin's errorResponseBuilder says when to retry (retryAfter, seconds).
    const { retryAfter } = error as { retryAfter?: unknown };
    return {
      statusCode,
      body: {
        status: 'error',
        error: error.message,
        message: error.message,
        code: 'RATE_LIMITED',
        ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
      },
    };
  }
  if (statusCode >= 400 && statusCode < 500) {
    const message =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? 'Malformed JSON in request body'
        : error.message;
    return { statusCode, body: { status: 'error', message, code: error.code ?? 'BAD_REQUEST' } };
  }
  return {
    statusCode: 500,
    body: { status: 'error', message: 'Something went wrong on our side', code: 'INTERNAL', requestId },
  };
}

/**
 * Errors Node's HTTP parser raises before there is a request (stalled headers or body, oversized
 * headers, garbage): answered on the raw socket, in the same envelope as every other error.
 */
export function clientErrorAnswer(error: Error & { code?: string }): ErrorAnswer {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      statusCode: 408,
      body: { status: 'error', message: 'The request was not received in time', code: 'REQUEST_TIMEOUT' },
    };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      statusCode: 431,
      body: { status: 'error', message: 'The request headers are too large', code: 'HEADERS_TOO_LARGE' },
    };
  }
  return {
    statusCode: 400,
    body: { status: 'error', message: 'Malformed HTTP request', code: 'BAD_REQUEST' },
  };
}

function onClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection is gone: nothing to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const { statusCode, body } = clientErrorAnswer(error);
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy();
}

/** Failures the router meets before a route is chosen (over-long path parameter, undecodable URL). */
export function frameworkErrorAnswer(error: FastifyError, requestId: string): ErrorAnswer {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return {
      statusCode: 414,
      body: {
        status: 'error',
        message: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
        code: 'URI_TOO_LONG',
      },
    };
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return { statusCode: 400, body: { status: 'error', message: 'Malformed URL', code: 'BAD_URL' } };
  }
  return errorResponse(error, requestId);
}

export const MAX_PARAM_LENGTH = 200;

const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'];

const TRANSPORT_ERRORS: Record<number, string> = {
  408: 'The request (headers or body) did not arrive within the server timeouts',
  413: 'Body too large',
  414: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
  431: 'Request headers too large',
};

/**
 * Failures the HTTP layer itself can answer on a route, in the error envelope, added to the
 * route's documented responses: 408 and 431 anywhere, 414 with path parameters, 413 with a body.
 */
export function withTransportErrors(url: string, method: string | string[], response: unknown): unknown {
  if (response === null || typeof response !== 'object') return response;
  const methods = (Array.isArray(method) ? method : [method]).map((m) => m.toUpperCase());
  const statuses = [408, 431];
  if (url.includes(':')) statuses.push(414);
  if (methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH')) statuses.push(413);
  const out: Record<string, unknown> = { ...response };
  for (const status of statuses) {
    if (!(status in out)) out[status] = { ...ErrorBody, description: TRANSPORT_ERRORS[status] };
  }
  return out;
}

/**
 * Fastify's trust setting from ours. A number of hops becomes "trust the socket peer and the
 * next n-1 addresses": proxy-addr walks from the socket outward (hop 0 is the socket), so the
 * client address is the one the outermost trusted proxy saw, never an entry the client wrote.
 * (Fastify itself treats a bare number as "trust nothing".)
 */
export function trustProxyOption(
  trust: false | number | readonly string[],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

/**
 * Success bodies are serialized by fast-json-stringify from their schemas (fast, and nothing
 * undeclared leaks). Error bodies are built by the one error handler and documented for OpenAPI
 * only: compiling a serializer for each route's every error status cost ~280 ms of start-up for
 * no gain on a rare path, so they go through JSON.stringify.
 */
const buildFastSerializer = SerializerSelector();
function serializerFactory(eager: boolean) {
  return (...args: Parameters<typeof buildFastSerializer>) => {
    const compileFast = buildFastSerializer(...args);
    return (route: Parameters<typeof compileFast>[0]) =>
      /^[45]/.test(String(route.httpStatus))
        ? (data: unknown) => JSON.stringify(data)
        : compiledOnFirstUse(() => compileFast(route), eager);
  };
}

/**
 * A route schema's validator or serializer, compiled when a request first needs it. Compiling
 * every schema of ~800 routes (each also under /api/api) at start-up was most of the seconds
 * before the first answer; most routes of an instance are never called. Ajv's `errors` (what
 * Fastify reads after a failed validation) are carried over from the compiled function.
 * `eager` (HttpOptions.compileSchemasAtStart: the OpenAPI test) compiles them all at start, so a
 * schema that cannot compile fails a test instead of a first request.
 */
function compiledOnFirstUse<F extends (data: never) => unknown>(
  compile: () => F,
  eager: boolean,
): F & { errors?: unknown } {
  if (eager) return compile();
  let compiled: (F & { errors?: unknown }) | undefined;
  const lazy = ((data: never) => {
    compiled ??= compile();
    const result = compiled(data);
    lazy.errors = compiled.errors;
    return result;
  }) as F & { errors?: unknown };
  return lazy;
}

/**
 * TypeBox writes JSON Schema 2019+ numeric bounds (`exclusiveMinimum: 0`); OpenAPI 3.0.3 (draft 4
 * style) wants `minimum: 0, exclusiveMinimum: true`. Validation keeps the route schemas as they
 * are; only the published document is rewritten, so every route, present and future, is valid 3.0.
 */
export function toOpenApi30Bounds<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n: unknown) => toOpenApi30Bounds(n)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = toOpenApi30Bounds(value);
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    const value = out[exclusive];
    if (typeof value !== 'number') continue;
    const current = out[bound];
    // Both given: JSON Schema applies both; keep the tighter one (equal: the exclusive one wins).
    const tighter =
      typeof current !== 'number' || (bound === 'minimum' ? value >= current : value <= current);
    if (tighter) {
      out[bound] = value;
      out[exclusive] = true;
    } else delete out[exclusive];
  }
  return out as T;
}

/** Per server: whether it drains, and since when each open connection has had no request in progress. */
interface DrainState {
  draining: boolean;
  readonly idleSince: Map<Socket, number>;
}
const drainStates = new WeakMap<object, DrainState>();

export interface DrainOptions {
  /** During the drain, a keep-alive connection with no request for this long is closed. */
  readonly graceMs: number;
  /** From the call: connections still open then are destroyed. */
  readonly timeoutMs: number;
  readonly onForce?: (openConnections: number) => void;
}

function openConnections(server: NetServer): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}

/**
 * Graceful shutdown of a listening server: stop accepting connections, answer everything that
 * still arrives with `Connection: close` (so each keep-alive connection closes after its next
 * answer), let in-flight requests finish, close connections that stay idle for `graceMs`, then
 * close Fastify. Whatever is still open at `timeoutMs` is destroyed. Answers whether the deadline
 * had to force connections closed.
 *
 * Why not just `app.close()`: Node's http `server.close()` closes every idle keep-alive
 * connection at once, so a client that has just sent its next request on one gets ECONNRESET
 * instead of an answer (under load, about one request per connection). Here the listener alone
 * is stopped (the net.Server close), and an idle connection is closed only once it has been idle
 * for `graceMs`, checked after pending I/O is read (setImmediate), so a request already received
 * counts as activity even when the event loop was slow.
 */
export async function drainAndClose(app: App, options: DrainOptions): Promise<{ forced: boolean }> {
  const server = app.server;
  const state = drainStates.get(app);
  if (!server.listening || !state) {
    await app.close();
    return { forced: false };
  }
  state.draining = true;
  // Accept the connections already waiting in the kernel's backlog (the poll phase runs before
  // setImmediate) so their requests get answered; closing the listener would reset them.
  await new Promise((r) => setImmediate(r));
  NetServer.prototype.close.call(server);
  let forced = false;
  const deadline = setTimeout(() => {
    forced = true;
    void openConnections(server).then((open) => {
      options.onForce?.(open);
      server.closeAllConnections();
    });
  }, options.timeoutMs);
  try {
    while (!forced && (await openConnections(server)) > 0) {
      await new Promise((r) => setTimeout(r, 25));
      await new Promise<void>((r) =>
        setImmediate(() => {
          const now = Date.now();
          for (const [socket, since] of state.idleSince) {
            if (now - since >= options.graceMs) socket.destroy();
          }
          r();
        }),
      );
    }
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
  return { forced };
}

export async function buildHttpServer(resolve: Resolver, options: HttpOptions): Promise<App> {
  const app = Fastify({
    ...(options.logger === false ? { logger: false } : { loggerInstance: options.logger }),
    // request.log is made at its first written line (most requests write none).
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: options.bodyLimitBytes,
    // Only the configured hops/addresses are believed, so a client cannot pick its IP (and so its
    // rate-limit and login-lockout bucket) by writing its own first X-Forwarded-For entry.
    trustProxy: trustProxyOption(options.trustProxy),
    // A request that never finishes (slow body, stalled headers) is answered 408 and closed
    // instead of holding its connection (and shutdown) forever. Node checks every
    // connectionsCheckingInterval, so that interval is kept well below the timeouts.
    requestTimeout: options.timeouts.requestMs,
    keepAliveTimeout: options.timeouts.keepAliveMs,
    http: {
      requestTimeout: options.timeouts.requestMs,
      headersTimeout: options.timeouts.headersMs,
      connectionsCheckingInterval: Math.max(
        100,
        Math.min(5000, Math.floor(Math.min(options.timeouts.headersMs, options.timeouts.requestMs) / 4)),
      ),
    },
    clientErrorHandler: onClientError,
    frameworkErrors: (error, request, reply) => {
      const { statusCode, body } = frameworkErrorAnswer(error, request.id);
      void (reply as unknown as FastifyReply).status(statusCode).send(body);
    },
    // Shutdown drains (see drainAndClose): requests that still arrive are answered, not 503'd.
    return503OnClosing: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    rewriteUrl: (req) => stripDoubledApiPrefix(req.url ?? '/'),
    schemaController: {
      compilersFactory: { buildSerializer: serializerFactory(options.compileSchemasAtStart === true) },
    },
    // fast-json-stringify picks an anyOf branch by validating the value against each branch (a
    // populated product category: its whole schema, two date-time regexes included, for every
    // product serialized). No branch of ours differs from another by format only, so the
    // serializer's validator skips formats; request validation (makeAjv) still checks them.
    serializerOpts: { ajv: { validateFormats: false } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  // An empty JSON body is "no body": the storefront POSTs some calls without one (wishlist add,
  // logout, compat 0.6) and clients differ on whether they still send the content type. Anything
  // else goes through Fastify's own prototype-poisoning-safe parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    keepRawBody(request, text); // what a request signature covers (adapters/http/signing)
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });

  // Bodies are validated exactly (no coercion: "12" is not a number); query strings and params
  // arrive as text and are coerced to the declared types. Each ajv is made with the first schema
  // it compiles: making one compiles its meta-schemas (~25 ms each), before the first answer else.
  let bodyAjv: Ajv | undefined;
  let textAjv: Ajv | undefined;
  app.setValidatorCompiler(({ schema, httpPart }) =>
    compiledOnFirstUse(
      () =>
        (httpPart === 'body' ? (bodyAjv ??= makeAjv(false)) : (textAjv ??= makeAjv('array'))).compile(
          schema as object,
        ),
      options.compileSchemasAtStart === true,
    ),
  );

  // Every route as registered (method, url, schema), for the OpenAPI completeness test and tooling.
  const registered: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (isAdminOnly(route)) route.config = { ...route.config, adminOnly: true };
    documentSignature(route);
    if (route.schema?.response && !route.schema.hide) {
      route.schema = {
        ...route.schema,
        response: withTransportErrors(route.url, route.method, route.schema.response),
      };
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      registered.push({
        method: String(method),
        url: route.url,
        hidden: Boolean(route.schema?.hide),
        schema: route.schema,
      });
    }
  });
  app.decorate('registeredRoutes', registered);

  // Everything the request runs (hooks, handler, use cases) knows its id: every log line carries it.
  app.addHook('onRequest', (request, _reply, done) => runWithRequestId(request.id, done));
  app.decorateRequest('principal', null);
  // The body has been read: a signature check the /api/admin guard (onRequest) deferred runs now.
  app.addHook('preValidation', completeDeferredSignatureCheck);
  // Every admin mutation outside /api/admin is audited by this one hook (/api/admin audits itself).
  auditAdminMutations(app, resolve);
  // A batch's sub-requests (POST /api/batch) that reach a route no batch may call are refused.
  refuseUnbatchable(app);
  // Per-route rate, errors and duration (by route template) for /api/metrics/prometheus.
  observeHttp(app, resolve);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // While draining for shutdown every answer closes its connection, so keep-alive clients learn
  // it with a response instead of a reset; connections idle for the grace time are closed
  // (drainAndClose). Idle = no request in progress, tracked from the raw server's events.
  const drain: DrainState = { draining: false, idleSince: new Map() };
  drainStates.set(app, drain);
  app.server.on('connection', (socket: Socket) => {
    drain.idleSince.set(socket, Date.now());
    socket.once('close', () => drain.idleSince.delete(socket));
  });
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    drain.idleSince.delete(socket);
    res.once('finish', () => {
      if (!socket.destroyed) drain.idleSince.set(socket, Date.now());
    });
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (drain.draining) reply.header('connection', 'close');
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError | DomainFailure, request, reply) => {
    const { statusCode, body } = errorResponse(error, request.id, options.isDependencyUnavailable);
    if (body.code === 'DATABASE_UNAVAILABLE')
      request.log.warn({ error: error.message }, 'database unavailable');
    else if (statusCode >= 500) request.log.error({ err: error }, 'unhandled error');
    // Every 429, whatever refused it, says when to retry: header and body agree (1 s when unknown).
    if (statusCode === 429) {
      const given = Number(body.retryAfter ?? reply.getHeader('retry-after'));
      const after = Number.isFinite(given) && given > 0 ? Math.ceil(given) : 1;
      reply.header('retry-after', String(after));
      body.retryAfter = after;
    }
    // The location routes' callers read `error` (compat 9); they get it beside the envelope.
    if (request.routeOptions.config?.rawErrors) {
      return reply.status(statusCode).send({ ...body, error: body.message });
    }
    return reply.status(statusCode).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(routeNotFoundBody(request.originalUrl));
  });

  registerSecurityHeaders(app);
  await app.register(cors, {
    origin: [...options.corsOrigins],
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'X-Requested-With',
      'X-Admin-Confirmation',
      'X-Request-Id',
      'Idempotency-Key',
      'X-API-Key',
      'X-Signature-Timestamp',
      'X-Signature-Nonce',
      'X-Signature',
    ],
    exposedHeaders: CORS_EXPOSED_HEADERS,
  });
  precomputedCorsHeaders(app, options.corsOrigins, CORS_EXPOSED_HEADERS);

  const rl = options.rateLimit;
  if (rl.enabled) {
    await app.register(rateLimit, {
      global: true,
      max: rl.max,
      timeWindow: rl.windowMs,
      ...(rl.redis
        ? { redis: rl.redis.client, nameSpace: rl.redis.nameSpace, skipOnError: true }
        : { store: SnapshotLocalStore }),
      allowList: carriesApiKey, // the API-key gate gives them their own budget (below)
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        message: `Too many requests from this IP, please try again in ${context.after}`,
        retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)),
      }),
    });
  }
  // Budgets shared by several routes. A route's `config.rateLimit` gets a store of its own (per
  // route, whatever its `groupId`: verified on @fastify/rate-limit 11, where each login, register,
  // forgot and reset route had its own 100), so shared budgets are limiters made once here and
  // called from each route; their keys carry the budget's name.
  const sharedLimit = (name: string, max: number) => {
    if (!rl.enabled) return null;
    const limiter = app.createRateLimit({
      max,
      timeWindow: rl.windowMs,
      keyGenerator: (request) => `${name}:${normalizeIP(request.ip)}`,
      allowList: () => false, // not the general budget's: requests with an API key count here too
    });
    /** Counts one; answers the seconds to wait when over the budget, else null. */
    return async (request: FastifyRequest): Promise<number | null> => {
      const state = await limiter(request);
      return !state.isAllowed && state.isExceeded ? Math.max(1, state.ttlInSeconds) : null;
    };
  };
  apiKeyGate(app, resolve, rl.enabled ? { max: rl.apiKeyMax, windowMs: rl.apiKeyWindowMs } : null);
  const authBudget = sharedLimit('auth', rl.authMax);
  // Issue 13 budgets, counted per IP and per user, limiters made once per name and maximum.
  const budgetLimiters = new Map<string, ReturnType<App['createRateLimit']>>();
  const countBudget: CountBudget | null = rl.enabled
    ? async (request, reply, { name, key, max, scope }) => {
        const id = `${name}|${max}`;
        let limiter = budgetLimiters.get(id);
        if (!limiter) {
          limiter = app.createRateLimit({
            max,
            timeWindow: rl.windowMs,
            keyGenerator: (r) => `${name}:${(r as FastifyRequest & { budgetKey?: string }).budgetKey ?? ''}`,
          });
          budgetLimiters.set(id, limiter);
        }
        (request as FastifyRequest & { budgetKey?: string }).budgetKey = key;
        const state = await limiter(request);
        if (!state.isAllowed && state.isExceeded) {
          failWithRetryAfter(reply, tooManyRequestsFor(scope, Math.max(1, state.ttlInSeconds)));
        }
      }
    : null;
  app.decorate('countBudget', countBudget);
  if (countBudget) {
    const tokens = resolve.get<TokenService>(TOKEN_SERVICE);
    /** The user a request's bearer token names, when its signature and expiry verify (never an unverified id). */
    const userOf = (request: FastifyRequest): string | null => {
      const token = bearerToken(request);
      if (token === undefined) return null;
      return tokens.verify(token, Math.floor(Date.now() / 1000))?.userId ?? null;
    };
    app.addHook('onRequest', async (request, reply) => {
      const kind = budgetKindOf(
        request.method,
        request.routeOptions.url,
        request.query,
        request.routeOptions.config?.adminOnly === true,
      );
      if (!kind) return;
      const budget = rl.budgets[kind];
      const ip = normalizeIP(request.ip);
      await countBudget(request, reply, {
        name: `${kind}-ip`,
        key: ip,
        max: budget.ipMax,
        scope: `${kind} requests from this IP`,
      });
      const user = userOf(request);
      if (user !== null) {
        await countBudget(request, reply, {
          name: `${kind}-user`,
          key: user,
          max: budget.userMax,
          scope: `${kind} requests from this account`,
        });
      }
    });
  }
  const failedAuthLimit: FailedAuthLimit | null = sharedLimit('failed-auth', rl.failedAuthMax);
  app.decorate('failedAuthLimit', failedAuthLimit);
  const limits: RouteLimits = {
    auth: async (request, reply) => {
      const wait = authBudget ? await authBudget(request) : null;
      if (wait !== null) failWithRetryAfter(reply, tooManyRequestsFromIp(wait));
    },
    wishlistRead: {
      max: rl.wishlistMax,
      timeWindow: rl.wishlistWindowMs,
      // Per caller (token) when there is one, so one shopper's polling tab never spends another's budget.
      keyGenerator: (request) => {
        const auth = request.headers.authorization;
        return typeof auth === 'string' ? `${request.ip}:${auth.slice(-24)}` : request.ip;
      },
    },
  };

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Amour Florals API',
        version: options.version,
        description:
          'Every route is served under /api and, for the storefront, also under /api/api (compat 0.1). ' +
          'Money is in major units (rupees) on the wire. Errors use {status: "error", message, code}.\n\n' +
          'Realtime (order tracking, live stock, cart sync over WebSocket and Server-Sent Events): ' +
          'see the AsyncAPI 3 document at [/api/asyncapi.json](/api/asyncapi.json).\n\n' +
          'Request signing: refunds, payment method changes, bulk admin operations and every write ' +
          'by an API key need X-Signature-Timestamp (Unix seconds), X-Signature-Nonce (16-64 of ' +
          '[A-Za-z0-9_-], once per key) and X-Signature = hex HMAC-SHA256 of ' +
          '`METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nNONCE\\nSHA256_HEX(body)` (the path as sent) with the ' +
          'signing key (GET /api/auth/signing-key for a session); 5-minute window. See the README.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          // README "API keys": the routes a key's scopes allow list it beside bearerAuth
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          // README "Health and metrics": the scraper's METRICS_TOKEN, not a user's token
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
        },
      },
    },
    transformObject: (document) =>
      toOpenApi30Bounds('openapiObject' in document ? document.openapiObject : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  // Answers of at least the threshold are compressed, negotiated (br, then gzip). Skipped where a
  // Content-Encoding is already set (the response cache's precomputed variants), for SSE
  // (text/event-stream is not a compressible type), ranges (206) and non-text types (images);
  // WebSocket upgrades never reach it.
  await app.register(compress, {
    global: true,
    threshold: options.compressionThresholdBytes,
    encodings: ['br', 'gzip'],
  });
  // Public catalog reads answered from the response cache (their routes opt in).
  registerResponseCache(app, options.responseCache, resolve.get<Cache>(CACHE), resolve.get<Metrics>(METRICS));
  // The admin dashboard page (/admin/) and its vendored Chart.js, under the page's own stricter CSP.
  await adminPage(app);

  // multipart/form-data (image uploads) and, with the local image store, /uploads.
  await registerUploads(app, resolve.get<UploadsHttpSettings>(UPLOADS_HTTP));

  // The realtime channels (WebSocket upgrade and SSE on the same paths; /api/api through rewriteUrl).
  if (options.realtimeEndpoint) await app.register(realtimeTransport, { endpoint: options.realtimeEndpoint });

  const deps: HttpRouteDeps = { resolve, limits };
  await app.register(
    async (api) => {
      const scoped = api as unknown as App;
      await scoped.register(healthRoutes, { ...deps, prefix: '/health', environment: options.environment });
      await scoped.register(statusRoutes, { ...deps, prefix: '/status' });
      await scoped.register(metricsRoutes, { ...deps, prefix: '/metrics' });
      await scoped.register(identityRoutes, { ...deps, prefix: '/auth' });
      await scoped.register(signingRoutes, { ...deps, prefix: '/auth' });
      await scoped.register(userRoutes, { ...deps, prefix: '/users' });
      await scoped.register(favoritesRoutes, { ...deps, prefix: '/users/favorites' });
      await scoped.register(discoveryRoutes, deps);
      await scoped.register(advancedSearchRoutes, deps); // before catalogRoutes' /products/:id
      await scoped.register(catalogRoutes, deps);
      await scoped.register(cartRoutes, { ...deps, prefix: '/cart' });
      await scoped.register(wishlistRoutes, deps);
      await scoped.register(reviewRoutes, deps);
      await scoped.register(orderingRoutes, { ...deps, prefix: '/orders' });
      await scoped.register(locationRoutes, { ...deps, prefix: '/location' });
      await scoped.register(deliveryRoutes, { ...deps, prefix: '/delivery' });
      await scoped.register(adminRoutes, { ...deps, prefix: '/admin' });
      await scoped.register(paymentsRoutes, { ...deps, prefix: '/payments' });
      await scoped.register(promotionsRoutes, { ...deps, prefix: '/promos' });
      await scoped.register(inventoryRoutes, deps);
      await scoped.register(notificationsPlugin, { ...deps, prefix: '/notifications' });
      await scoped.register(searchPlugin, { ...deps, prefix: '/search' });
      await scoped.register(recommendationTrainingRoutes, { ...deps, prefix: '/recommendations' });
      await scoped.register(analyticsRoutes, { ...deps, prefix: '/analytics' });
      await scoped.register(batchRoutes, { ...deps, prefix: '/batch', server: app });
      scoped.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      scoped.get('/asyncapi.json', { schema: { hide: true } }, async (request) =>
        asyncApiDocument({
          version: options.version,
          // No Host header (HTTP/1.0): the document still answers, with a placeholder host.
          host: request.host || 'localhost',
          secure: request.protocol === 'https',
          realtime: options.realtime,
        }),
      );
    },
    { prefix: '/api' },
  );

  app.get('/', { schema: { hide: true } }, async () => ({
    status: 'success',
    message: 'Amour Florals API',
    timestamp: new Date().toISOString(),
    environment: options.environment,
    version: options.version,
    endpoints: {
      api: '/api',
      docs: '/api/docs',
      openapi: '/api/openapi.json',
      asyncapi: '/api/asyncapi.json',
      health: '/api/health',
      admin: '/admin/',
    },
  }));

  return app;
}
