import type { FastifyRequest } from 'fastify';
import { AUTHENTICATOR, type Authenticator } from '../../application/identity/ports.js';
import type { Principal } from '../../domain/identity/user.js';
import { domainError } from '../../domain/shared/errors.js';
import { DomainFailure } from './errors.js';
import type { Resolver } from './types.js';

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
 * preHandlers for routes. `requireAuth` rejects with the compat 401 messages; `optionalAuth`
 * ignores a bad or expired token (public endpoints must never 401 on one, compat 0.3).
 */
export function authHooks(resolve: Resolver) {
  const authenticator = resolve.get<Authenticator>(AUTHENTICATOR);

  async function requireAuth(request: FastifyRequest): Promise<void> {
    const result = await authenticator.authenticate(bearerToken(request), { safeRead: isSafeRead(request) });
    if (result.isErr()) throw new DomainFailure(result.error);
    request.principal = result.value;
  }

  async function optionalAuth(request: FastifyRequest): Promise<void> {
    const token = bearerToken(request);
    if (token === undefined) return;
    const result = await authenticator.authenticate(token, { safeRead: isSafeRead(request) });
    request.principal = result.isOk() ? result.value : null;
  }

  /**
   * For admin-only routes outside /api/admin (e.g. product CRUD under /api/products): 401 as
   * requireAuth, then 403 `User role not authorized to access this route` (compat 0.5).
   */
  async function requireAdmin(request: FastifyRequest): Promise<void> {
    await requireAuth(request);
    if (request.principal?.user.role !== 'admin') {
      throw new DomainFailure(domainError('FORBIDDEN', 'User role not authorized to access this route'));
    }
  }

  return { requireAuth, optionalAuth, requireAdmin, authenticator };
}

/** The principal of a route behind `requireAuth`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) {
    throw new DomainFailure(domainError('NOT_AUTHENTICATED', 'Not authorized to access this route'));
  }
  return request.principal;
}
