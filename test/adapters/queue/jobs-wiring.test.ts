import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Container } from 'inversify';
import {
  JOB_QUEUE,
  type JobHandler,
  type JobQueue,
  type RunningJob,
} from '../../../application/shared/job-queue.js';
import { InProcessJobQueue } from '../../../adapters/queue/in-process-job-queue.js';
import { BullMqJobQueue } from '../../../adapters/queue/bullmq-job-queue.js';
import { buildContainer } from '../../../bootstrap/container.js';
import { startTasks } from '../../../bootstrap/app.js';
import { ConfigError } from '../../../bootstrap/config.js';
import { LazyJobQueue, type ProcessorTable } from '../../../bootstrap/modules/jobs.js';
import { silentLogger } from '../../contract/cache/redis-support.js';
import { testConfig } from '../../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';

class RecordJobs implements JobHandler<{ n: number }> {
  readonly seen: number[] = [];
  async handle(job: RunningJob<{ n: number }>): Promise<void> {
    this.seen.push(job.data.n);
  }
}

const until = async (probe: () => Promise<boolean> | boolean): Promise<void> => {
  const deadline = Date.now() + 8000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A container running `processors` (one handler, RecordJobs) with its start-up tasks done. */
async function started(env: Record<string, string>, processors: ProcessorTable): Promise<Container> {
  const container = await buildContainer(testConfig(env), silentLogger, { processors });
  container.bind(RecordJobs).toConstantValue(new RecordJobs());
  await startTasks(container).settled;
  return container;
}

describe('bootstrap: the job queue', () => {
  it('is the in-process queue on the embedded default, one per container', async () => {
    const container = await buildContainer(testConfig(), silentLogger);
    expect(container.get(JOB_QUEUE)).to.be.instanceOf(InProcessJobQueue);
    expect(container.get(JOB_QUEUE)).to.equal(container.get(JOB_QUEUE));
    await container.unbindAllAsync();
  });

  it('is closed on shutdown, after the running jobs finished', async () => {
    const container = await buildContainer(testConfig(), silentLogger);
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
    expect(() => queue.process('q2', async () => undefined)).to.throw(/closed/);
  });

  it('runs the processors of its table in the API process by default (QUEUE_WORKERS=true)', async () => {
    const container = await started({}, { 'test-jobs': { handler: RecordJobs, concurrency: 2 } });
    const queue = container.get<JobQueue>(JOB_QUEUE);
    await queue.add('test-jobs', 'n', { n: 1 });
    await queue.add('test-jobs', 'n', { n: 2 });
    await until(() => container.get(RecordJobs).seen.length === 2);
    expect([...container.get(RecordJobs).seen].sort()).to.deep.equal([1, 2]);
    await container.unbindAllAsync();
  });

  it('QUEUE_WORKERS=false without REDIS_URL and MONGODB_URI is refused: nobody would ever run the jobs', () => {
    expect(() => testConfig({ QUEUE_WORKERS: 'false' })).to.throw(ConfigError, /QUEUE_WORKERS/);
    expect(() => testConfig({ QUEUE_WORKERS: 'false', REDIS_URL: 'redis://127.0.0.1:6390' })).to.throw(
      ConfigError,
      /MONGODB_URI/,
    );
    expect(() => testConfig({ QUEUE_CONCURRENCY: '0' })).to.throw(ConfigError, /QUEUE_CONCURRENCY/);
  });

  describeWith(['redis', 'mongo'], 'with REDIS_URL (and MONGODB_URI)', () => {
    it('is BullMQ, and QUEUE_WORKERS=false only enqueues', async () => {
      const queueName = `test-jobs-${randomUUID().slice(0, 8)}`;
      const env = {
        REDIS_URL: serviceUrl('redis'),
        MONGODB_URI: mongoTestUri('jobs-wiring'),
        SEED_DEMO: 'false',
        QUEUE_WORKERS: 'false',
      };
      const producer = await started(env, { [queueName]: { handler: RecordJobs } });
      const queue = producer.get<JobQueue>(JOB_QUEUE);
      expect(queue).to.be.instanceOf(LazyJobQueue);
      // Imported on demand (tsx may load a second copy of the module: compare by name).
      expect((await (queue as LazyJobQueue).adapter()).constructor.name).to.equal(BullMqJobQueue.name);
      const job = await queue.add(queueName, 'n', { n: 7 });
      await new Promise((r) => setTimeout(r, 300));
      expect(producer.get(RecordJobs).seen).to.deep.equal([]);
      expect((await queue.get(queueName, job.id))?.state).to.equal('waiting');
      await queue.close();
      await producer.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await producer.unbindAllAsync();
    });
  });
});

describe('npm run worker', () => {
  it('refuses to start without REDIS_URL, naming it (on the embedded default jobs run in the API)', async function () {
    this.timeout(30_000);
    const { spawnSync } = await import('node:child_process');
    const entry = new URL('../../../bootstrap/worker.ts', import.meta.url).pathname;
    const compiled = import.meta.url.endsWith('.js');
    const run = spawnSync(
      process.execPath,
      compiled ? [entry.replace(/\.ts$/, '.js')] : ['--import', 'tsx', entry],
      { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test' }, encoding: 'utf8', timeout: 25_000 },
    );
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/REDIS_URL is required by `npm run worker`/);
  });
});
