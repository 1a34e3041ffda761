import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './duplicate-key.js';

interface LockDoc {
  _id: string;
  token: string;
  expiresAt: Date;
}

const lockSchema = new Schema<LockDoc>(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'document_locks', versionKey: false, timestamps: false },
);
// Real MongoDB drops abandoned locks by itself; elsewhere an expired lease is taken over below.
lockSchema.index({ expiresAt: 1 }, { name: 'document_lock_ttl', expireAfterSeconds: 60 });

function lockModel(connection: Connection): Model<LockDoc> {
  return (connection.models.DocumentLock ??
    connection.model('DocumentLock', lockSchema)) as unknown as Model<LockDoc>;
}

export interface DocumentLockOptions {
  /**
   * Whether single-document updates need the lock: `auto` asks the server and serializes on
   * FerretDB only. FerretDB 1.24 applies an update as "read the matching documents, then write
   * them back by _id" with nothing in between held, so two concurrent guarded updates can both
   * pass their guard and one write is lost. Its inserts (unique _id) and deletes are atomic, which
   * is what the lock is built on. MongoDB's single-document updates are atomic: no lock there.
   */
  readonly mode?: 'auto' | 'always' | 'never';
  /** How long a holder may keep a lock before others may take it over (a crashed holder). */
  readonly leaseMs?: number;
  /** How long to wait for a lock before failing. */
  readonly waitMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Makes a read-guard-write on one document exclusive where the server cannot (see `mode`): a lock
 * document is inserted (only one insert of an _id succeeds), the work runs, the lock is deleted.
 */
export class DocumentLock {
  private readonly model: Model<LockDoc>;
  private needed: Promise<boolean> | null = null;
  /** Per key, the turn of this process's last caller (see `exclusive`). */
  private readonly queue = new Map<string, Promise<void>>();
  private readonly leaseMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly connection: Connection,
    private readonly options: DocumentLockOptions = {},
  ) {
    this.model = lockModel(connection);
    this.leaseMs = options.leaseMs ?? 10_000;
    this.waitMs = options.waitMs ?? 15_000;
  }

  /**
   * Runs `work` holding the lock on `key` when the server needs it, else runs it directly.
   *
   * Callers in this process queue for a key here first, so at most one of them at a time asks
   * the server for the lock: 50 checkouts of one product used to poll FerretDB together (a failed
   * insert and a read each, every few ms), slowing the holder's own commands until requests
   * timed out. The server-side lock still decides between processes; `waitMs` counts from the call.
   */
  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (!(await this.isNeeded())) return work();
    const deadline = Date.now() + this.waitMs;
    const previous = this.queue.get(key) ?? Promise.resolve();
    let leave!: () => void;
    const turn = new Promise<void>((resolve) => (leave = resolve));
    const tail = previous.then(() => turn);
    this.queue.set(key, tail);
    try {
      await previous;
      const token = randomUUID();
      await this.acquire(key, token, deadline);
      try {
        return await work();
      } finally {
        await this.model.collection.deleteOne({ _id: key as never, token }).catch(() => undefined);
      }
    } finally {
      leave();
      if (this.queue.get(key) === tail) this.queue.delete(key);
    }
  }

  private isNeeded(): Promise<boolean> {
    const mode = this.options.mode ?? 'auto';
    if (mode !== 'auto') return Promise.resolve(mode === 'always');
    this.needed ??= (async () => {
      await this.connection.asPromise();
      const info = await this.connection.db!.admin().command({ buildInfo: 1 });
      return 'ferretdbVersion' in info;
    })().catch((error: unknown) => {
      this.needed = null; // ask again next time
      throw error;
    });
    return this.needed;
  }

  private async acquire(key: string, token: string, deadline: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.model.collection.insertOne({
          _id: key as never,
          token,
          expiresAt: new Date(Date.now() + this.leaseMs),
        });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const held = await this.model.collection.findOne({ _id: key as never });
      if (held && (held.expiresAt as Date).getTime() < Date.now()) {
        // the holder died: take the lease over (the insert above settles who gets it)
        await this.model.collection.deleteOne({ _id: key as never, token: held.token as string });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the lock on ${key}`);
      await sleep(Math.min(25, 1 + attempt) * (0.5 + Math.random()));
    }
  }
}
