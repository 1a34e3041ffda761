import type { ApiKeyStore } from '../../../application/identity/ports.js';
import type { ApiKey } from '../../../domain/identity/api-key.js';
import type { MemoryDatabase } from './memory-database.js';

/** API keys by id; found by prefix with a scan (a shop holds few keys). */
export class MemoryApiKeyStore implements ApiKeyStore {
  private readonly keys: Map<string, ApiKey>;

  constructor(db: MemoryDatabase) {
    this.keys = db.collection<ApiKey>('api_keys');
  }

  async create(key: ApiKey): Promise<void> {
    if (this.keys.has(key.id)) throw new Error(`api key ${key.id} exists`);
    for (const k of this.keys.values()) {
      if (k.prefix === key.prefix) throw new Error('api key prefix exists');
    }
    this.keys.set(key.id, key);
  }

  async findByPrefix(prefix: string): Promise<ApiKey | null> {
    for (const k of this.keys.values()) if (k.prefix === prefix) return k;
    return null;
  }

  async findById(id: string): Promise<ApiKey | null> {
    return this.keys.get(id) ?? null;
  }

  async list(limit: number): Promise<ApiKey[]> {
    return [...this.keys.values()]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, limit);
  }

  async revoke(id: string, at: Date): Promise<ApiKey | null> {
    const key = this.keys.get(id);
    if (!key) return null;
    if (key.revokedAt !== undefined) return key;
    const revoked = { ...key, revokedAt: at };
    this.keys.set(id, revoked);
    return revoked;
  }

  async touch(id: string, at: Date, ip: string, notBefore: Date): Promise<boolean> {
    const key = this.keys.get(id);
    if (!key) return false;
    if (key.lastUsedAt !== undefined && key.lastUsedAt.getTime() > notBefore.getTime()) return false;
    this.keys.set(id, { ...key, lastUsedAt: at, lastUsedIp: ip });
    return true;
  }
}
