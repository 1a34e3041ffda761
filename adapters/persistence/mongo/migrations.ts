import { randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import { MIGRATIONS } from './migrations/index.js';
import { isDuplicateKey } from './duplicate-key.js';

export type Db = mongo.Db;

/** One versioned schema/data change. `up` and `down` must be safe to re-run after a crash mid-way. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Db): Promise<void>;
  down(db: Db): Promise<void>;
}

export interface MigrationState {
  readonly version: number;
  readonly name: string;
  readonly appliedAt: Date | null;
}

/** Another runner holds the lock (and did not release it within the wait). */
export class MigrationLockedError extends Error {
  constructor(readonly holder: string) {
    super(`Another migration run holds the lock (${holder}); try again when it is done`);
  }
}

export const MIGRATIONS_COLLECTION = 'migrations';
export const MIGRATIONS_LOCK_COLLECTION = 'migrations_lock';
const LOCK_ID = 'migrations';

interface AppliedDocument {
  _id: number;
  name: string;
  appliedAt: Date;
}

interface LockDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

export interface MigrationRunnerOptions {
  /** How long to wait for another runner to finish. Default 30 s. */
  readonly waitMs?: number;
  /** After this long a lock is taken to be abandoned by a crashed runner. Default 10 min. */
  readonly lockTtlMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Applies versioned migrations in order and records each applied version in `migrations`
 * (`_id` = version). `up` applies only what is missing (so running it twice applies nothing
 * new), `down` reverts the last applied one. Runners exclude each other with one lock document
 * in `migrations_lock`, taken by inserting it (an insert of an existing `_id` fails atomically on
 * MongoDB and FerretDB alike) and deleted when done.
 */
export class MigrationRunner {
  private readonly migrations: readonly Migration[];

  constructor(
    private readonly db: Db,
    migrations: readonly Migration[] = MIGRATIONS,
    private readonly options: MigrationRunnerOptions = {},
  ) {
    this.migrations = [...migrations].sort((a, b) => a.version - b.version);
    const versions = new Set(this.migrations.map((m) => m.version));
    if (versions.size !== this.migrations.length) throw new Error('Two migrations share a version');
  }

  async status(): Promise<MigrationState[]> {
    const applied = await this.applied();
    return this.migrations.map((m) => ({
      version: m.version,
      name: m.name,
      appliedAt: applied.get(m.version)?.appliedAt ?? null,
    }));
  }

  /** Applies every pending migration, oldest first; answers those it applied. */
  async up(): Promise<Migration[]> {
    return this.locked(async () => {
      const applied = await this.applied();
      const done: Migration[] = [];
      for (const migration of this.migrations) {
        if (applied.has(migration.version)) continue;
        await migration.up(this.db);
        await this.records().insertOne({
          _id: migration.version,
          name: migration.name,
          appliedAt: new Date(),
        });
        done.push(migration);
      }
      return done;
    });
  }

  /** Reverts the most recently applied migration; answers it, or null when none is applied. */
  async down(): Promise<Migration | null> {
    return this.locked(async () => {
      const applied = await this.applied();
      const last = [...this.migrations].reverse().find((m) => applied.has(m.version));
      if (!last) return null;
      await last.down(this.db);
      await this.records().deleteOne({ _id: last.version });
      return last;
    });
  }

  private records() {
    return this.db.collection<AppliedDocument>(MIGRATIONS_COLLECTION);
  }

  private async applied(): Promise<Map<number, AppliedDocument>> {
    const docs = await this.records().find({}).toArray();
    return new Map(docs.map((d) => [d._id, d]));
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    const locks = this.db.collection<LockDocument>(MIGRATIONS_LOCK_COLLECTION);
    const owner = `${process.pid}:${randomUUID()}`;
    const ttl = this.options.lockTtlMs ?? 10 * 60_000;
    const deadline = Date.now() + (this.options.waitMs ?? 30_000);
    for (;;) {
      try {
        await locks.insertOne({ _id: LOCK_ID, owner, expiresAt: new Date(Date.now() + ttl) });
        break;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const held = await locks.findOne({ _id: LOCK_ID });
      if (held && held.expiresAt.getTime() < Date.now()) {
        await locks.deleteOne({ _id: LOCK_ID, owner: held.owner }); // abandoned by a crashed runner
        continue;
      }
      if (Date.now() >= deadline) throw new MigrationLockedError(held?.owner ?? 'unknown');
      await sleep(50);
    }
    try {
      return await work();
    } finally {
      await locks.deleteOne({ _id: LOCK_ID, owner });
    }
  }
}
