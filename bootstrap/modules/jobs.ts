import type { Container } from 'inversify';
import {
  JOB_QUEUE,
  type JobQueue,
  type RunningJob,
  type WorkerOptions,
} from '../../application/shared/job-queue.js';
import { CLOCK, STARTUP_TASK, type Clock, type StartupTask } from '../../application/shared/ports.js';
import { DeliverNotification } from '../../application/notifications/deliver-notification.js';
import { InProcessJobQueue } from '../../adapters/queue/in-process-job-queue.js';
import type { Config } from '../config.js';
import type { ClassToken } from './bind.js';

/**
 * The job queue (JOB_QUEUE): in process on the embedded default. Closed when the container is
 * unbound (shutdown): it takes no more jobs and waits for the running ones.
 */
export function bindJobs(container: Container, _config: Config): void {
  container
    .bind<JobQueue>(JOB_QUEUE)
    .toResolvedValue((clock: Clock) => new InProcessJobQueue(clock), [CLOCK])
    .inSingletonScope()
    .onDeactivation((queue) => queue.close());
}

/** A job processor: the queue it works and what it does with one job (throw to fail the attempt). */
export interface QueueProcessor {
  readonly queue: string;
  process(job: RunningJob<never>): Promise<void>;
}

/** One row per queue: the processor class (bound in its context's module) and its worker options. */
export interface JobProcessorRow {
  readonly processor: ClassToken<QueueProcessor>;
  readonly options?: WorkerOptions;
}

/** Every queue's processor: the one place that says which work runs on which queue. */
export const JOB_PROCESSORS: readonly JobProcessorRow[] = [
  // job `deliver` on queue `notifications` (SendNotification queues it, id = notification id)
  { processor: DeliverNotification, options: { concurrency: 10 } },
];

/** Registers this process as the worker of every queue in JOB_PROCESSORS (a start-up task). */
export function startJobWorkers(container: Container): void {
  container.bind<StartupTask>(STARTUP_TASK).toResolvedValue(
    (queue: JobQueue): StartupTask => ({
      name: 'job workers',
      run: async () => {
        for (const row of JOB_PROCESSORS) {
          const processor = container.get(row.processor);
          queue.process(processor.queue, (job) => processor.process(job as RunningJob<never>), row.options);
        }
      },
    }),
    [JOB_QUEUE],
  );
}
