import type { Container } from 'inversify';
import { JOB_QUEUE, type JobQueue } from '../../application/shared/job-queue.js';
import { CLOCK, type Clock } from '../../application/shared/ports.js';
import { InProcessJobQueue } from '../../adapters/queue/in-process-job-queue.js';
import type { Config } from '../config.js';

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
