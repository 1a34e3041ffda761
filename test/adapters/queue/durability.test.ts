import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { BullMqJobQueue } from '../../../adapters/queue/bullmq-job-queue.js';
import { redisKeyPrefix } from '../../../adapters/cache/redis-client.js';
import { silentLogger } from '../../contract/cache/redis-support.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';
import { DURABILITY_QUEUE, type DurabilityJob } from '../../support/queue/recording-handler.js';
import { startChild, type Child } from '../../support/queue/spawn.js';

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

async function until(probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Real processes on the real Redis and MongoDB-wire server: the queue's promises hold across
 * SIGKILL (nothing queued is lost, nothing runs twice) and SIGTERM (running jobs finish).
 */
describeWith(['redis', 'mongo'], 'job queue durability across processes (BullMQ)', function () {
  this.timeout(90_000);
  const mongoUri = mongoTestUri('queue-durability');
  const log = join(mkdtempSync(join(tmpdir(), 'af-jobs-')), 'jobs.log');
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'queue-durability-test-secret-queue-durability',
    BCRYPT_ROUNDS: '4',
    HASH_WORKERS: '0',
    SEED_DEMO: 'false',
    ADMIN_PASSWORD: 'queue-durability-admin',
    MAIL_OUTBOX_DIR: join(tmpdir(), 'af-jobs-outbox'),
    REDIS_URL: serviceUrl('redis'),
    MONGODB_URI: mongoUri,
    QUEUE_STALLED_INTERVAL_MS: '500',
    JOB_LOG_FILE: log,
  };
  const children: Child[] = [];
  const start = async (script: 'producer-main' | 'worker-main', extra: Record<string, string> = {}) => {
    const child = await startChild(script, script === 'worker-main' ? 'ready' : 'queued', {
      ...env,
      ...extra,
    });
    children.push(child);
    return child;
  };
  // The test's own handle on the same queue (same key prefix as the processes: same database).
  const queue = new BullMqJobQueue(
    {
      url: serviceUrl('redis'),
      keyPrefix: redisKeyPrefix(mongoUri),
      attempts: 5,
      backoffMs: 100,
      concurrency: 5,
      stalledIntervalMs: 500,
      completedRetentionMs: 3600_000,
    },
    silentLogger,
  );

  after(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    await queue.close();
    const connection = await mongoose.createConnection(mongoUri).asPromise();
    await connection.dropDatabase();
    await connection.close();
    const { Redis } = await import('ioredis');
    const redis = new Redis(serviceUrl('redis'));
    const keys = await redis.keys(`${redisKeyPrefix(mongoUri)}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('jobs queued by a process killed with SIGKILL are each run exactly once by a worker started afterwards', async () => {
    const producer = await start('producer-main', { QUEUE_WORKERS: 'false', JOB_COUNT: '20' });
    await producer.kill('SIGKILL');
    expect(lines(log)).to.deep.equal([]); // the producer ran none of them
    expect((await queue.counts(DURABILITY_QUEUE)).waiting).to.equal(20);

    const worker = await start('worker-main');
    await until(() => lines(log).filter((l) => l.startsWith('done ')).length >= 20);
    await new Promise((r) => setTimeout(r, 500)); // a second run would show up here
    const done = lines(log).filter((l) => l.startsWith('done '));
    expect(new Set(done).size).to.equal(20);
    expect(done).to.have.length(20);
    expect([...new Set(done)].sort()).to.deep.equal(
      Array.from({ length: 20 }, (_, i) => `done job-${i}`).sort(),
    );
    expect(await queue.counts(DURABILITY_QUEUE)).to.include({ completed: 20, waiting: 0, dead: 0 });

    // SIGTERM: the running job finishes, then the worker exits 0
    await queue.add<DurabilityJob>(DURABILITY_QUEUE, 'record', { workMs: 700 }, { jobId: 'slow' });
    await until(() => lines(log).includes('start slow 1'));
    expect(await worker.kill('SIGTERM')).to.equal(0);
    expect(lines(log)).to.include('done slow');
  });

  it('a job whose worker was killed mid-job is attempted again by another worker', async () => {
    const first = await start('worker-main');
    await queue.add<DurabilityJob>(
      DURABILITY_QUEUE,
      'record',
      { hangOnFirstAttempt: true },
      { jobId: 'stuck' },
    );
    await until(() => lines(log).includes('start stuck 1'));
    await first.kill('SIGKILL');
    expect(lines(log)).not.to.include('done stuck');

    const second = await start('worker-main');
    await until(() => lines(log).includes('done stuck'));
    const attempts = lines(log).filter((l) => l.startsWith('start stuck'));
    expect(attempts).to.deep.equal(['start stuck 1', 'start stuck 2']);
    expect((await queue.get(DURABILITY_QUEUE, 'stuck'))?.state).to.equal('completed');
    expect(await second.kill('SIGTERM')).to.equal(0);
  });
});
