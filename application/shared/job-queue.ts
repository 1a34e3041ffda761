import { token } from './token.js';

/**
 * Background work that must not be lost and may need retrying: notifications, bulk operations,
 * model training. Adapters: an in-process queue on the embedded default, BullMQ on Redis when
 * REDIS_URL is set. Both have the same semantics, checked by one contract suite:
 *
 * - `add` stores a job under a queue name. A job added with an id that is already known (waiting,
 *   delayed, active, completed or dead) is not added again: the existing job is answered. So a
 *   producer that retries (an event redelivered, a request retried) never queues twice.
 * - A job is attempted up to `attempts` times. A processor that throws (or rejects) fails the
 *   attempt; the next one waits `backoffMs * 2^(attempt-1)` (exponential backoff). After the last
 *   failed attempt the job is `dead` (the dead-letter state) with the last error kept.
 *   A processor that throws a `PermanentJobError` goes to `dead` at once (retrying cannot help).
 * - `delayMs` makes a job wait before its first attempt.
 * - Each queue's processor runs at most `concurrency` jobs of that queue at once per worker.
 * - `progress` reported by a processor is visible through `get` while it runs.
 * - A job a process was running when it died is attempted again (BullMQ: stalled-job check;
 *   in-process: lost with the process; durable producers resume from their own store).
 */

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'dead';

export interface JobOptions {
  /** Deduplication key: a second `add` with the same id answers the existing job. */
  readonly jobId?: string;
  /** Wait before the first attempt. */
  readonly delayMs?: number;
  /** Total attempts (first try included); default from the queue's settings. */
  readonly attempts?: number;
  /** First retry delay; doubled for each further retry. */
  readonly backoffMs?: number;
}

export interface JobView<T = unknown> {
  readonly id: string;
  readonly queue: string;
  readonly name: string;
  readonly data: T;
  readonly state: JobState;
  /** Attempts made so far (failed or running). */
  readonly attemptsMade: number;
  /** 0-100, as last reported by the processor. */
  readonly progress: number;
  /** The last failure's message, when an attempt failed. */
  readonly lastError?: string;
  readonly createdAt: Date;
  readonly finishedAt?: Date;
}

/** What a processor gets: the job, and a way to report progress. */
export interface RunningJob<T> {
  readonly id: string;
  readonly name: string;
  readonly data: T;
  /** 1 on the first try. */
  readonly attempt: number;
  readonly maxAttempts: number;
  reportProgress(percentage: number): Promise<void>;
}

export type JobProcessor<T> = (job: RunningJob<T>) => Promise<void>;

/**
 * A queue's processor as a class in its context (like an event handler), constructed with its
 * ports; bootstrap/modules/jobs.ts registers each under its queue name in one table (PROCESSORS),
 * so the API process and `npm run worker` run the same ones. Must be safe to run again for the
 * same job (a retry, or a job whose worker died): use the job id to do its effect once.
 */
export interface JobHandler<T = unknown> {
  handle(job: RunningJob<T>): Promise<void>;
}

export interface WorkerOptions {
  readonly concurrency?: number;
}

const PERMANENT = Symbol.for('amour-florals.PermanentJobError');

/**
 * A failure that retrying cannot fix (a malformed address, a gone push subscription).
 * `instanceof` also recognizes one made by another copy of this module (and of a subclass's), by
 * a registered brand and the class names along its prototype chain: adapters loaded with a
 * dynamic `import()` (bootstrap loads provider SDKs only when selected) get their own copies
 * under the test runner's module loader, and a worker must still see their errors as permanent.
 */
export class PermanentJobError extends Error {
  override readonly name: string = 'PermanentJobError';
  readonly [PERMANENT] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(PERMANENT in value)) return false;
    for (let p: unknown = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
      if ((p as { constructor?: { name?: string } }).constructor?.name === this.name) return true;
    }
    return false;
  }
}

export interface JobCounts {
  readonly waiting: number;
  readonly delayed: number;
  readonly active: number;
  readonly completed: number;
  readonly dead: number;
}

export interface JobQueue {
  add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<JobView<T>>;
  get<T = unknown>(queue: string, id: string): Promise<JobView<T> | undefined>;
  counts(queue: string): Promise<JobCounts>;
  /**
   * Registers this process as a worker of `queue` (at most one processor per queue per process).
   * Workers start processing at once; `close()` stops taking jobs and waits for running ones.
   */
  process<T>(queue: string, processor: JobProcessor<T>, options?: WorkerOptions): void;
  close(): Promise<void>;
}
export const JOB_QUEUE = token<JobQueue>('JobQueue');
