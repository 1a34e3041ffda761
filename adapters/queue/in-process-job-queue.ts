import { randomUUID } from 'node:crypto';
import type { Clock } from '../../application/shared/ports.js';
import {
  PermanentJobError,
  type JobCounts,
  type JobOptions,
  type JobProcessor,
  type JobQueue,
  type JobState,
  type JobView,
  type RunningJob,
  type WorkerOptions,
} from '../../application/shared/job-queue.js';
import { captureTraceContext, runJobTraced } from '../telemetry/trace-context.js';

/** When timers fire: the system's by default; tests may pass their own. */
export interface JobTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const SYSTEM_TIMERS: JobTimers = {
  set: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref(); // a queued retry never keeps a process alive by itself
    return handle;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface InProcessJobQueueSettings {
  /** Attempts when a job does not say (first try included). */
  readonly attempts: number;
  /** First retry delay when a job does not say. */
  readonly backoffMs: number;
  /** A worker's concurrency when `process` does not say. */
  readonly concurrency: number;
  /** Completed jobs are forgotten this long after they finished (dead ones are kept). */
  readonly completedRetentionMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: InProcessJobQueueSettings = {
  attempts: 3,
  backoffMs: 1000,
  concurrency: 5,
  completedRetentionMs: 7 * 24 * 3600_000,
};

interface StoredJob {
  readonly id: string;
  readonly queue: string;
  readonly name: string;
  /** As a serialized copy, like BullMQ: a processor never shares objects with its producer. */
  readonly data: string;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly createdAt: Date;
  /** The trace that added the job (when tracing is on): its span is the job span's parent. */
  readonly trace: string | undefined;
  state: JobState;
  attemptsMade: number;
  progress: number;
  lastError?: string;
  finishedAt?: Date;
  timer?: unknown;
}

interface Worker {
  readonly processor: JobProcessor<unknown>;
  readonly concurrency: number;
  running: number;
}

/**
 * The job queue of the embedded default: jobs live in this process's memory, with the port's
 * semantics (dedup by id, attempts with exponential backoff, dead state, delays, per-queue
 * concurrency, progress). Jobs are lost with the process: producers that must not lose work keep
 * it in their own store and add it again on start (the dedup by id makes that safe).
 */
export class InProcessJobQueue implements JobQueue {
  private readonly settings: InProcessJobQueueSettings;
  private readonly jobs = new Map<string, Map<string, StoredJob>>();
  /** Ready jobs per queue, in arrival order. */
  private readonly ready = new Map<string, StoredJob[]>();
  private readonly workers = new Map<string, Worker>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private addsSincePrune = 0;

  constructor(
    private readonly clock: Clock,
    settings: Partial<InProcessJobQueueSettings> = {},
    private readonly timers: JobTimers = SYSTEM_TIMERS,
  ) {
    this.settings = { ...DEFAULT_QUEUE_SETTINGS, ...settings };
  }

  async add<T>(queue: string, name: string, data: T, options: JobOptions = {}): Promise<JobView<T>> {
    const jobs = this.jobsOf(queue);
    if (options.jobId !== undefined) {
      const known = jobs.get(options.jobId);
      if (known) return view<T>(known);
    }
    this.prune();
    const delayMs = Math.max(0, options.delayMs ?? 0);
    const job: StoredJob = {
      id: options.jobId ?? randomUUID(),
      queue,
      name,
      data: JSON.stringify(data ?? null),
      attempts: Math.max(1, options.attempts ?? this.settings.attempts),
      backoffMs: Math.max(0, options.backoffMs ?? this.settings.backoffMs),
      createdAt: this.clock.now(),
      trace: captureTraceContext(),
      state: delayMs > 0 ? 'delayed' : 'waiting',
      attemptsMade: 0,
      progress: 0,
    };
    jobs.set(job.id, job);
    if (delayMs > 0) this.delay(job, delayMs);
    else this.enqueue(job);
    return view<T>(job);
  }

  async get<T = unknown>(queue: string, id: string): Promise<JobView<T> | undefined> {
    const job = this.jobs.get(queue)?.get(id);
    return job ? view<T>(job) : undefined;
  }

  async counts(queue: string): Promise<JobCounts> {
    const counts = { waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0 };
    for (const job of this.jobs.get(queue)?.values() ?? []) counts[job.state] += 1;
    return counts;
  }

  process<T>(queue: string, processor: JobProcessor<T>, options: WorkerOptions = {}): void {
    if (this.workers.has(queue)) throw new Error(`queue ${queue} already has a processor in this process`);
    if (this.closed) throw new Error('the job queue is closed');
    this.workers.set(queue, {
      processor: processor as JobProcessor<unknown>,
      concurrency: Math.max(1, options.concurrency ?? this.settings.concurrency),
      running: 0,
    });
    this.pump(queue);
  }

  /** Takes no more jobs (delayed ones stay delayed) and waits for the running ones to finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const jobs of this.jobs.values()) {
      for (const job of jobs.values()) {
        if (job.timer !== undefined) this.timers.clear(job.timer);
        job.timer = undefined;
      }
    }
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private jobsOf(queue: string): Map<string, StoredJob> {
    let jobs = this.jobs.get(queue);
    if (!jobs) {
      jobs = new Map();
      this.jobs.set(queue, jobs);
    }
    return jobs;
  }

  private delay(job: StoredJob, ms: number): void {
    job.state = 'delayed';
    if (this.closed) return;
    job.timer = this.timers.set(() => {
      job.timer = undefined;
      this.enqueue(job);
    }, ms);
  }

  private enqueue(job: StoredJob): void {
    job.state = 'waiting';
    let ready = this.ready.get(job.queue);
    if (!ready) {
      ready = [];
      this.ready.set(job.queue, ready);
    }
    ready.push(job);
    this.pump(job.queue);
  }

  private pump(queue: string): void {
    const worker = this.workers.get(queue);
    const ready = this.ready.get(queue);
    if (!worker || !ready) return;
    while (!this.closed && worker.running < worker.concurrency && ready.length > 0) {
      const job = ready.shift()!;
      worker.running += 1;
      const run = this.run(job, worker).finally(() => {
        worker.running -= 1;
        this.running.delete(run);
        this.pump(queue);
      });
      this.running.add(run);
    }
  }

  private async run(job: StoredJob, worker: Worker): Promise<void> {
    job.state = 'active';
    job.attemptsMade += 1;
    const running: RunningJob<unknown> = {
      id: job.id,
      name: job.name,
      data: JSON.parse(job.data) as unknown,
      attempt: job.attemptsMade,
      maxAttempts: job.attempts,
      reportProgress: async (percentage) => {
        job.progress = Math.min(100, Math.max(0, percentage));
      },
    };
    try {
      await runJobTraced(
        { queue: job.queue, name: job.name, id: job.id, attempt: job.attemptsMade },
        job.trace,
        () => worker.processor(running),
      );
      job.state = 'completed';
      job.finishedAt = this.clock.now();
    } catch (error) {
      job.lastError = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentJobError || job.attemptsMade >= job.attempts) {
        job.state = 'dead';
        job.finishedAt = this.clock.now();
      } else {
        this.delay(job, job.backoffMs * 2 ** (job.attemptsMade - 1));
      }
    }
  }

  /** Forgets completed jobs past their retention, now and then (memory stays bounded). */
  private prune(): void {
    this.addsSincePrune += 1;
    if (this.addsSincePrune < 1000) return;
    this.addsSincePrune = 0;
    const before = this.clock.now().getTime() - this.settings.completedRetentionMs;
    for (const jobs of this.jobs.values()) {
      for (const [id, job] of jobs) {
        if (job.state === 'completed' && job.finishedAt && job.finishedAt.getTime() < before) jobs.delete(id);
      }
    }
  }
}

function view<T>(job: StoredJob): JobView<T> {
  return {
    id: job.id,
    queue: job.queue,
    name: job.name,
    data: JSON.parse(job.data) as T,
    state: job.state,
    attemptsMade: job.attemptsMade,
    progress: job.progress,
    ...(job.lastError !== undefined ? { lastError: job.lastError } : {}),
    createdAt: job.createdAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
  };
}
