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
  /** How long to wait for another process's lock before failing (from this caller's turn here). */
  readonly waitMs?: number;
}

/** How many callers of one process may use one server-side lock in a row (see `exclusive`). */
const MAX_HANDOVERS = 64;

/**
 * Another process held a document's lock for longer than `waitMs`. Recognised by name by
 * `isMongoUnavailable` (503 DATABASE_UNAVAILABLE, never a 500): the database could not serve the
 * write in time, and a retry may succeed.
 */
export class DocumentLockTimeoutError extends Error {
  override readonly name = 'DocumentLockTimeoutError';
  constructor(key: string) {
    super(`Timed out waiting for the lock on ${key}`);
  }
}

const sharedLocks = new WeakMap<Connection, DocumentLock>();

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
  /** Per key, the server-side lock a finished caller handed over to the next one queued here. */
  private readonly held = new Map<string, { token: string; since: number; uses: number }>();
  private readonly leaseMs: number;
  private readonly waitMs: number;

  /**
   * The lock every writer of one kind of document shares on a connection (default options), so
   * their callers queue together in this process (see `exclusive`): the stock store and the
   * product repository write the same product documents.
   */
  static shared(connection: Connection): DocumentLock {
    let lock = sharedLocks.get(connection);
    if (!lock) {
      lock = new DocumentLock(connection);
      sharedLocks.set(connection, lock);
    }
    return lock;
  }

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
   * timed out. A caller that finishes while another of this process waits for the same key hands
   * the server-side lock over to it instead of deleting it (the next one would insert it again
   * at once): under contention a burst of writes to one document costs one insert and one delete,
   * not two commands per write. A lock is handed over for at most a quarter of its lease and
   * `MAX_HANDOVERS` times, then released, so another process waiting for it gets its turn and the
   * lease never runs out under a holder. The server-side lock still decides between processes.
   *
   * `waitMs` counts from this caller's turn in the local queue, i.e. it bounds the wait for
   * another process's lock, not for this process's own callers ahead: 50 parallel checkouts of
   * one product queue here and are served in turn (each of their writes takes a few ms) instead
   * of failing after 15 s behind each other. A timeout is a `DocumentLockTimeoutError`, answered
   * 503 like an unreachable database.
   */
  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (!(await this.isNeeded())) return work();
    const previous = this.queue.get(key) ?? Promise.resolve();
    let leave!: () => void;
    const turn = new Promise<void>((resolve) => (leave = resolve));
    const tail = previous.then(() => turn);
    this.queue.set(key, tail);
    try {
      await previous;
      let lease = this.held.get(key);
      this.held.delete(key);
      if (!lease) {
        const token = randomUUID();
        await this.acquire(key, token, Date.now() + this.waitMs);
        lease = { token, since: Date.now(), uses: 0 };
      }
      try {
        return await work();
      } finally {
        lease.uses += 1;
        const waited = this.queue.get(key) !== tail; // a later caller of this process queued behind
        if (waited && lease.uses < MAX_HANDOVERS && Date.now() - lease.since < this.leaseMs / 4) {
          this.held.set(key, lease);
        } else {
          await this.model.collection
            .deleteOne({ _id: key as never, token: lease.token })
            .catch(() => undefined);
        }
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
      if (Date.now() > deadline) throw new DocumentLockTimeoutError(key);
      await sleep(Math.min(25, 1 + attempt) * (0.5 + Math.random()));
    }
  }
}
