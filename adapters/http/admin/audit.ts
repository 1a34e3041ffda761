import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AUDIT_RESOURCES,
  AUTHENTICATOR,
  type AuditAction,
  type AuditResource,
  type Authenticator,
} from '../../../application/identity/ports.js';
import { AuditTrail } from '../../../application/identity/audit-trail.js';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../../../application/shared/ports.js';
import type { Principal } from '../../../domain/identity/user.js';
import { bearerToken } from '../auth.js';
import type { App, Resolver } from '../types.js';

export const ACTION_BY_METHOD: Readonly<Record<string, AuditAction>> = {
  GET: 'read',
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
};

export const MUTATION_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The resource an admin request acts on, from its route path (first match wins), unless the
 * route names it in `config.audit.resource`. One table for the /api/admin scope and the admin
 * operations served elsewhere; a path it does not know is 'system' (test/http/admin/
 * admin-mutations-audit.test.ts fails for a mutation route that ends up there).
 */
const RESOURCE_BY_PATH: readonly (readonly [RegExp, AuditResource])[] = [
  [/^\/api\/(admin\/)?products\/[^/]+\/reviews(\/|$)/, 'review'],
  [/^\/api\/products\/[^/]+\/stock(\/|$)/, 'inventory'],
  [/^\/api\/(admin\/)?products(\/|$)/, 'product'],
  [/^\/api\/(admin\/)?categories(\/|$)/, 'category'],
  [/^\/api\/(admin\/)?orders(\/|$)/, 'order'],
  [/^\/api\/users\/favorites(\/|$)/, 'wishlist'],
  [/^\/api\/admin\/api-keys(\/|$)/, 'api-key'],
  [/^\/api\/(admin\/)?users(\/|$)/, 'user'],
  [/^\/api\/(admin\/)?reviews(\/|$)/, 'review'],
  [/^\/api\/(admin\/)?promos(\/|$)/, 'promo'],
  [/^\/api\/(admin\/)?inventory(\/|$)/, 'inventory'],
  [/^\/api\/payments(\/|$)/, 'payment'],
  [/^\/api\/cart(\/|$)/, 'cart'],
  [/^\/api\/wishlist(\/|$)/, 'wishlist'],
  [/^\/api\/auth(\/|$)/, 'auth'],
  [/^\/api\/location(\/|$)/, 'location'],
  [/^\/api\/notifications(\/|$)/, 'notification'],
  [/^\/api\/search(\/|$)/, 'search'],
  [/^\/api\/recommendations(\/|$)/, 'recommendation'],
];

function isResource(value: unknown): value is AuditResource {
  return typeof value === 'string' && (AUDIT_RESOURCES as readonly string[]).includes(value);
}

export function resourceOfPath(path: string): AuditResource {
  const bare = path.split('?')[0] ?? '';
  return RESOURCE_BY_PATH.find(([pattern]) => pattern.test(bare))?.[1] ?? 'system';
}

/** The route's declared resource, else the one its path names. */
export function auditResourceOf(request: FastifyRequest): AuditResource {
  const declared = request.routeOptions.config?.audit?.resource;
  if (isResource(declared)) return declared;
  return resourceOfPath(request.routeOptions.url ?? request.url);
}

export function auditActionOf(request: FastifyRequest): AuditAction {
  return (
    (request.routeOptions.config?.audit?.action as AuditAction | undefined) ??
    ACTION_BY_METHOD[request.method] ??
    'read'
  );
}

/** The first path parameter (`:id`, `:productId`, ...): what the request acts on. */
function resourceIdOf(request: FastifyRequest): string | undefined {
  const params = request.params;
  if (params === null || typeof params !== 'object') return undefined;
  const first = Object.values(params as Record<string, unknown>).find(
    (v) => typeof v === 'string' && v !== '',
  );
  return first as string | undefined;
}

/** Served by the /api/admin scope, whose own hooks guard and audit every request. */
export function inAdminScope(url: string): boolean {
  return /^\/api\/admin(\/|\?|$)/.test(url);
}

/** The audit entry of a request an admin made, once answered. */
export function adminRequestEntry(
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  ids: IdGenerator,
  clock: Clock,
) {
  const failed = reply.statusCode >= 400;
  const resourceId = resourceIdOf(request);
  return {
    id: ids.next(),
    ip: request.ip || 'unknown',
    userAgent: request.headers['user-agent'] ?? '',
    timestamp: clock.now(),
    userId: principal.user.id,
    action: auditActionOf(request),
    resource: auditResourceOf(request),
    ...(resourceId !== undefined ? { resourceId } : {}),
    success: !failed,
    details: { endpoint: request.originalUrl, method: request.method, statusCode: reply.statusCode },
    errorMessage: failed ? `HTTP ${reply.statusCode}` : null,
  };
}

/**
 * Every mutation (POST/PUT/PATCH/DELETE) an admin makes outside /api/admin is in the audit log,
 * with its resource: one root hook instead of a call in each route, so a new route cannot forget
 * it. It runs after the answer is sent. The admin is the route's principal; when the route never
 * got one (its input was refused before the guard ran) the token is checked here, so refused
 * attempts are recorded too.
 */
export function auditAdminMutations(app: App, resolve: Resolver): void {
  const trail = resolve.get(AuditTrail);
  const authenticator = resolve.get<Authenticator>(AUTHENTICATOR);
  const clock = resolve.get<Clock>(CLOCK);
  const ids = resolve.get<IdGenerator>(ID_GENERATOR);

  async function adminOf(request: FastifyRequest): Promise<Principal | null> {
    if (request.principal) return request.principal.user.role === 'admin' ? request.principal : null;
    const token = bearerToken(request);
    if (token === undefined) return null;
    const result = await authenticator.authenticate(token);
    return result.isOk() && result.value.user.role === 'admin' ? result.value : null;
  }

  app.addHook('onResponse', async (request, reply) => {
    if (!MUTATION_METHODS.has(request.method) || inAdminScope(request.url)) return;
    try {
      const admin = await adminOf(request);
      if (admin) await trail.record(adminRequestEntry(request, reply, admin, ids, clock));
    } catch (error) {
      request.log.error({ err: error }, 'audit entry of an admin mutation not recorded');
    }
  });
}
