import {
  API_KEY_LAST_USE_INTERVAL_MS,
  API_KEY_PREFIX_BYTES,
  API_KEY_SECRET_BYTES,
  apiKeyActor,
  apiKeyRefusal,
  formatApiKey,
  prefixOfApiKey,
  validateApiKeyCreation,
  type ApiKey,
} from '../../domain/identity/api-key.js';
import type { Principal } from '../../domain/identity/user.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { Clock, IdGenerator, RandomSource } from '../shared/ports.js';
import type { ApiKeyStore, AuthError, SecretDigest, SigningKeys, UserRepository } from './ports.js';

/** Keys listed at most (a shop holds a handful). */
export const API_KEY_LIST_LIMIT = 500;

export interface CreateApiKeyInput {
  readonly createdBy: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly expiresAt?: Date;
}

/** What creation answers: the stored key, the key itself and its signing secret (both shown once). */
export interface CreatedApiKey {
  readonly apiKey: ApiKey;
  readonly key: string;
  readonly signingSecret: string;
}

/** An admin creates a key acting for them: stored as the digest of the whole key, never the key. */
export class CreateApiKey {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly digest: SecretDigest,
    private readonly random: RandomSource,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly signingKeys: SigningKeys,
  ) {}

  async execute(input: CreateApiKeyInput): Promise<Result<CreatedApiKey, DomainError>> {
    const now = this.clock.now();
    const valid = validateApiKeyCreation(input, now);
    if (valid.isErr()) return valid;
    const prefix = this.random.hex(API_KEY_PREFIX_BYTES);
    const key = formatApiKey(prefix, this.random.hex(API_KEY_SECRET_BYTES));
    const apiKey: ApiKey = {
      id: this.ids.next(),
      ...valid.value,
      prefix,
      secretHash: this.digest.digest(key),
      createdBy: input.createdBy,
      createdAt: now,
    };
    await this.store.create(apiKey);
    return Ok({ apiKey, key, signingSecret: this.signingKeys.forApiKey(apiKey.id) });
  }
}

export class ListApiKeys {
  constructor(private readonly store: ApiKeyStore) {}

  execute(): Promise<ApiKey[]> {
    return this.store.list(API_KEY_LIST_LIMIT);
  }
}

/** Revokes a key; revoking it again answers the same key (the first revocation's time stands). */
export class RevokeApiKey {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly clock: Clock,
  ) {}

  async execute(id: string): Promise<Result<ApiKey, DomainError>> {
    const key = await this.store.revoke(id, this.clock.now());
    return key ? Ok(key) : Err(domainError('API_KEY_NOT_FOUND', 'API key not found'));
  }
}

/** Equal strings, compared in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  }
  return diff === 0;
}

const NEVER = new Date(8.64e15);

/**
 * Turns a presented X-API-Key into a Principal: its creator, limited to its scopes. Refused:
 * malformed or unknown keys and a wrong secret (API_KEY_INVALID), revoked (API_KEY_REVOKED) and
 * expired (API_KEY_EXPIRED) keys, and keys whose creator is gone, deactivated or no longer an
 * admin (API_KEY_CREATOR_INVALID). A use is recorded at most once a minute per key.
 */
export class AuthenticateApiKey {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly users: UserRepository,
    private readonly digest: SecretDigest,
    private readonly clock: Clock,
  ) {}

  async execute(presented: string, ip: string): Promise<Result<Principal, AuthError>> {
    const invalid = domainError('API_KEY_INVALID', 'Invalid API key');
    const prefix = prefixOfApiKey(presented);
    if (prefix === null) return Err(invalid);
    const key = await this.store.findByPrefix(prefix);
    if (!key || !constantTimeEqual(this.digest.digest(presented), key.secretHash)) return Err(invalid);
    const now = this.clock.now();
    const refusal = apiKeyRefusal(key, now);
    if (refusal) return Err({ ...refusal, userId: key.createdBy });
    const user = await this.users.findById(key.createdBy);
    const creatorRefusal = !user
      ? 'API key creator no longer exists'
      : !user.isActive
        ? 'API key creator is deactivated'
        : user.role !== 'admin'
          ? 'API key creator is no longer an admin'
          : null;
    if (!user || creatorRefusal !== null) {
      return Err({
        ...domainError('API_KEY_CREATOR_INVALID', creatorRefusal ?? 'API key creator no longer exists'),
        userId: key.createdBy,
        ...(user ? { role: user.role } : {}),
      });
    }
    const notBefore = new Date(now.getTime() - API_KEY_LAST_USE_INTERVAL_MS);
    if (key.lastUsedAt === undefined || key.lastUsedAt.getTime() <= notBefore.getTime()) {
      await this.store.touch(key.id, now, ip, notBefore);
    }
    return Ok({
      user,
      tokenId: `api-key:${key.id}`,
      tokenExpiresAt: key.expiresAt ?? NEVER,
      apiKey: apiKeyActor(key),
    });
  }
}
