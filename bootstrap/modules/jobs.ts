/* eslint-disable @typescript-eslint/no-explicit-any -- handler classes of any constructor arity */
import type { Container } from 'inversify';
import {
  JOB_QUEUE,
  type JobCounts,
  type JobHandler,
  type JobOptions,
  type JobProcessor,
  type JobQueue,
  type JobView,
  type WorkerOptions,
  PermanentJobError,
} from '../../application/shared/job-queue.js';
import { METRICS, type Metrics } from '../../application/shared/metrics.js';
import {
  APP_LOGGER,
  CLOCK,
  STARTUP_TASK,
  type AppLogger,
  type Clock,
  type StartupTask,
} from '../../application/shared/ports.js';
import { InProcessJobQueue } from '../../adapters/queue/in-process-job-queue.js';
import { REDIS_KEY_PREFIX } from '../../adapters/cache/redis-tokens.js';
import type { Config } from '../config.js';
import { DeliverNotification } from '../../application/notifications/deliver-notification.js';
import { NOTIFICATIONS_QUEUE } from '../../application/notifications/send-notification.js';
import { BULK_QUEUE, RunBulkNotification } from '../../application/notifications/bulk.js';
import {
  RECOMMENDATIONS_QUEUE,
  TrainRecommendationModelJob,
} from '../../application/discovery/train-model.js';

export type JobHandlerClass = new (...args: any[]) => JobHandler<any>;

/** One queue's processor: its handler class (bound with its dependencies below) and concurrency. */
export interface ProcessorRow {
  readonly handler: JobHandlerClass;
  /** Jobs of this queue run at once per process; default QUEUE_CONCURRENCY. */
  readonly concurrency?: number;
}

/** Queue name -> processor. */
export type ProcessorTable = Readonly<Record<string, ProcessorRow>>;

/**
 * What runs where: every queue's processor, in one place. The API process (QUEUE_WORKERS=true,
 * the default) and `npm run worker` register exactly these. A handler lives in its context and is
 * bound in bindJobs with its dependencies (typed: a wrong or missing one fails tsc).
 */
export const PROCESSORS: ProcessorTable = {
  // job `deliver` (SendNotification queues it, job id = notification id)
  [NOTIFICATIONS_QUEUE]: { handler: DeliverNotification, concurrency: 10 },
  // job `bulk` (StartBulkNotification queues it, job id = bulk id): walks the audience, creating
  // and queueing one `deliver` per recipient; two walks at once per process is plenty.
  [BULK_QUEUE]: { handler: RunBulkNotification, concurrency: 2 },
  // job `train` (StartTraining queues it, job id = train-v<version>): trains, evaluates and stores
  // one recommendation model version; one at a time (it is CPU-heavy and yields between steps).
  [RECOMMENDATIONS_QUEUE]: { handler: TrainRecommendationModelJob, concurrency: 1 },
};

/**
 * The job queue (JOB_QUEUE): BullMQ on Redis when REDIS_URL is set (keys under REDIS_KEY_PREFIX),
 * else in process. Closed when the container is unbound (shutdown): it takes no more jobs and
 * waits for the running ones.
 */
export function bindJobs(container: Container, config: Config): void {
  const redis = config.redis;
  const { attempts, backoffMs, concurrency, stalledIntervalMs } = config.queue;
  const completedRetentionMs = 7 * 24 * 3600_000;
  if (redis) {
    container
      .bind<JobQueue>(JOB_QUEUE)
      .toResolvedValue(
        (prefix: string, logger: AppLogger) =>
          // bullmq is loaded only when REDIS_URL selects it: the embedded default never loads it.
          new LazyJobQueue(
            import('../../adapters/queue/bullmq-job-queue.js').then(
              ({ BullMqJobQueue }) =>
                new BullMqJobQueue(
                  {
                    url: redis.url,
                    keyPrefix: prefix,
                    attempts,
                    backoffMs,
                    concurrency,
                    stalledIntervalMs,
                    completedRetentionMs,
                  },
                  logger,
                ),
            ),
          ),
        [REDIS_KEY_PREFIX, APP_LOGGER],
      )
      .inSingletonScope()
      .onDeactivation((queue) => queue.close());
  } else {
    container
      .bind<JobQueue>(JOB_QUEUE)
      .toResolvedValue(
        (clock: Clock) =>
          new InProcessJobQueue(clock, { attempts, backoffMs, concurrency, completedRetentionMs }),
        [CLOCK],
      )
      .inSingletonScope()
      .onDeactivation((queue) => queue.close());
  }
}

/** A queue whose adapter is still being imported: every call waits for it. */
export class LazyJobQueue implements JobQueue {
  constructor(private readonly loading: Promise<JobQueue>) {
    loading.catch(() => undefined); // surfaces through the first call
  }

  /** The adapter, once imported. */
  adapter(): Promise<JobQueue> {
    return this.loading;
  }

  async add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<JobView<T>> {
    return (await this.loading).add(queue, name, data, options);
  }

  async get<T = unknown>(queue: string, id: string): Promise<JobView<T> | undefined> {
    return (await this.loading).get<T>(queue, id);
  }

  async counts(queue: string): Promise<JobCounts> {
    return (await this.loading).counts(queue);
  }

  process<T>(queue: string, processor: JobProcessor<T>, options?: WorkerOptions): void {
    void this.loading.then(
      (adapter) => adapter.process(queue, processor, options),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    await (await this.loading).close();
  }
}

/** Registers this process as the worker of every queue of `processors`, once. */
export class StartJobWorkers implements StartupTask {
  readonly name = 'jobs: start workers';
  private started = false;

  constructor(
    private readonly container: Container,
    private readonly processors: ProcessorTable,
    private readonly concurrency: number,
  ) {}

  async run(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (Object.keys(this.processors).length === 0) return;
    const queue = this.container.get<JobQueue>(JOB_QUEUE);
    const metrics = this.container.get<Metrics>(METRICS);
    for (const [name, row] of Object.entries(this.processors)) {
      const handler = this.container.get<JobHandler<unknown>>(row.handler);
      // queue_jobs_total where each attempt finishes: completed, retried (a later attempt follows) or dead.
      queue.process(
        name,
        async (job) => {
          try {
            await handler.handle(job);
            metrics.count('queue_jobs_total', { queue: name, outcome: 'completed' });
          } catch (error) {
            const dead = error instanceof PermanentJobError || job.attempt >= job.maxAttempts;
            metrics.count('queue_jobs_total', { queue: name, outcome: dead ? 'dead' : 'retried' });
            throw error;
          }
        },
        { concurrency: row.concurrency ?? this.concurrency },
      );
    }
    const queues = Object.keys(this.processors);
    if (queues.length > 0) this.container.get<AppLogger>(APP_LOGGER).info('job workers started', { queues });
  }
}

/**
 * With QUEUE_WORKERS (the default), this process runs the processors; bound last, like the
 * sweepers, so every handler's dependencies are bound when they start.
 */
export function startJobWorkers(container: Container, config: Config, processors: ProcessorTable): void {
  if (!config.queue.workers) return;
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toConstantValue(new StartJobWorkers(container, processors, config.queue.concurrency));
}
