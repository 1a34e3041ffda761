import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { RedisRecipientRateLimit } from '../../../adapters/cache/redis-recipient-rate-limit.js';
import { MemoryRecipientRateLimit } from '../../../adapters/cache/memory-recipient-rate-limit.js';
import type { RecipientRateLimit } from '../../../application/notifications/ports.js';
import { describeWith, serviceUrl } from '../../support/services.js';
import { readyClient, silentLogger } from '../../contract/cache/redis-support.js';
import { testId } from '../../support/kit.js';

function contract(
  name: string,
  make: () => Promise<{ limit: RecipientRateLimit; done: () => Promise<void> }>,
) {
  describe(name, () => {
    it('counts per key and window: exactly `max` pass, even in parallel; a new window starts again', async () => {
      const { limit, done } = await make();
      const key = `user-${testId()}`;
      const now = new Date(Date.UTC(2026, 0, 1, 10, 0, 0));
      const answers = await Promise.all(Array.from({ length: 25 }, () => limit.take(key, 5, 60_000, now)));
      expect(answers.filter(Boolean)).to.have.length(5);
      expect(await limit.take(`other-${testId()}`, 5, 60_000, now)).to.equal(true);
      expect(await limit.take(key, 5, 60_000, new Date(now.getTime() + 60_000))).to.equal(true);
      await done();
    });
  });
}

contract('RecipientRateLimit (memory)', async () => ({
  limit: new MemoryRecipientRateLimit(),
  done: async () => undefined,
}));

describeWith(['redis'], 'RecipientRateLimit (redis, shared by two instances)', () => {
  let a: Redis;
  let b: Redis;
  before(async () => {
    a = await readyClient(serviceUrl('redis'));
    b = await readyClient(serviceUrl('redis'));
  });
  after(() => {
    a.disconnect();
    b.disconnect();
  });
  it('Redis away: the process keeps limiting on its own and logs the outage once', async () => {
    const client = await readyClient(serviceUrl('redis'));
    const lines: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => void lines.push(m), error: () => undefined };
    const limit = new RedisRecipientRateLimit(client, `test:${testId()}:`, logger);
    client.disconnect();
    const now = new Date();
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await limit.take('user-down', 2, 60_000, now));
    expect(answers).to.deep.equal([true, true, false, false, false, false]);
    expect(lines.filter((l) => l.includes('notification rate limit'))).to.have.length(1);
  });

  it('two instances share one budget per recipient', async () => {
    const prefix = `test:${testId()}:`;
    const one = new RedisRecipientRateLimit(a, prefix, silentLogger);
    const two = new RedisRecipientRateLimit(b, prefix, silentLogger);
    const now = new Date();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).take('user-1', 7, 60_000, now)),
    );
    expect(answers.filter(Boolean)).to.have.length(7);
    expect(
      await a.pttl(`${prefix}notify-rate:user-1:${now.getTime() - (now.getTime() % 60_000)}`),
    ).to.be.within(1, 60_000);
  });
});

describeWith(['redis'], 'RecipientRateLimit (redis) contract', () => {
  contract('on one client', async () => {
    const client = await readyClient(serviceUrl('redis'));
    return {
      limit: new RedisRecipientRateLimit(client, `test:${testId()}:`, silentLogger),
      done: async () => client.disconnect(),
    };
  });
});
