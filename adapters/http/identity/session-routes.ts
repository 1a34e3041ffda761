import type { FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { normalizeIP } from '@fastify/rate-limit';
import type { SignInContext } from '../../../application/identity/ports.js';
import {
  ListSessions,
  RefreshSession,
  RevokeAllSessions,
  RevokeSession,
  type SessionView,
} from '../../../application/identity/session-store.js';
import { PLATFORMS, type Platform } from '../../../domain/identity/user.js';
import { authHooks, failWithRetryAfter, principalOf } from '../auth.js';
import { bearerAuth, errors, IsoDate, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { tokenResponse, TokenResponseSchema } from './presenter.js';

const tags = ['auth'];

/** The header a non-browser client sends to get a refresh token with its access token. */
export const CLIENT_TYPE_HEADER = 'x-client-type';

/**
 * Where a sign-in happens: the caller's address (IPv6 per /64, as the login throttle and the rate
 * limits count it), its user agent, and whether it asked for a refresh token
 * (`X-Client-Type: api`). Every route that signs someone in passes it to its use case.
 */
/** The sign-in context of a request; its `ip` is always there (normalized: IPv6 per /64). */
export function signInContext(request: FastifyRequest): SignInContext & { readonly ip: string } {
  const userAgent = request.headers['user-agent'];
  const clientType = request.headers[CLIENT_TYPE_HEADER];
  return {
    ip: normalizeIP(request.ip),
    ...(userAgent ? { userAgent } : {}),
    ...(typeof clientType === 'string' && clientType.trim().toLowerCase() === 'api'
      ? { withRefreshToken: true }
      : {}),
  };
}

const SessionSchema = Type.Object({
  id: Type.String(),
  device: Type.String({ description: 'A short name of the client ("Firefox", "curl"...)' }),
  platform: Type.Unsafe<Platform>(Type.String({ enum: [...PLATFORMS] })),
  ip: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDate,
  lastUsedAt: IsoDate,
  current: Type.Boolean({ description: "True for the caller's own session" }),
});

function presentSession({ session, current }: SessionView) {
  return {
    id: session.id,
    device: session.deviceName ?? 'Unknown device',
    platform: session.platform ?? ('other' as const),
    ip: session.ip ?? null,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    current,
  };
}

const SessionParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9A-Za-z]{1,64}$', description: 'A session id' }) },
  { additionalProperties: false },
);
const RevokeAllQuery = Type.Object(
  {
    includeCurrent: Type.Optional(
      Type.Boolean({ description: "true: the caller's own session ends too (default false)" }),
    ),
  },
  { additionalProperties: false },
);
const RefreshBody = Type.Object(
  { refreshToken: Type.String({ pattern: '^[A-Za-z0-9]{1,64}\\.[A-Za-z0-9]{16,128}$' }) },
  { additionalProperties: false },
);
const RevokedResponse = success({ revoked: Type.Integer({ minimum: 0 }) });

/** /api/auth/sessions and /api/auth/refresh (registered by identityRoutes). */
export async function sessionRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth } = authHooks(deps.resolve);
  const list = deps.resolve.get(ListSessions);
  const revokeOne = deps.resolve.get(RevokeSession);
  const revokeAll = deps.resolve.get(RevokeAllSessions);
  const refresh = deps.resolve.get(RefreshSession);

  app.get(
    '/sessions',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "The signed-in user's live sessions, most recently used first",
        security: bearerAuth,
        response: { 200: success({ sessions: Type.Array(SessionSchema) }), ...errors(401) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const views = await list.execute({
        userId: principal.user.id,
        ...(principal.sessionId ? { currentSessionId: principal.sessionId } : {}),
      });
      return { status: 'success' as const, data: { sessions: views.map(presentSession) } };
    },
  );

  // Before `/sessions/:id`, so `all` is never taken for an id.
  app.delete(
    '/sessions/all',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "Sign out everywhere else: revokes the user's other sessions",
        description:
          "The caller's own session survives unless `includeCurrent=true`. Answers how many were revoked; " +
          'their tokens are refused at once on every instance.',
        security: bearerAuth,
        querystring: RevokeAllQuery,
        response: { 200: RevokedResponse, ...errors(400, 401) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { revoked } = await revokeAll.execute({
        userId: principal.user.id,
        ...(principal.sessionId ? { currentSessionId: principal.sessionId } : {}),
        includeCurrent: request.query.includeCurrent === true,
      });
      return { status: 'success' as const, data: { revoked } };
    },
  );

  app.delete(
    '/sessions/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "Revoke one of the user's sessions (its tokens are refused at once)",
        description: "Another user's session, or one already ended, answers 404.",
        security: bearerAuth,
        params: SessionParams,
        response: { 200: RevokedResponse, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const result = await revokeOne.execute({
        userId: principalOf(request).user.id,
        sessionId: request.params.id,
      });
      if (result.isErr()) failWithRetryAfter(reply, result.error);
      return { status: 'success' as const, data: { revoked: result.value.revoked } };
    },
  );

  app.post(
    '/refresh',
    {
      onRequest: deps.limits.auth,
      config: { rateLimit: false },
      schema: {
        tags,
        summary: 'Exchange a refresh token for a new access token and a new refresh token',
        description:
          'Refresh tokens are single use: each answer carries the next one. Presenting one that was ' +
          'already exchanged revokes its whole session (someone else holds a copy). Refused tokens ' +
          'answer 401 `Invalid refresh token`.',
        body: RefreshBody,
        response: { 200: TokenResponseSchema, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const result = await refresh.execute({ refreshToken: request.body.refreshToken });
      if (result.isErr()) failWithRetryAfter(reply, result.error);
      return tokenResponse(result.value);
    },
  );
}
