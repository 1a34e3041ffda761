import { loadConfig } from '../../../bootstrap/config.js';
import { buildContainer } from '../../../bootstrap/container.js';
import { startTasks } from '../../../bootstrap/app.js';
import { JOB_QUEUE, type JobQueue } from '../../../application/shared/job-queue.js';
import { DURABILITY_QUEUE, TEST_PROCESSORS } from './recording-handler.js';

/**
 * An API-like process (QUEUE_WORKERS=false: it only enqueues) that queues JOB_COUNT jobs, says
 * so, then waits to be killed.
 */
const config = loadConfig(process.env, () => 'generated-secret-generated-secret-generated');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const container = await buildContainer(config, silent, { processors: TEST_PROCESSORS });
await startTasks(container).settled;
const queue = container.get<JobQueue>(JOB_QUEUE);
const count = Number(process.env.JOB_COUNT);
await Promise.all(
  Array.from({ length: count }, (_, i) => queue.add(DURABILITY_QUEUE, 'record', {}, { jobId: `job-${i}` })),
);
console.log(JSON.stringify({ queued: count }));
setInterval(() => undefined, 60_000);
