import { expect } from 'chai';
import { JOB_QUEUE, type JobQueue } from '../../../application/shared/job-queue.js';
import { InProcessJobQueue } from '../../../adapters/queue/in-process-job-queue.js';
import { buildContainer } from '../../../bootstrap/container.js';
import { silentLogger } from '../../contract/cache/redis-support.js';
import { testConfig } from '../../support/harness.js';

describe('bootstrap: the job queue', () => {
  it('is the in-process queue on the embedded default, one per container', async () => {
    const container = buildContainer(testConfig(), silentLogger);
    expect(container.get<JobQueue>(JOB_QUEUE)).to.be.instanceOf(InProcessJobQueue);
    expect(container.get<JobQueue>(JOB_QUEUE)).to.equal(container.get<JobQueue>(JOB_QUEUE));
    await container.unbindAllAsync();
  });

  it('is closed on shutdown, after the running jobs finished', async () => {
    const container = buildContainer(testConfig(), silentLogger);
    const queue = container.get<JobQueue>(JOB_QUEUE);
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    queue.process('q', async () => {
      started();
      await new Promise((r) => setTimeout(r, 150));
      finished = true;
    });
    await queue.add('q', 'work', {});
    await running;
    await container.unbindAllAsync();
    expect(finished).to.equal(true);
    // closed: a job added afterwards is never taken
    expect(() => queue.process('q2', async () => undefined)).to.throw(/closed/);
  });
});
