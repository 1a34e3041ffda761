import { Schema, type Connection, type Model } from 'mongoose';
import type { MfaChallengeStore } from '../../../application/identity/ports.js';

const SWEEP_EVERY = 256;

interface MfaChallengeDocument {
  /** The digest of the challenge token. */
  _id: string;
  userId: string;
  expiresAt: Date;
}

export const MFA_CHALLENGE_SCHEMA = new Schema<MfaChallengeDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'mfa_challenges', id: false },
);
// Real MongoDB drops expired challenges by itself; FerretDB lacks TTL indexes, so reads check
// `expiresAt` and save() sweeps now and then.
MFA_CHALLENGE_SCHEMA.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

function challengeModel(connection: Connection): Model<MfaChallengeDocument> {
  return (connection.models.MfaChallenge ??
    connection.model('MfaChallenge', MFA_CHALLENGE_SCHEMA)) as unknown as Model<MfaChallengeDocument>;
}

/** Login challenges in `mfa_challenges`, shared by every instance; consumed by an atomic delete. */
export class MongoMfaChallengeStore implements MfaChallengeStore {
  private readonly challenges: Model<MfaChallengeDocument>;
  private writes = 0;

  constructor(connection: Connection) {
    this.challenges = challengeModel(connection);
  }

  async save(tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.challenges.collection.insertOne({ _id: tokenHash, userId, expiresAt } as never);
    this.writes += 1;
    if (this.writes % SWEEP_EVERY === 0) {
      await this.challenges.collection.deleteMany({ expiresAt: { $lte: new Date() } });
    }
  }

  async find(tokenHash: string, now: Date): Promise<string | null> {
    const doc = await this.challenges.collection.findOne(
      { _id: tokenHash, expiresAt: { $gt: now } } as never,
      { projection: { userId: 1 } },
    );
    return doc ? String(doc.userId) : null;
  }

  async consume(tokenHash: string): Promise<boolean> {
    // Single use: of concurrent consumers only the one whose delete removed it wins (a delete is
    // atomic on MongoDB and FerretDB alike).
    const { deletedCount } = await this.challenges.collection.deleteOne({ _id: tokenHash } as never);
    return deletedCount === 1;
  }
}
