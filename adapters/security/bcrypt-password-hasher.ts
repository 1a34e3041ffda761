import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import { PasswordHasherBusy, type PasswordHasher } from '../../application/identity/ports.js';

type Job = { op: 'hash'; plain: string; rounds: number } | { op: 'compare'; plain: string; hash: string };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The worker's code, evaluated as CommonJS (`eval: true`) so it needs no file of its own and runs
 * the same under tsx, mocha and compiled output. bcryptjs is required by absolute path, resolved
 * here. CommonJS rather than an ES module in a data: URL: the thread then never starts the ESM
 * loader, ~40 instead of ~70 ms of CPU per thread start and 3 MB less resident while it lives.
 */
function workerSource(bcryptPath: string): string {
  return `
const bcrypt = require(${JSON.stringify(bcryptPath)});
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ id, job }) => {
  try {
    const value = job.op === 'hash'
      ? await bcrypt.hash(job.plain, job.rounds)
      : await bcrypt.compare(job.plain, job.hash);
    parentPort.postMessage({ id, value });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});`;
}

/** One worker thread and the jobs it owes answers for; it ends after `idleMs` without a job. */
class HashWorker {
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    source: string,
    onExit: (w: HashWorker) => void,
    private readonly idleMs: number,
  ) {
    this.worker = new Worker(source, { eval: true });
    this.worker.unref(); // never keeps the process alive
    this.worker.on('message', ({ id, value, error }: { id: number; value?: unknown; error?: string }) => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (this.pending.size === 0) {
        // Out of the pool first (synchronously), so no job is sent to a thread that is ending.
        this.idleTimer = setTimeout(() => {
          onExit(this);
          void this.worker.terminate();
        }, this.idleMs).unref();
      }
      if (error !== undefined) p.reject(new Error(error));
      else p.resolve(value);
    });
    const fail = (error: Error) => {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      onExit(this);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`hash worker exited with code ${code}`)));
  }

  run(id: number, job: Job): Promise<unknown> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, job });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** One worker per core, at most 4. */
export const DEFAULT_HASH_WORKERS = Math.max(1, Math.min(4, availableParallelism()));

/**
 * A worker without a job for this long ends (about 10 MB resident each, issue 14's idle memory);
 * the next job starts a fresh one (tens of ms, beside a hash's ~300 ms at cost 12).
 */
export const DEFAULT_HASH_WORKER_IDLE_MS = 10_000;

/** Jobs that may wait for a free worker, by default (HASH_QUEUE_MAX). */
export const DEFAULT_HASH_QUEUE_MAX = 16;

/**
 * bcrypt on worker threads. bcryptjs is pure JavaScript: at cost 12 one hash is ~300 ms of CPU,
 * which on the main thread would stall every other request during each login. A small pool of
 * `workers` threads does the hashing while the event loop keeps serving; `workers: 0` hashes on
 * the main thread (tests at cost 4, where a thread costs more than the hash).
 *
 * The queue is bounded: at most one running job per worker (one in all with `workers: 0`) plus
 * `maxQueued` waiting ones. A job beyond that is refused at once with PasswordHasherBusy rather
 * than queued: a flood of logins would otherwise queue every later sign-in behind seconds of
 * hashing (80 parallel logins were ~20 s at cost 12).
 */
export class BcryptPasswordHasher implements PasswordHasher {
  private readonly workers: HashWorker[] = [];
  private readonly source = workerSource(createRequire(import.meta.url).resolve('bcryptjs'));
  private nextId = 0;
  private inFlight = 0;

  constructor(
    private readonly rounds: number,
    private readonly size: number = DEFAULT_HASH_WORKERS,
    private readonly maxQueued: number = DEFAULT_HASH_QUEUE_MAX,
    private readonly idleMs: number = DEFAULT_HASH_WORKER_IDLE_MS,
  ) {}

  /** Worker threads running now (they start with the first jobs and end when idle). */
  get liveWorkers(): number {
    return this.workers.length;
  }

  /** Jobs accepted and not yet answered (running or waiting). */
  get pendingJobs(): number {
    return this.inFlight;
  }

  async hash(plain: string): Promise<string> {
    return (await this.dispatch({ op: 'hash', plain, rounds: this.rounds })) as string;
  }

  async compare(plain: string, hash: string): Promise<boolean> {
    try {
      return (await this.dispatch({ op: 'compare', plain, hash })) === true;
    } catch (error) {
      if (error instanceof PasswordHasherBusy) throw error;
      return false; // a malformed hash is a mismatch, not a failure
    }
  }

  /** Ends the worker threads (tests, graceful shutdown); new jobs start fresh ones. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private async dispatch(job: Job): Promise<unknown> {
    if (this.inFlight >= Math.max(1, this.size) + this.maxQueued) throw new PasswordHasherBusy();
    this.inFlight += 1;
    try {
      if (this.size === 0) {
        return await (job.op === 'hash'
          ? bcrypt.hash(job.plain, job.rounds)
          : bcrypt.compare(job.plain, job.hash));
      }
      this.nextId += 1;
      return await this.leastBusy().run(this.nextId, job);
    } finally {
      this.inFlight -= 1;
    }
  }

  private leastBusy(): HashWorker {
    if (this.workers.length < this.size) {
      const idle = this.workers.find((w) => w.pending.size === 0);
      if (idle) return idle;
      const worker = new HashWorker(
        this.source,
        (dead) => {
          const i = this.workers.indexOf(dead);
          if (i >= 0) this.workers.splice(i, 1);
        },
        this.idleMs,
      );
      this.workers.push(worker);
      return worker;
    }
    return this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }
}
