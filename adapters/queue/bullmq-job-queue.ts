import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { AppLogger } from '../../application/shared/ports.js';
import {
  PermanentJobError,
  type JobCounts,
  type JobOptions,
  type JobProcessor,
  type JobQueue,
  type JobState,
  type JobView,
  type WorkerOptions,
} from '../../application/shared/job-queue.js';
import { captureTraceContext, runJobTraced } from '../telemetry/trace-context.js';

export interface BullMqJobQueueSettings {
  readonly url: string;
  /** Prefix of every key (REDIS_KEY_PREFIX), so deployments and test runs never share queues. */
  readonly keyPrefix: string;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly concurrency: number;
  /**
   * How long a worker's lock on a running job lasts without renewal, and how often workers look
   * for jobs whose worker died (stalled): such a job is attempted again after about this long.
   */
  readonly stalledIntervalMs: number;
  /** Completed jobs are removed this long after they finished (dead ones are kept). */
  readonly completedRetentionMs: number;
}

/** The longest a producer call (add, get, counts) waits for Redis. */
const PRODUCER_CALL_TIMEOUT_MS = 5000;

/**
 * The producer's connection fails fast while Redis is away (an `add` from a request answers an
 * error instead of hanging); a worker's connection waits for Redis forever, as BullMQ requires
 * for its blocking reads (`maxRetriesPerRequest: null`).
 */
function connection(url: string, role: 'producer' | 'worker'): Redis {
  const client = new Redis(url, {
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...(role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { maxRetriesPerRequest: null }),
  });
  client.on('error', () => undefined); // outages surface through failing calls and the health check
  return client;
}

/**
 * BullMQ refuses custom ids that look like integers or contain `:`; the port allows any string.
 * Every id is stored as `j.` + the id with `%` and `:` escaped, and read back the same way.
 */
const toBullId = (id: string): string => `j.${id.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
const fromBullId = (id: string): string =>
  id.startsWith('j.') ? id.slice(2).replace(/%3A/g, ':').replace(/%25/g, '%') : id;

const STATES: Record<string, JobState> = {
  waiting: 'waiting',
  prioritized: 'waiting',
  'waiting-children': 'waiting',
  delayed: 'delayed',
  active: 'active',
  completed: 'completed',
  failed: 'dead',
};

/**
 * The job queue on Redis (REDIS_URL) through BullMQ: jobs survive any process, workers may run in
 * any process of the fleet. Port semantics mapped onto BullMQ's: the job id is BullMQ's jobId
 * (dedup), attempts and exponential backoff are BullMQ's, the dead state is BullMQ's `failed`
 * (failed jobs are kept), PermanentJobError becomes BullMQ's UnrecoverableError, a job whose
 * worker died is found by BullMQ's stalled-job check and attempted again.
 */
export class BullMqJobQueue implements JobQueue {
  private producerConnection: Redis | undefined;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, { worker: Worker; connection: Redis }>();
  private closed = false;
  /** Producer calls in flight (their rejecters): a close answers them at once. */
  private readonly pending = new Set<(error: Error) => void>();

  constructor(
    private readonly settings: BullMqJobQueueSettings,
    private readonly logger: AppLogger,
  ) {}

  /** Opened on first use: a process that never touches the queue holds no connection for it. */
  private get producer(): Redis {
    this.producerConnection ??= connection(this.settings.url, 'producer');
    return this.producerConnection;
  }

  private get prefix(): string {
    return `${this.settings.keyPrefix}jobs`;
  }

  add<T>(queue: string, name: string, data: T, options: JobOptions = {}): Promise<JobView<T>> {
    return this.bounded(() => this.addNow(queue, name, data, options));
  }

  get<T = unknown>(queue: string, id: string): Promise<JobView<T> | undefined> {
    return this.bounded(() => this.getNow<T>(queue, id));
  }

  counts(queue: string): Promise<JobCounts> {
    return this.bounded(() => this.countsNow(queue));
  }

  /**
   * A producer call that answers within PRODUCER_CALL_TIMEOUT_MS, and at once once the queue is
   * closed: BullMQ waits for its connection to be ready before any command, forever while Redis is
   * away, so without this an `add` from a request or an event handler would hang (and a shutdown
   * waiting for that handler with it). The caller sees an error and retries later (the outbox
   * sweeper redelivers the event; a request answers 503/500 through its usual path).
   */
  private bounded<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('job queue: closed'));
    return new Promise<T>((resolve, reject) => {
      const stop = (error: Error) => {
        clearTimeout(timer);
        this.pending.delete(stop);
        reject(error);
      };
      const timer = setTimeout(
        () => stop(new Error(`job queue: Redis did not answer within ${PRODUCER_CALL_TIMEOUT_MS} ms`)),
        PRODUCER_CALL_TIMEOUT_MS,
      );
      this.pending.add(stop);
      call().then(
        (value) => {
          clearTimeout(timer);
          this.pending.delete(stop);
          resolve(value);
        },
        (error: unknown) => stop(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  private async addNow<T>(queue: string, name: string, data: T, options: JobOptions): Promise<JobView<T>> {
    const id = options.jobId ?? randomUUID();
    // BullMQ keeps `telemetry.metadata` with the job for context propagation; ours is the W3C
    // trace context of the adding trace (BullMQ's own telemetry is not configured).
    const trace = captureTraceContext();
    const jobOptions: JobsOptions = {
      jobId: toBullId(id),
      attempts: Math.max(1, options.attempts ?? this.settings.attempts),
      backoff: { type: 'exponential', delay: Math.max(0, options.backoffMs ?? this.settings.backoffMs) },
      removeOnComplete: { age: Math.ceil(this.settings.completedRetentionMs / 1000) },
      removeOnFail: false,
      ...(options.delayMs !== undefined && options.delayMs > 0 ? { delay: options.delayMs } : {}),
      ...(trace !== undefined ? { telemetry: { metadata: trace } } : {}),
    };
    // With a known id BullMQ stores nothing and answers that id: the stored job is read back.
    const added = await this.queue(queue).add(name, data ?? null, jobOptions);
    const stored = await this.getNow<T>(queue, id);
    return stored ?? this.view<T>(queue, added as Job<T>, 'waiting');
  }

  private async getNow<T>(queue: string, id: string): Promise<JobView<T> | undefined> {
    // The job's fields and its state are two reads: the state read before and after the fields
    // must agree, or a job finishing in between would show its final state with older fields.
    const bull = this.queue(queue);
    const bullId = toBullId(id);
    let before = await bull.getJobState(bullId);
    for (;;) {
      const job = (await bull.getJob(bullId)) as Job<T> | undefined;
      if (!job) return undefined;
      const after = await bull.getJobState(bullId);
      if (after === before) return this.view(queue, job, STATES[after] ?? 'waiting');
      before = after;
    }
  }

  private async countsNow(queue: string): Promise<JobCounts> {
    const c = await this.queue(queue).getJobCounts(
      'waiting',
      'prioritized',
      'waiting-children',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    const n = (key: string) => c[key] ?? 0;
    return {
      waiting: n('waiting') + n('prioritized') + n('waiting-children'),
      delayed: n('delayed'),
      active: n('active'),
      completed: n('completed'),
      dead: n('failed'),
    };
  }

  process<T>(queue: string, processor: JobProcessor<T>, options: WorkerOptions = {}): void {
    if (this.workers.has(queue)) throw new Error(`queue ${queue} already has a processor in this process`);
    if (this.closed) throw new Error('the job queue is closed');
    const workerConnection = connection(this.settings.url, 'worker');
    const worker = new Worker<T>(
      queue,
      async (job) => {
        const id = fromBullId(job.id ?? '');
        try {
          await runJobTraced(
            { queue, name: job.name, id, attempt: job.attemptsStarted },
            job.opts.telemetry?.metadata,
            () =>
              processor({
                id,
                name: job.name,
                data: job.data,
                attempt: job.attemptsStarted,
                maxAttempts: job.opts.attempts ?? 1,
                reportProgress: (percentage) => job.updateProgress(Math.min(100, Math.max(0, percentage))),
              }),
          );
        } catch (error) {
          if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
          throw error instanceof Error ? error : new Error(String(error));
        }
      },
      {
        connection: workerConnection,
        prefix: this.prefix,
        concurrency: Math.max(1, options.concurrency ?? this.settings.concurrency),
        lockDuration: this.settings.stalledIntervalMs,
        stalledInterval: this.settings.stalledIntervalMs,
        maxStalledCount: 1,
      },
    );
    let failing = false;
    worker.on('error', (error) => {
      if (failing) return; // once per outage
      failing = true;
      this.logger.warn(`job worker (${queue}): redis error`, { queue, error: error.message });
    });
    worker.on('ready', () => (failing = false));
    this.workers.set(queue, { worker, connection: workerConnection });
  }

  /** Stops taking jobs, waits for the running ones, then closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.pending]) stop(new Error('job queue: closed'));
    await Promise.all([...this.workers.values()].map(({ worker }) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    for (const { connection: c } of this.workers.values()) c.disconnect();
    this.producerConnection?.disconnect();
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.producer, prefix: this.prefix });
      queue.on('error', () => undefined); // surfaces through the failing call
      this.queues.set(name, queue);
    }
    return queue;
  }

  private view<T>(queue: string, job: Job<T>, state: JobState): JobView<T> {
    return {
      id: fromBullId(job.id ?? ''),
      queue,
      name: job.name,
      data: job.data,
      state,
      attemptsMade: job.attemptsStarted ?? 0,
      progress: typeof job.progress === 'number' ? job.progress : 0,
      ...(job.failedReason ? { lastError: job.failedReason } : {}),
      createdAt: new Date(job.timestamp),
      ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn) } : {}),
    };
  }
}
