import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AUTHENTICATOR,
  MFA_SETTINGS,
  type AuthError,
  type Authenticator,
  type MfaSettings,
} from '../../application/identity/ports.js';
import { isDeliveryStaff, type Principal } from '../../domain/identity/user.js';
import { domainError } from '../../domain/shared/errors.js';
import type { Result } from '../../domain/shared/result.js';
import { DomainFailure, httpError, retryAfterOf, type AnswerError, type HttpError } from './errors.js';
import type { Resolver } from './types.js';
import { apiKeyAuthentication } from './api-keys/authenticate.js';
import { signatureCheck } from './signing/verify.js';
import { mfaEnabled } from '../../domain/identity/mfa.js';

/**
 * Every `requireAdmin` made by authHooks: a route that has one as a hook is admin-only (the
 * server's admin budget and MFA_REQUIRED_FOR_ADMINS find them by it, not by a function name).
 */
const ADMIN_GUARDS = new WeakSet<object>();

export function isAdminGuard(hook: unknown): boolean {
  return typeof hook === 'function' && ADMIN_GUARDS.has(hook);
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * A request that only reads: a token logged out moments ago still passes for it during the logout
 * grace (LOGOUT_GRACE_MS), so the storefront's polls in flight at logout do not come back 401.
 */
function isSafeRead(request: FastifyRequest): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}

/**
 * Counts one failed authentication for the request's address; answers the seconds to wait when
 * the address is over its failed-auth budget (RATE_LIMIT_FAILED_AUTH_MAX), else null. Built by
 * the rate-limit block of server.ts; null when rate limiting is off.
 */
export type FailedAuthLimit = (request: FastifyRequest) => Promise<number | null>;

declare module 'fastify' {
  interface FastifyInstance {
    failedAuthLimit: FailedAuthLimit | null;
  }
}

/** 429 for an address that presented too many bad tokens; `error` as in every rate-limit body (compat 0.5). */
export function tooManyFailedAuthentications(retryAfterSeconds: number): HttpError {
  const message = `Too many failed authentications from this IP, please try again in ${retryAfterSeconds} seconds`;
  return httpError('RATE_LIMITED', message, { error: message, retryAfter: retryAfterSeconds });
}

/** 429 of a shared per-IP budget (the auth routes'), worded like the general rate limit. */
export function tooManyRequestsFromIp(retryAfterSeconds: number): HttpError {
  const message = `Too many requests from this IP, please try again in ${retryAfterSeconds} seconds`;
  return httpError('RATE_LIMITED', message, { error: message, retryAfter: retryAfterSeconds });
}

/** 429 of a per-IP or per-user budget (issue 13): `scope` says which, e.g. "search requests from this IP". */
export function tooManyRequestsFor(scope: string, retryAfterSeconds: number): HttpError {
  const message = `Too many ${scope}, please try again in ${retryAfterSeconds} seconds`;
  return httpError('RATE_LIMITED', message, { error: message, retryAfter: retryAfterSeconds });
}

/** Throws the DomainFailure of `error`, first setting Retry-After when it says when to retry. */
export function failWithRetryAfter(reply: FastifyReply | undefined, error: AnswerError): never {
  const after = retryAfterOf(error);
  if (reply && typeof after === 'number') reply.header('retry-after', String(after));
  throw new DomainFailure(error);
}

/**
 * preHandlers for routes. `requireAuth` rejects with the compat 401 messages; `optionalAuth`
 * ignores a bad or expired token (public endpoints must never 401 on one, compat 0.3).
 */
export function authHooks(resolve: Resolver) {
  const authenticator = resolve.get<Authenticator>(AUTHENTICATOR);
  const apiKey = apiKeyAuthentication(resolve);
  const signature = signatureCheck(resolve);
  const mfa = resolve.get<MfaSettings>(MFA_SETTINGS);

  /**
   * The request's bearer token -> Principal, where authentication is required. A presented
   * credential that fails (bad, expired, revoked, deleted or deactivated account) counts against
   * the address's failed-auth budget; over it the request answers 429 with Retry-After instead
   * of 401. Valid tokens are never refused by it, so a shopper sharing an address with a token
   * guesser keeps working; a missing header is not a failed authentication. `safeRead: false`
   * refuses a logged-out token at once even for a read (the admin area has no logout grace).
   */
  async function authenticate(
    request: FastifyRequest,
    reply?: FastifyReply,
    { safeRead = isSafeRead(request) }: { safeRead?: boolean } = {},
  ): Promise<Result<Principal, AuthError>> {
    const result =
      (await apiKey(request)) ?? (await authenticator.authenticate(bearerToken(request), { safeRead }));
    const presented =
      request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;
    if (result.isErr() && presented && request.server.failedAuthLimit) {
      const wait = await request.server.failedAuthLimit(request);
      if (wait !== null) failWithRetryAfter(reply, tooManyFailedAuthentications(wait));
    }
    return result;
  }

  /**
   * Sets the request's principal once its credential passed, then checks a required request
   * signature. `adminOnly` (requireAdmin, the /api/admin guard): with MFA_REQUIRED_FOR_ADMINS an
   * admin without MFA enabled is refused (403 MFA_SETUP_REQUIRED) until they set it up; the MFA
   * routes themselves are not admin-only, so that stays possible.
   */
  async function admit(
    request: FastifyRequest,
    reply: FastifyReply | undefined,
    principal: Principal,
    { adminOnly = false }: { adminOnly?: boolean } = {},
  ): Promise<void> {
    request.principal = principal;
    if (adminOnly && mfa.requiredForAdmins && !principal.apiKey && !mfaEnabled(principal.user)) {
      throw new DomainFailure(
        domainError(
          'MFA_SETUP_REQUIRED',
          'Admins must enable multi-factor authentication first (POST /api/auth/mfa/setup)',
        ),
      );
    }
    await signature(request, reply, principal);
  }

  async function requireAuth(request: FastifyRequest, reply?: FastifyReply): Promise<void> {
    const result = await authenticate(request, reply);
    if (result.isErr()) throw new DomainFailure(result.error);
    await admit(request, reply, result.value);
  }

  /**
   * Public routes: a failing token is ignored (compat 0.3) and NOT counted as a failed
   * authentication: the storefront sends its stored token with every call, so a shopper whose
   * token was revoked elsewhere would otherwise spend the budget just browsing, and then get 429
   * instead of the 401 that signs them out on the next protected call.
   */
  async function optionalAuth(request: FastifyRequest): Promise<void> {
    // An X-API-Key is never ignored: a refused one is a 401 here too (the API-key gate answers it first).
    const keyed = await apiKey(request);
    if (keyed) {
      if (keyed.isErr()) throw new DomainFailure(keyed.error);
      return admit(request, undefined, keyed.value);
    }
    const token = bearerToken(request);
    if (token === undefined) return;
    const result = await authenticator.authenticate(token, { safeRead: isSafeRead(request) });
    request.principal = result.isOk() ? result.value : null;
  }

  /**
   * For admin-only routes outside /api/admin (e.g. product CRUD under /api/products): 401 as
   * requireAuth, then 403 `User role not authorized to access this route` (compat 0.5).
   */
  async function requireAdmin(request: FastifyRequest, reply?: FastifyReply): Promise<void> {
    const result = await authenticate(request, reply);
    if (result.isErr()) throw new DomainFailure(result.error);
    if (result.value.user.role !== 'admin') {
      request.principal = result.value;
      throw new DomainFailure(domainError('FORBIDDEN', 'User role not authorized to access this route'));
    }
    await admit(request, reply, result.value, { adminOnly: true });
  }

  ADMIN_GUARDS.add(requireAdmin);

  /** Delivery updates: 401 as requireAuth, then 403 unless the caller is an admin or a courier. */
  async function requireDeliveryStaff(request: FastifyRequest, reply?: FastifyReply): Promise<void> {
    await requireAuth(request, reply);
    if (!request.principal || !isDeliveryStaff(request.principal.user)) {
      throw new DomainFailure(domainError('FORBIDDEN', 'User role not authorized to access this route'));
    }
  }

  return {
    requireAuth,
    optionalAuth,
    requireAdmin,
    requireDeliveryStaff,
    authenticate,
    admit,
    authenticator,
  };
}

/** The principal of a route behind `requireAuth`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) {
    throw new DomainFailure(domainError('NOT_AUTHENTICATED', 'Not authorized to access this route'));
  }
  return request.principal;
}
