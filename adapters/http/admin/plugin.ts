import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { AUDIT_LOG, type AuditLog } from '../../../application/identity/ports.js';
import { AuditTrail } from '../../../application/identity/audit-trail.js';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../../../application/shared/ports.js';
import { domainError } from '../../../domain/shared/errors.js';
import { authHooks } from '../auth.js';
import { DomainFailure, routeNotFoundBody, unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, IsoDate, PageSize, pageWithDefault, success } from '../schemas.js';
import { ListLoyaltyLedger } from '../../../application/loyalty/queries.js';
import type { App, HttpRouteDeps } from '../types.js';
import { adminProductRoutes } from '../catalog/admin-routes.js';
import { adminOrderRoutes, adminAnalyticsRoutes } from '../ordering/admin-routes.js';
import { productImageRoutes } from '../media/routes.js';
import { adminReviewRoutes } from '../reviews/admin-routes.js';
import { adminUserRoleRoutes } from '../identity/admin-role-routes.js';
import { apiKeyRoutes } from '../api-keys/routes.js';
import { adminRequestEntry, isAuditBeforeRead } from './audit.js';
import { adminAuditLogRoutes } from './audit-log-routes.js';
import { requireConfirmation } from '../confirmation.js';

const ActivitySchema = Type.Object({
  _id: Type.String(),
  user: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  resource: Type.String(),
  resourceId: Type.Optional(Type.String()),
  success: Type.Boolean(),
  ipAddress: Type.String(),
  userAgent: Type.String(),
  details: Type.Object({}, { additionalProperties: true }),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  timestamp: IsoDate,
});

/**
 * Everything under /api/admin: one guard (compat 8 messages) and one audit trail (compat rule 15)
 * for every request, whichever context's routes it reaches.
 */
export async function adminRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { authenticate, admit } = authHooks(deps.resolve);
  const audit = deps.resolve.get<AuditLog>(AUDIT_LOG);
  const trail = deps.resolve.get(AuditTrail);
  const clock = deps.resolve.get<Clock>(CLOCK);
  const ids = deps.resolve.get<IdGenerator>(ID_GENERATOR);

  function base(request: FastifyRequest) {
    return {
      id: ids.next(),
      ip: request.ip || 'unknown',
      userAgent: request.headers['user-agent'] ?? '',
      timestamp: clock.now(),
    };
  }

  async function reject(
    request: FastifyRequest,
    error: ReturnType<typeof domainError>,
    userId: string | null,
    extra: Record<string, unknown>,
  ): Promise<never> {
    // anyone can send these, as fast as they like: bounded and rate-limited (AuditTrail)
    await trail.recordRejected({
      ...base(request),
      userId,
      action: 'unauthorized_access',
      resource: 'auth',
      success: false,
      details: { endpoint: request.originalUrl, method: request.method, ...extra },
      errorMessage: error.message,
    });
    throw new DomainFailure(error);
  }

  app.addHook('onRequest', async (request, reply) => {
    // Counts bad tokens against the address's failed-auth budget (429 beyond it), as every route
    // does; no logout grace here: a logged-out token reads nothing of the admin area.
    const result = await authenticate(request, reply, { safeRead: false });
    if (result.isErr()) {
      const reason =
        result.error.code === 'USER_DEACTIVATED'
          ? 'User account deactivated'
          : result.error.code === 'USER_NO_LONGER_EXISTS'
            ? 'User no longer exists'
            : 'Invalid or missing token';
      const extra: Record<string, unknown> = { reason };
      if (result.error.role) extra.userRole = result.error.role;
      return reject(request, result.error, result.error.userId ?? null, extra);
    }
    const { user } = result.value;
    if (user.role !== 'admin') {
      return reject(request, domainError('ADMIN_REQUIRED', 'User does not have admin privileges'), user.id, {
        reason: 'Insufficient privileges',
        userRole: user.role,
      });
    }
    await admit(request, reply, result.value, { adminOnly: true });
  });

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = request.principal;
    if (!principal) return; // rejected requests were recorded by the guard
    if (isAuditBeforeRead(request)) return; // the audit's own read of a mutation's `before`
    await trail.record(adminRequestEntry(request, reply, principal, ids, clock));
  });

  // Unknown paths or methods under /admin (e.g. POST /admin/test) pass the guard and the audit
  // trail too (compat rule 15): without this scoped handler the root 404 would skip both hooks.
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(routeNotFoundBody(request.originalUrl));
  });

  const tags = ['admin'];
  const listLoyalty = deps.resolve.get(ListLoyaltyLedger);

  app.get(
    '/test',
    {
      schema: {
        tags,
        summary: 'Check admin access',
        security: bearerAuth,
        response: {
          200: success({
            user: Type.Object({
              id: Type.String(),
              fullName: Type.String(),
              email: Type.String(),
              role: Type.String(),
            }),
          }),
          ...errors(401, 403, 429),
        },
      },
    },
    async (request) => {
      const { user } = request.principal!;
      return {
        status: 'success' as const,
        message: 'Admin access confirmed',
        data: { user: { id: user.id, fullName: user.fullName, email: user.email, role: user.role } },
      };
    },
  );

  app.delete(
    '/test-sensitive',
    {
      preHandler: requireConfirmation,
      schema: {
        tags,
        summary: 'Check the confirmation header on a sensitive operation',
        security: bearerAuth,
        headers: Type.Object({ 'x-admin-confirmation': Type.Optional(Type.String()) }),
        response: { 200: success({}), ...errors(400, 401, 403, 429) },
      },
    },
    async () => ({ status: 'success' as const, message: 'Sensitive operation confirmed', data: {} }),
  );

  app.get(
    '/users/:id/loyalty',
    {
      schema: {
        tags,
        summary: "A user's loyalty points ledger, newest first",
        security: bearerAuth,
        params: IdParams,
        querystring: Type.Object(
          { page: pageWithDefault(), limit: PageSize(200, 50) },
          { additionalProperties: false },
        ),
        response: {
          200: success({
            entries: Type.Array(
              Type.Object({
                eventId: Type.String(),
                user: Type.String(),
                seq: Type.Integer(),
                delta: Type.Integer(),
                requested: Type.Integer(),
                reason: Type.String(),
                orderId: Type.Optional(Type.String()),
                at: IsoDate,
                balanceAfter: Type.Integer(),
              }),
            ),
            total: Type.Integer(),
          }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, total } = unwrap(await listLoyalty.execute({ userId: request.params.id, page, limit }));
      return {
        status: 'success' as const,
        data: {
          entries: items.map((e) => ({
            eventId: e.id,
            user: e.userId,
            seq: e.seq,
            delta: e.delta,
            requested: e.requested,
            reason: e.reason,
            ...(e.orderId !== undefined ? { orderId: e.orderId } : {}),
            at: e.at.toISOString(),
            balanceAfter: e.balanceAfter,
          })),
          total,
        },
      };
    },
  );

  app.get(
    '/activity-logs',
    {
      schema: {
        tags,
        summary: 'Admin activity log, newest first',
        security: bearerAuth,
        querystring: Type.Object(
          {
            page: pageWithDefault(),
            limit: PageSize(200, 50),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success({
            activities: Type.Array(ActivitySchema),
            pagination: Type.Object({
              page: Type.Integer(),
              limit: Type.Integer(),
              total: Type.Integer(),
              pages: Type.Integer(),
            }),
          }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, total } = await audit.list(page, limit);
      return {
        status: 'success' as const,
        data: {
          activities: items.map((e) => ({
            _id: e.id,
            user: e.userId,
            action: e.action,
            resource: e.resource,
            ...(e.resourceId ? { resourceId: e.resourceId } : {}),
            success: e.success,
            ipAddress: e.ip,
            userAgent: e.userAgent,
            details: { ...e.details },
            errorMessage: e.errorMessage,
            timestamp: e.timestamp.toISOString(),
          })),
          pagination: { page, limit, total, pages: Math.ceil(total / limit) },
        },
      };
    },
  );

  await app.register(adminProductRoutes, { ...deps, prefix: '/products' });
  await app.register(productImageRoutes, { ...deps, prefix: '/products' });
  await app.register(adminOrderRoutes, { ...deps, prefix: '/orders' });
  await app.register(adminAnalyticsRoutes, { ...deps, prefix: '/analytics' });
  await app.register(adminReviewRoutes, { ...deps, prefix: '/reviews' });
  await app.register(adminUserRoleRoutes, { ...deps, prefix: '/users' });
  await app.register(apiKeyRoutes, { ...deps, prefix: '/api-keys' });
  await app.register(adminAuditLogRoutes, { ...deps, prefix: '/audit-logs' });
}
