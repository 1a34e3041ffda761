import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AUDIT_RESOURCES,
  AUTHENTICATOR,
  type AuditAction,
  type AuditActor,
  type AuditResource,
  type Authenticator,
} from '../../../application/identity/ports.js';
import { AuditTrail } from '../../../application/identity/audit-trail.js';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../../../application/shared/ports.js';
import type { Principal } from '../../../domain/identity/user.js';
import { bearerToken } from '../auth.js';
import { apiKeyAuthentication } from '../api-keys/authenticate.js';
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
  [/^\/api\/batch(\/|$)/, 'batch'],
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

/** What the audit keeps of a mutation while it runs: who, and the resource before and after. */
interface MutationCapture {
  actor: Principal | null;
  before?: unknown;
  after?: unknown;
}
const captures = new WeakMap<FastifyRequest, MutationCapture>();

/** The audited actor: an admin, or any API key (whatever its owner's role). */
export function isAudited(principal: Principal | null | undefined): principal is Principal {
  return principal != null && (principal.apiKey !== undefined || principal.user.role === 'admin');
}

/** The JSON body's `data` (the storefront envelope), else the body itself; undefined when not JSON. */
function answerData(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload.length === 0 || payload.length > 1_000_000) return undefined;
  try {
    const body = JSON.parse(payload) as unknown;
    if (body !== null && typeof body === 'object' && 'data' in body) return (body as { data: unknown }).data;
    return body;
  } catch {
    return undefined;
  }
}

/**
 * The GET route that answers the resource a mutation acts on: the mutation's route cut after its
 * first path parameter (`PATCH /api/orders/:id/status` -> `GET /api/orders/:id`), when such a
 * route exists. Answers the concrete URL to read, or null.
 */
export function beforeUrlOf(app: App, request: FastifyRequest): string | null {
  const pattern = request.routeOptions.url;
  if (!pattern) return null;
  const segments = pattern.split('/');
  const paramAt = segments.findIndex((s) => s.startsWith(':'));
  if (paramAt < 0) return null;
  const getPattern = segments.slice(0, paramAt + 1).join('/');
  if (!app.hasRoute({ method: 'GET', url: getPattern })) return null;
  const path = (request.url.split('?')[0] ?? '').split('/');
  if (path.length < paramAt + 1) return null;
  return path.slice(0, paramAt + 1).join('/');
}

/**
 * The resource before the mutation, as its GET route answers it to the same caller (same
 * credentials: a caller never sees more here than it could read). undefined when there is no such
 * route or the read is refused (e.g. an API key without the read scope).
 */
async function readBefore(app: App, request: FastifyRequest): Promise<unknown> {
  const url = beforeUrlOf(app, request);
  if (url === null) return undefined;
  const headers: Record<string, string> = { [BEFORE_READ_HEADER]: BEFORE_READ_MARK };
  for (const name of ['authorization', 'x-api-key', 'user-agent']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const answer = await app.inject({ method: 'GET', url, headers, remoteAddress: request.ip });
  return answer.statusCode === 200 ? answerData(answer.payload) : undefined;
}

/**
 * Marks the audit's own read of `before` (a per-process random value no client can guess), so the
 * /api/admin scope does not record that read as an entry of its own.
 */
const BEFORE_READ_HEADER = 'x-audit-before-read';
const BEFORE_READ_MARK = randomBytes(16).toString('hex');
export function isAuditBeforeRead(request: FastifyRequest): boolean {
  return request.headers[BEFORE_READ_HEADER] === BEFORE_READ_MARK;
}

/** The audit entry of a request an admin or an API key made, once answered. */
export function adminRequestEntry(
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  ids: IdGenerator,
  clock: Clock,
) {
  const failed = reply.statusCode >= 400;
  const resourceId = resourceIdOf(request);
  const capture = captures.get(request);
  const actor: AuditActor = {
    role: principal.user.role,
    ...(principal.apiKey ? { apiKeyId: principal.apiKey.id, apiKeyName: principal.apiKey.name } : {}),
  };
  return {
    id: ids.next(),
    ip: request.ip || 'unknown',
    userAgent: request.headers['user-agent'] ?? '',
    timestamp: clock.now(),
    userId: principal.user.id,
    actor,
    requestId: request.id,
    action: auditActionOf(request),
    resource: auditResourceOf(request),
    ...(resourceId !== undefined ? { resourceId } : {}),
    success: !failed,
    details: { endpoint: request.originalUrl, method: request.method, statusCode: reply.statusCode },
    errorMessage: failed ? `HTTP ${reply.statusCode}` : null,
    ...(capture?.before !== undefined ? { before: capture.before } : {}),
    ...(capture?.after !== undefined ? { after: capture.after } : {}),
  };
}

/**
 * Every mutation (POST/PUT/PATCH/DELETE) an admin or an API key makes is in the audit log, with
 * its resource, before and after: root hooks instead of a call in each route, so a new route
 * cannot forget it. Outside /api/admin the entry is written here once the answer is sent; the
 * /api/admin scope writes its own (adapters/http/admin/plugin.ts) with the same capture.
 * - the route's last preHandler: for an audited principal, `before` (readBefore);
 * - onSend: `after`, the answer's data;
 * - onResponse: the entry (redacted and bounded by AuditTrail). Who acts: the route's principal,
 *   else the bearer token or API key checked here, so refused attempts are recorded too.
 */
export function auditAdminMutations(app: App, resolve: Resolver): void {
  const trail = resolve.get(AuditTrail);
  const authenticator = resolve.get<Authenticator>(AUTHENTICATOR);
  const apiKey = apiKeyAuthentication(resolve);
  const clock = resolve.get<Clock>(CLOCK);
  const ids = resolve.get<IdGenerator>(ID_GENERATOR);

  async function actorOf(request: FastifyRequest): Promise<Principal | null> {
    if (request.principal) return isAudited(request.principal) ? request.principal : null;
    const byKey = await apiKey(request);
    if (byKey !== null) return byKey.isOk() ? byKey.value : null;
    const token = bearerToken(request);
    if (token === undefined) return null;
    const result = await authenticator.authenticate(token);
    return result.isOk() && isAudited(result.value) ? result.value : null;
  }

  async function captureBefore(request: FastifyRequest): Promise<void> {
    if (!isAudited(request.principal)) return;
    try {
      const captured: MutationCapture = { actor: request.principal };
      captures.set(request, captured);
      captured.before = await readBefore(app, request);
    } catch (error) {
      request.log.error({ err: error }, 'audit: the resource before a mutation was not read');
    }
  }

  // Last preHandler of every mutation route: after the route's own authentication, so the
  // principal is known without authenticating twice, and before the handler changes anything.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => MUTATION_METHODS.has(String(m)))) return;
    const own =
      route.preHandler === undefined
        ? []
        : Array.isArray(route.preHandler)
          ? route.preHandler
          : [route.preHandler];
    route.preHandler = [
      ...own,
      async (request: FastifyRequest) => {
        if (MUTATION_METHODS.has(request.method)) await captureBefore(request);
      },
    ] as typeof route.preHandler;
  });

  // Root hooks in callback style: every answer passes them, and reads must not pay a promise each.
  app.addHook('onSend', (request, _reply, payload, done) => {
    const captured = captures.get(request);
    if (captured) captured.after = answerData(payload);
    done(null, payload);
  });

  async function recordEntry(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const actor = isAudited(request.principal) ? request.principal : await actorOf(request);
      if (actor) await trail.record(adminRequestEntry(request, reply, actor, ids, clock));
    } catch (error) {
      request.log.error({ err: error }, 'audit entry of an admin mutation not recorded');
    }
  }
  app.addHook('onResponse', (request, reply, done) => {
    if (!MUTATION_METHODS.has(request.method) || inAdminScope(request.url)) return done();
    void recordEntry(request, reply).then(() => done());
  });
}
