import type { FastifyRequest } from 'fastify';
import type { AuthError } from '../../../application/identity/ports.js';
import type { Principal } from '../../../domain/identity/user.js';
import type { Result } from '../../../domain/shared/result.js';
import type { Resolver } from '../types.js';

/**
 * Authenticates a request by its `X-API-Key` header: null when the request carries none (the
 * bearer token decides), else the key's Principal (its creator, limited to the key's scopes) or
 * why it was refused. Called by every auth hook (adapters/http/auth.ts).
 */
export type ApiKeyAuthentication = (request: FastifyRequest) => Promise<Result<Principal, AuthError> | null>;

export function apiKeyAuthentication(_resolve: Resolver): ApiKeyAuthentication {
  return () => Promise.resolve(null);
}
