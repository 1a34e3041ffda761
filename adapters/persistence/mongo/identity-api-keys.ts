import { Schema, type Connection, type Model } from 'mongoose';
import type { ApiKeyStore } from '../../../application/identity/ports.js';
import type { ApiKey, ApiKeyScope } from '../../../domain/identity/api-key.js';
import { DocumentLock } from './document-lock.js';
import { openCollection } from './open-collection.js';

interface ApiKeyDocument {
  _id: string;
  name: string;
  prefix: string;
  secretHash: string;
  scopes: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt?: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
  lastUsedIp?: string;
}

export const API_KEY_SCHEMA = new Schema<ApiKeyDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    prefix: { type: String, required: true },
    secretHash: { type: String, required: true },
    scopes: { type: [String], required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: false },
    revokedAt: { type: Date, required: false },
    lastUsedAt: { type: Date, required: false },
    lastUsedIp: { type: String, required: false },
  },
  { versionKey: false, collection: 'api_keys', id: false },
);
API_KEY_SCHEMA.index({ prefix: 1 }, { unique: true });
API_KEY_SCHEMA.index({ createdAt: -1 });

function apiKeyModel(connection: Connection): Model<ApiKeyDocument> {
  return (connection.models.ApiKey ??
    connection.model('ApiKey', API_KEY_SCHEMA)) as unknown as Model<ApiKeyDocument>;
}

function fromDocument(doc: ApiKeyDocument): ApiKey {
  return {
    id: doc._id,
    name: doc.name,
    prefix: doc.prefix,
    secretHash: doc.secretHash,
    scopes: doc.scopes as ApiKeyScope[],
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    ...(doc.expiresAt ? { expiresAt: doc.expiresAt } : {}),
    ...(doc.revokedAt ? { revokedAt: doc.revokedAt } : {}),
    ...(doc.lastUsedAt ? { lastUsedAt: doc.lastUsedAt } : {}),
    ...(doc.lastUsedIp !== undefined ? { lastUsedIp: doc.lastUsedIp } : {}),
  };
}

/**
 * API keys in `api_keys` (unique prefix). Revocation and last use are single guarded updates: the
 * first revocation's time stands, and a use is written only over one older than the interval.
 */
export class MongoApiKeyStore implements ApiKeyStore {
  private readonly keys: Model<ApiKeyDocument>;
  /** FerretDB's guarded updates are not atomic: serialized per key there (no-op on MongoDB). */
  private readonly lock: DocumentLock;

  constructor(connection: Connection) {
    this.keys = apiKeyModel(connection);
    this.lock = new DocumentLock(connection);
  }

  async create(key: ApiKey): Promise<void> {
    const { id, scopes, ...rest } = key;
    await this.keys.collection.insertOne({ _id: id, ...rest, scopes: [...scopes] } as never);
  }

  async findByPrefix(prefix: string): Promise<ApiKey | null> {
    const doc = await this.keys.collection.findOne({ prefix } as never);
    return doc ? fromDocument(doc as unknown as ApiKeyDocument) : null;
  }

  async findById(id: string): Promise<ApiKey | null> {
    const doc = await this.keys.collection.findOne({ _id: id } as never);
    return doc ? fromDocument(doc as unknown as ApiKeyDocument) : null;
  }

  async list(limit: number): Promise<ApiKey[]> {
    const docs = await openCollection(this.keys)
      .find({} as never)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => fromDocument(d as unknown as ApiKeyDocument));
  }

  async revoke(id: string, at: Date): Promise<ApiKey | null> {
    await this.lock.exclusive(`api_keys:${id}`, () =>
      this.keys.collection.updateOne({ _id: id, revokedAt: { $exists: false } } as never, {
        $set: { revokedAt: at },
      }),
    );
    return this.findById(id);
  }

  async touch(id: string, at: Date, ip: string, notBefore: Date): Promise<boolean> {
    const result = await this.lock.exclusive(`api_keys:${id}`, () =>
      this.keys.collection.updateOne(
        {
          _id: id,
          $or: [{ lastUsedAt: { $exists: false } }, { lastUsedAt: { $lte: notBefore } }],
        } as never,
        { $set: { lastUsedAt: at, lastUsedIp: ip } },
      ),
    );
    return result.modifiedCount === 1;
  }
}
