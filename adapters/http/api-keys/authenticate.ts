import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { AuthenticateApiKey } from '../../../application/identity/api-keys.js';
import type { AuthError } from '../../../application/identity/ports.js';
import { requireScope } from '../../../domain/identity/api-key.js';
import type { Principal } from '../../../domain/identity/user.js';
import { domainError } from '../../../domain/shared/errors.js';
import { Err, type Result } from '../../../domain/shared/result.js';
import type { FastifyReply } from 'fastify';
import { DomainFailure, httpError } from '../errors.js';
import type { Resolver } from '../types.js';
import { scopeOfRoute } from './scopes.js';

/**
 * Authenticates a request by its `X-API-Key` header: null when the request carries none (the
 * bearer token decides), else the key's Principal (its creator, limited to the key's scopes) or
 * why it was refused. Called by every auth hook (adapters/http/auth.ts).
 */
export type ApiKeyAuthentication = (request: FastifyRequest) => Promise<Result<Principal, AuthError> | null>;

// One check per request, whichever hooks ask (the gate below, then the route's guard).
const checked = new WeakMap<FastifyRequest, Promise<Result<Principal, AuthError> | null>>();

export function apiKeyAuthentication(resolve: Resolver): ApiKeyAuthentication {
  const useCase = resolve.get(AuthenticateApiKey);
  return (request) => {
    let result = checked.get(request);
    if (result === undefined) {
      const header = request.headers['x-api-key'];
      result =
        header === undefined
          ? Promise.resolve(null)
          : typeof header !== 'string'
            ? Promise.resolve(Err(domainError('API_KEY_INVALID', 'Invalid API key')))
            : useCase.execute(header.trim(), request.ip || 'unknown');
      checked.set(request, result);
    }
    return result;
  };
}

/** The budget of every key: `max` requests per `windowMs`, counted per key id (not per address). */
export interface ApiKeyBudget {
  readonly max: number;
  readonly windowMs: number;
}

/**
 * A root hook for every request carrying `X-API-Key`, before any route's own hooks: a refused key
 * answers 401 (counted against the address's failed-auth budget, 429 beyond it) on every route,
 * public ones included; an accepted key spends its own budget (429 with Retry-After beyond it;
 * the general per-IP budget skips such requests) and must hold the scope the route needs
 * (scopes.ts; 403 API_KEY_SCOPE, default deny). Also marks the routes keys may call with the
 * `apiKey` security scheme in the OpenAPI document. `budget` null: rate limiting is off.
 */
export function apiKeyGate(app: FastifyInstance, resolve: Resolver, budget: ApiKeyBudget | null): void {
  const authenticate = apiKeyAuthentication(resolve);
  const keyIds = new WeakMap<FastifyRequest, string>();
  const limiter = budget
    ? app.createRateLimit({
        max: budget.max,
        timeWindow: budget.windowMs,
        keyGenerator: (request) => `api-key:${keyIds.get(request) ?? 'none'}`,
        allowList: () => false, // the general budget's allowList skips exactly these requests
      })
    : null;

  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => scopeOfRoute(m, route.url) !== null)) return;
    const schema = (route.schema ?? {}) as { security?: Record<string, readonly string[]>[]; hide?: boolean };
    const security = Array.isArray(schema.security) && schema.security.length > 0 ? schema.security : [{}];
    route.schema = { ...schema, security: [...security, { apiKey: [] }] };
  });

  const gate = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const result = await authenticate(request);
    if (result === null) return;
    if (result.isErr()) {
      const wait = request.server.failedAuthLimit ? await request.server.failedAuthLimit(request) : null;
      if (wait !== null) {
        tooMany(
          reply,
          `Too many failed authentications from this IP, please try again in ${wait} seconds`,
          wait,
        );
      }
      throw new DomainFailure(result.error);
    }
    const actor = result.value.apiKey!;
    if (limiter) {
      keyIds.set(request, actor.id);
      const state = await limiter(request);
      if (!state.isAllowed && state.isExceeded) {
        const after = Math.max(1, state.ttlInSeconds);
        tooMany(reply, `Too many requests for this API key, please try again in ${after} seconds`, after);
      }
    }
    // An unknown path has no route: it answers 404 as for anyone.
    if (request.routeOptions.url === undefined) return;
    const allowed = requireScope(actor, scopeOfRoute(request.method, request.routeOptions.url));
    if (allowed.isErr()) throw new DomainFailure(allowed.error);
  };
  // Without the header there is nothing to check: no promise on every keyless request.
  app.addHook('onRequest', (request, reply, done) => {
    if (!carriesApiKey(request)) return done();
    gate(request, reply).then(() => done(), done);
  });
}

/** 429 with Retry-After; `error` and `retryAfter` as in every rate-limit body (compat 0.5). */
function tooMany(reply: FastifyReply, message: string, after: number): never {
  reply.header('retry-after', String(after));
  throw new DomainFailure(httpError('RATE_LIMITED', message, { error: message, retryAfter: after }));
}

/** The general per-IP budget skips requests with a key: the gate above gives them their own. */
export function carriesApiKey(request: FastifyRequest): boolean {
  return request.headers['x-api-key'] !== undefined;
}
