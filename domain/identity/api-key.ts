import { domainError, type DomainError, type FieldProblem } from '../shared/errors.js';
import { Err, Ok, type Result } from '../shared/result.js';
import type { ApiKeyActor } from './user.js';

/**
 * What an API key may do. Each scope names a family of routes (the one table mapping routes to
 * scopes is adapters/http/api-keys/scopes.ts); a route no scope names is refused to every key.
 */
export const API_KEY_SCOPES = [
  'catalog:read',
  'catalog:write',
  'orders:read',
  'orders:write',
  'inventory:read',
  'inventory:write',
  'promos:read',
  'promos:write',
  'analytics:read',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const API_KEY_NAME_MAX = 100;
/** The longest a key may live: an expiry further than this is refused at creation. */
export const API_KEY_MAX_LIFETIME_MS = 2 * 365 * 24 * 3600_000;
/** Last use is written at most this often per key (many requests a second cost one write a minute). */
export const API_KEY_LAST_USE_INTERVAL_MS = 60_000;
/** Random bytes of the lookup prefix and of the secret (hex: 12 and 64 characters). */
export const API_KEY_PREFIX_BYTES = 6;
export const API_KEY_SECRET_BYTES = 32;

/** A stored API key: only the digest of the whole key is kept, never the key. */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  /** Public lookup id, the middle part of the key. */
  readonly prefix: string;
  /** SHA-256 (hex) of the whole key. */
  readonly secretHash: string;
  readonly scopes: readonly ApiKeyScope[];
  /** The admin the key acts for. */
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly expiresAt?: Date;
  readonly revokedAt?: Date;
  readonly lastUsedAt?: Date;
  readonly lastUsedIp?: string;
}

export interface ApiKeyCreation {
  readonly name: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly expiresAt?: Date;
}

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** Name 1..100 characters (trimmed), scopes non-empty and known (duplicates dropped), expiry in the future and within two years. */
export function validateApiKeyCreation(
  input: { readonly name: string; readonly scopes: readonly string[]; readonly expiresAt?: Date },
  now: Date,
): Result<ApiKeyCreation, DomainError> {
  const problems: FieldProblem[] = [];
  const name = input.name.trim();
  if (name.length < 1 || name.length > API_KEY_NAME_MAX) {
    problems.push({ field: 'name', message: `name must be 1 to ${API_KEY_NAME_MAX} characters` });
  }
  const unknown = input.scopes.filter((s) => !isApiKeyScope(s));
  if (input.scopes.length === 0)
    problems.push({ field: 'scopes', message: 'at least one scope is required' });
  else if (unknown.length > 0) {
    problems.push({
      field: 'scopes',
      message: `unknown scope ${unknown.join(', ')}; known: ${API_KEY_SCOPES.join(', ')}`,
    });
  }
  const expiresAt = input.expiresAt;
  if (expiresAt !== undefined) {
    if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= now.getTime()) {
      problems.push({ field: 'expiresAt', message: 'expiresAt must be in the future' });
    } else if (expiresAt.getTime() - now.getTime() > API_KEY_MAX_LIFETIME_MS) {
      problems.push({ field: 'expiresAt', message: 'expiresAt must be at most 2 years ahead' });
    }
  }
  if (problems.length > 0) {
    return Err(domainError('VALIDATION_FAILED', problems[0]!.message, { errors: problems }));
  }
  const scopes = [...new Set(input.scopes)].filter(isApiKeyScope);
  return Ok({ name, scopes, ...(expiresAt !== undefined ? { expiresAt } : {}) });
}

/** The key handed to its creator once: `af_<prefix>_<secret>`. */
export function formatApiKey(prefix: string, secret: string): string {
  return `af_${prefix}_${secret}`;
}

const KEY_SHAPE = new RegExp(
  `^af_([0-9a-f]{${API_KEY_PREFIX_BYTES * 2}})_([0-9a-f]{${API_KEY_SECRET_BYTES * 2}})$`,
);

/** The lookup prefix of a well-formed key, else null. */
export function prefixOfApiKey(key: string): string | null {
  return KEY_SHAPE.exec(key)?.[1] ?? null;
}

/** Why a stored key can no longer authenticate at `now`, or null. */
export function apiKeyRefusal(key: ApiKey, now: Date): DomainError | null {
  if (key.revokedAt !== undefined) return domainError('API_KEY_REVOKED', 'API key has been revoked');
  if (key.expiresAt !== undefined && key.expiresAt.getTime() <= now.getTime()) {
    return domainError('API_KEY_EXPIRED', 'API key has expired');
  }
  return null;
}

export function apiKeyActor(key: ApiKey): ApiKeyActor {
  return { id: key.id, name: key.name, scopes: [...key.scopes] };
}

/** Whether an actor's scopes include `scope`; the refusal names the scope the route needs. */
export function requireScope(actor: ApiKeyActor, scope: ApiKeyScope | null): Result<void, DomainError> {
  if (scope !== null && actor.scopes.includes(scope)) return Ok(undefined);
  return Err(
    domainError(
      'API_KEY_SCOPE',
      scope === null
        ? 'This route is not available to API keys'
        : `API key lacks the scope this route needs: ${scope}`,
    ),
  );
}
