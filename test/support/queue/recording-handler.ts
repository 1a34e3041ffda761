import { appendFileSync } from 'node:fs';
import type { JobHandler, RunningJob } from '../../../application/shared/job-queue.js';
import type { ProcessorTable } from '../../../bootstrap/modules/jobs.js';

export const DURABILITY_QUEUE = 'durability-test';

export interface DurabilityJob {
  /** Hang forever on the first attempt (the test kills the worker meanwhile). */
  readonly hangOnFirstAttempt?: boolean;
  /** Take this long (a SIGTERM arrives meanwhile). */
  readonly workMs?: number;
}

/**
 * The test processor: appends `start <id> <attempt>` and `done <id>` lines to a file, so a test
 * in another process sees every attempt of every job, even of a process killed with SIGKILL.
 */
export class RecordJobsInFile implements JobHandler<DurabilityJob> {
  constructor(private readonly file: string) {}

  async handle(job: RunningJob<DurabilityJob>): Promise<void> {
    appendFileSync(this.file, `start ${job.id} ${job.attempt}\n`);
    if (job.data.hangOnFirstAttempt && job.attempt === 1) await new Promise(() => undefined);
    if (job.data.workMs) await new Promise((r) => setTimeout(r, job.data.workMs));
    appendFileSync(this.file, `done ${job.id}\n`);
  }
}

export const TEST_PROCESSORS: ProcessorTable = { [DURABILITY_QUEUE]: { handler: RecordJobsInFile } };
