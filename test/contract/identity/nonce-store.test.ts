import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { NonceStore } from '../../../application/identity/request-nonces.js';
import { MemoryNonceStore } from '../../../adapters/cache/memory-nonce-store.js';
import { RedisNonceStore } from '../../../adapters/cache/redis-nonce-store.js';
import { TestClock } from '../../support/kit.js';
import { describeWith, serviceUrl } from '../../support/services.js';
import { readyClient, silentLogger } from '../cache/redis-support.js';

const MINUTES_5 = 5 * 60_000;

/** Written once, run against every adapter. */
function nonceStoreContract(make: (clock: TestClock) => NonceStore): void {
  let clock: TestClock;
  let store: NonceStore;
  beforeEach(() => {
    clock = new TestClock(new Date());
    store = make(clock);
  });
  const until = () => new Date(clock.now().getTime() + MINUTES_5);

  it('a key is claimed once: true the first time, false after', async () => {
    const key = randomUUID();
    expect(await store.claim(key, until())).to.equal(true);
    expect(await store.claim(key, until())).to.equal(false);
    expect(await store.claim(randomUUID(), until())).to.equal(true);
  });

  it('of 20 parallel claims of one key exactly one is true', async () => {
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => store.claim(key, until())));
    expect(answers.filter(Boolean)).to.have.length(1);
  });
}

describe('contract: NonceStore (memory)', () => {
  nonceStoreContract((clock) => new MemoryNonceStore(clock));

  it('forgets a key once its time has passed', async () => {
    const clock = new TestClock(new Date());
    const store = new MemoryNonceStore(clock);
    const until = new Date(clock.now().getTime() + 1000);
    expect(await store.claim('k', until)).to.equal(true);
    clock.advance(999);
    expect(await store.claim('k', until)).to.equal(false);
    clock.advance(1);
    expect(await store.claim('k', new Date(clock.now().getTime() + 1000))).to.equal(true);
  });
});

describeWith(['redis'], 'contract: NonceStore (redis)', function () {
  this.timeout(30_000);
  let client: Redis;
  let other: Redis;
  const prefix = `af:test-nonce-${randomUUID().slice(0, 8)}:`;
  before(async () => {
    client = await readyClient(serviceUrl('redis'));
    other = await readyClient(serviceUrl('redis'));
  });
  after(async () => {
    if (!client) return;
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
    other?.disconnect();
  });
  nonceStoreContract((clock) => new RedisNonceStore(client, prefix, clock, silentLogger));

  it('two instances (two connections) racing for one key: exactly one wins', async () => {
    const clock = new TestClock(new Date());
    const a = new RedisNonceStore(client, prefix, clock, silentLogger);
    const b = new RedisNonceStore(other, prefix, clock, silentLogger);
    const key = randomUUID();
    const until = new Date(clock.now().getTime() + MINUTES_5);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).claim(key, until)),
    );
    expect(answers.filter(Boolean)).to.have.length(1);
  });

  it('the key expires on Redis when the claim ends', async () => {
    const clock = new TestClock(new Date());
    const store = new RedisNonceStore(client, prefix, clock, silentLogger);
    const key = randomUUID();
    await store.claim(key, new Date(clock.now().getTime() + MINUTES_5));
    expect(await client.pttl(`${prefix}nonce:${key}`)).to.be.within(MINUTES_5 - 5000, MINUTES_5);
  });
});
