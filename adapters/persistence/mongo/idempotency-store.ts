import { Schema, type Connection, type Model } from 'mongoose';
import { DocumentLock } from './document-lock.js';
import type {
  ClaimOutcome,
  ClaimRequest,
  IdempotencyStore,
  StoredResponse,
} from '../../../application/idempotency/ports.js';
import { isDuplicateKey } from './duplicate-key.js';
import type { PiiCipher } from '../../../application/shared/pii.js';

interface IdempotencyDocument {
  /** The scoped key (caller, method, route, client key), digested. */
  _id: string;
  fingerprint: string;
  token: string;
  state: 'in_progress' | 'completed';
  /** The end of the claim's lease, or of the answer's retention. */
  expiresAt: Date;
  response?: { statusCode: number; body: string; contentType?: string };
}

export const IDEMPOTENCY_KEY_SCHEMA = new Schema<IdempotencyDocument>(
  {
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    token: { type: String, required: true },
    state: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    response: { type: Schema.Types.Mixed, required: false },
  },
  { versionKey: false, collection: 'idempotency_keys', id: false },
);
// Real MongoDB drops expired records by itself (answers after 24 h, abandoned claims after their
// lease); FerretDB lacks TTL indexes, so every query checks `expiresAt` and claims sweep now and then.
IDEMPOTENCY_KEY_SCHEMA.index({ expiresAt: 1 }, { name: 'idempotency_keys_ttl', expireAfterSeconds: 0 });

function idempotencyModel(connection: Connection): Model<IdempotencyDocument> {
  return (connection.models.IdempotencyKey ??
    connection.model('IdempotencyKey', IDEMPOTENCY_KEY_SCHEMA)) as unknown as Model<IdempotencyDocument>;
}

const SWEEP_EVERY = 256;
const MAX_ATTEMPTS = 20;

/**
 * Idempotency records in `idempotency_keys`, `_id` = the scoped key (unique by nature). A claim
 * is an INSERT: of concurrent inserts of one `_id` exactly one succeeds, on MongoDB and on
 * FerretDB alike (whose guarded updates are not atomic). An expired record is removed by a delete
 * guarded by its token (atomic too) and the insert is tried again, so two takers of an abandoned
 * key still settle on one. Completing is an update guarded by the claim's token.
 */
export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly model: Model<IdempotencyDocument>;
  /** FerretDB applies guarded deletes/updates as read-then-write: token-guarded writes take a lock there. */
  private readonly lock: DocumentLock;
  private claims = 0;

  constructor(
    connection: Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.model = idempotencyModel(connection);
    this.lock = new DocumentLock(connection);
  }

  async claim({ key, fingerprint, token, now, leaseMs }: ClaimRequest): Promise<ClaimOutcome> {
    await this.sweep(now);
    const collection = this.model.collection;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await collection.insertOne({
          _id: key as never,
          fingerprint,
          token,
          state: 'in_progress',
          expiresAt: new Date(now.getTime() + leaseMs),
        });
        return { kind: 'claimed' };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const held = (await collection.findOne({ _id: key as never })) as IdempotencyDocument | null;
      if (!held) continue; // released or taken over meanwhile: try the insert again
      if (held.expiresAt.getTime() > now.getTime()) {
        return held.state === 'completed' && held.response
          ? {
              kind: 'completed',
              fingerprint: held.fingerprint,
              response: {
                statusCode: held.response.statusCode,
                body: (await this.cipher.openAll(held.response)).body,
                ...(held.response.contentType !== undefined
                  ? { contentType: held.response.contentType }
                  : {}),
              },
            }
          : { kind: 'in_progress', fingerprint: held.fingerprint };
      }
      // Expired: remove exactly that record (not a newer claim), then the insert decides again.
      await this.lock.exclusive(`idempotency:${key}`, () =>
        collection.deleteOne({ _id: key as never, token: held.token }),
      );
    }
    throw new Error(`idempotency: could not claim ${key} after ${MAX_ATTEMPTS} attempts`);
  }

  async complete(
    key: string,
    token: string,
    response: StoredResponse,
    now: Date,
    retainMs: number,
  ): Promise<void> {
    // A replayed answer repeats what it answered (an order's address, a profile): sealed.
    await this.cipher.ready();
    const body = this.cipher.seal(response.body);
    await this.lock.exclusive(`idempotency:${key}`, () =>
      this.model.collection.updateOne(
        { _id: key as never, token, state: 'in_progress' },
        {
          $set: {
            state: 'completed',
            expiresAt: new Date(now.getTime() + retainMs),
            response: {
              statusCode: response.statusCode,
              body,
              ...(response.contentType !== undefined ? { contentType: response.contentType } : {}),
            },
          },
        },
      ),
    );
  }

  async release(key: string, token: string): Promise<void> {
    await this.lock.exclusive(`idempotency:${key}`, () =>
      this.model.collection.deleteOne({ _id: key as never, token, state: 'in_progress' }),
    );
  }

  private async sweep(now: Date): Promise<void> {
    this.claims += 1;
    if (this.claims % SWEEP_EVERY !== 0) return;
    await this.model.collection.deleteMany({ expiresAt: { $lte: now } });
  }
}
