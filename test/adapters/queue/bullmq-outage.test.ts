import { createServer } from 'node:net';
import { expect } from 'chai';
import { BullMqJobQueue } from '../../../adapters/queue/bullmq-job-queue.js';
import { silentLogger } from '../../support/cli.js';

/** A loopback port nothing listens on (Redis "away"). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const settings = (port: number) => ({
  url: `redis://127.0.0.1:${port}`,
  keyPrefix: 'af-test-outage:',
  attempts: 1,
  backoffMs: 10,
  concurrency: 1,
  stalledIntervalMs: 30_000,
  completedRetentionMs: 60_000,
});

/**
 * BullMQ waits for its connection before any command, forever while Redis is away: the adapter
 * bounds every producer call, so an `add` from a request or an event handler answers an error
 * (and the shutdown waiting for that handler is not held up forever).
 */
describe('adapters/queue: BullMQ producer calls while Redis is away', function () {
  this.timeout(15_000);

  it('add, get and counts reject instead of hanging', async () => {
    const queue = new BullMqJobQueue(settings(await deadPort()), silentLogger);
    try {
      const outcomes = await Promise.allSettled([
        queue.add('notifications', 'deliver', { n: 1 }),
        queue.get('notifications', 'some-id'),
        queue.counts('notifications'),
      ]);
      expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
    } finally {
      await queue.close();
    }
  });

  it('close() answers the calls still waiting at once, and refuses new ones', async () => {
    const queue = new BullMqJobQueue(settings(await deadPort()), silentLogger);
    const waiting = queue.add('notifications', 'deliver', { n: 1 }).then(
      () => 'added',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await queue.close();
    expect(await waiting).to.equal('job queue: closed');
    const after = await queue.add('notifications', 'deliver', { n: 2 }).then(
      () => 'added',
      (error: Error) => error.message,
    );
    expect(after).to.equal('job queue: closed');
  });
});
