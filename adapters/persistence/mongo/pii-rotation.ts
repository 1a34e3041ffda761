import type { Connection } from 'mongoose';
import type { PiiCipher } from '../../../application/shared/pii.js';
import { walk } from '../../security/pii-cipher.js';
import { DocumentLock } from './document-lock.js';
import { PII_FIELDS, sealDocument, type PiiCollection } from './pii-fields.js';

export const PII_ROTATION_COLLECTION = 'pii_rotation';

/** One checkpoint per collection: where the rotation to `target` got to. */
interface Checkpoint {
  _id: PiiCollection;
  target: string;
  lastId: string | null;
  done: boolean;
  rewritten: number;
  updatedAt: Date;
}

/** The lock key each collection's own writers take (so a re-encryption never interleaves with them). */
const LOCK_PREFIX: Record<PiiCollection, string> = {
  users: 'users',
  orders: 'orders',
  notifications: 'notifications',
  idempotency_keys: 'idempotency',
};

export interface RotationOptions {
  readonly batchSize: number;
  readonly now: Date;
  /** Documents examined / total in the collection, after each batch. */
  readonly onProgress?: (collection: PiiCollection, done: number, total: number) => void;
  /** After each document (tests interrupt the run here, as a crash would). */
  readonly afterDocument?: (collection: PiiCollection, id: string) => void;
}

export interface RotationReport {
  readonly target: string;
  readonly resumed: boolean;
  readonly collections: ReadonlyArray<{ collection: PiiCollection; examined: number; rewritten: number }>;
}

const WRITE_ATTEMPTS = 5;

/**
 * Key rotation: a new data key version, then every document of every collection holding personal
 * data re-encrypted under it (plain values of those fields sealed too), in `_id` order and in
 * batches. After each batch a checkpoint per collection (`pii_rotation`) records the last `_id`
 * done, so a run that died resumes there, towards the same version; a document already wholly on
 * that version is skipped, so redoing part of a batch changes nothing. Each rewrite is guarded (the
 * collection's own document lock, the version and the outbox's length unchanged) and retried after
 * a concurrent write. Old versions are never deleted: values written meanwhile by an instance that
 * has not loaded the new version yet stay readable.
 */
export class PiiKeyRotation {
  private readonly locks: DocumentLock;

  constructor(
    private readonly connection: Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.locks = new DocumentLock(connection);
  }

  private get db() {
    const db = this.connection.db;
    if (!db) throw new Error('the MongoDB connection is not open');
    return db;
  }

  async run(options: RotationOptions): Promise<RotationReport> {
    await this.cipher.ready();
    const checkpoints = this.db.collection<Checkpoint>(PII_ROTATION_COLLECTION);
    const unfinished = await checkpoints.findOne({ done: false });
    const resumed = unfinished !== null;
    const target = unfinished?.target ?? (await this.cipher.addVersion(options.now));
    if (!resumed) {
      for (const collection of Object.keys(PII_FIELDS) as PiiCollection[]) {
        await checkpoints.replaceOne(
          { _id: collection },
          { target, lastId: null, done: false, rewritten: 0, updatedAt: options.now },
          { upsert: true },
        );
      }
    }
    const report: Array<{ collection: PiiCollection; examined: number; rewritten: number }> = [];
    for (const collection of Object.keys(PII_FIELDS) as PiiCollection[]) {
      const checkpoint = await checkpoints.findOne({ _id: collection });
      if (checkpoint?.done && checkpoint.target === target) {
        report.push({ collection, examined: 0, rewritten: 0 });
        continue;
      }
      report.push({
        collection,
        ...(await this.rotate(collection, target, checkpoint?.lastId ?? null, options)),
      });
      await checkpoints.updateOne({ _id: collection }, { $set: { done: true, updatedAt: options.now } });
    }
    return { target, resumed, collections: report };
  }

  private async rotate(
    collection: PiiCollection,
    target: string,
    from: string | null,
    options: RotationOptions,
  ): Promise<{ examined: number; rewritten: number }> {
    const docs = this.db.collection(collection);
    const checkpoints = this.db.collection<Checkpoint>(PII_ROTATION_COLLECTION);
    const total = await docs.countDocuments({});
    let done = from === null ? 0 : await docs.countDocuments({ _id: { $lte: from } } as never);
    let lastId = from;
    let examined = 0;
    let rewritten = 0;
    for (;;) {
      const batch = await docs
        .find<{ _id: string }>(lastId === null ? {} : ({ _id: { $gt: lastId } } as never))
        .sort({ _id: 1 })
        .limit(options.batchSize)
        .toArray();
      if (batch.length === 0) break;
      let batchRewritten = 0;
      for (const doc of batch) {
        if (await this.reencrypt(collection, doc._id, target)) batchRewritten += 1;
        examined += 1;
        options.afterDocument?.(collection, doc._id);
      }
      rewritten += batchRewritten;
      lastId = batch[batch.length - 1]!._id;
      done += batch.length;
      await checkpoints.updateOne(
        { _id: collection },
        { $set: { lastId, updatedAt: options.now }, $inc: { rewritten: batchRewritten } },
      );
      options.onProgress?.(collection, Math.min(done, total), total);
    }
    return { examined, rewritten };
  }

  /** Re-encrypts one document under `target`; false when it was already wholly there (or is gone). */
  private async reencrypt(collection: PiiCollection, id: string, target: string): Promise<boolean> {
    const docs = this.db.collection(collection);
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const doc = await docs.findOne<Record<string, unknown>>({ _id: id } as never);
      if (!doc) return false;
      await this.cipher.openAll(doc); // loads versions made elsewhere, refuses a tampered value
      // Plain values of personal fields sealed, sealed values of older versions re-sealed.
      const next: Record<string, unknown> = walk(sealDocument(this.cipher, collection, doc, target), (s) =>
        this.cipher.isSealed(s) && this.cipher.keyIdOf(s) !== target
          ? this.cipher.seal(this.cipher.open(s), target)
          : s,
      );
      // A phone stored before encryption gets its blind index (it does not depend on the version).
      if (collection === 'users' && typeof doc.phone === 'string' && doc.phoneIndex === undefined) {
        next.phoneIndex = this.cipher.blindIndex(this.cipher.open(doc.phone));
      }
      const changed = Object.keys(next).filter(
        (k) => k !== '_id' && JSON.stringify(next[k]) !== JSON.stringify(doc[k]),
      );
      if (changed.length === 0) return false;
      const guard: Record<string, unknown> = {
        _id: id,
        version: typeof doc.version === 'number' ? doc.version : { $exists: false },
      };
      for (const k of changed) if (Array.isArray(doc[k])) guard[k] = { $size: (doc[k] as unknown[]).length };
      const set = Object.fromEntries(changed.map((k) => [k, next[k]]));
      const result = await this.locks.exclusive(`${LOCK_PREFIX[collection]}:${id}`, () =>
        docs.updateOne(guard as never, { $set: set as never }),
      );
      if (result.matchedCount === 1) return true;
    }
    throw new Error(`pii:rotate-keys: ${collection} ${id} kept changing; run the command again to resume`);
  }
}
