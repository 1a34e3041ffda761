import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { Cache } from '../../../application/shared/ports.js';
import { MemoryCache, NoCache } from '../../../adapters/cache/memory-cache.js';
import { RedisCache } from '../../../adapters/cache/redis-cache.js';
import { describeWith, serviceUrl } from '../../support/services.js';
import { readyClient, reconnect, silentLogger } from './redis-support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What every Cache adapter must do; `make` answers a fresh, empty cache. */
function cacheContract(make: () => Promise<Cache>): void {
  let cache: Cache;
  beforeEach(async () => {
    cache = await make();
  });

  it('answers undefined for a key never set', async () => {
    expect(await cache.get('ns', 'nothing')).to.equal(undefined);
  });

  it('gives back what was set, Dates, nested arrays and nulls included', async () => {
    const value = {
      name: 'Rose',
      price: 129900,
      at: new Date('2024-02-03T04:05:06.789Z'),
      list: [{ when: new Date(0), tags: ['a', 'b'] }],
      parent: null,
    };
    await cache.set('ns', 'k', value, 60);
    const got = await cache.get<typeof value>('ns', 'k');
    expect(got).to.deep.equal(value);
    expect(got!.at).to.be.instanceOf(Date);
    expect(got!.list[0]!.when.getTime()).to.equal(0);
  });

  it('keeps namespaces and keys apart', async () => {
    await cache.set('a', 'k', 1, 60);
    await cache.set('b', 'k', 2, 60);
    await cache.set('a', 'other', 3, 60);
    expect(await cache.get('a', 'k')).to.equal(1);
    expect(await cache.get('b', 'k')).to.equal(2);
    expect(await cache.get('a', 'other')).to.equal(3);
  });

  it('forgets an entry when its TTL is over', async () => {
    await cache.set('ns', 'short', 'x', 0.15);
    expect(await cache.get('ns', 'short')).to.equal('x');
    await sleep(250);
    expect(await cache.get('ns', 'short')).to.equal(undefined);
  });

  it('invalidate drops every entry of the namespace and only that one', async () => {
    await cache.set('ns', 'k1', 1, 60);
    await cache.set('ns', 'k2', 2, 60);
    await cache.set('kept', 'k1', 3, 60);
    await cache.invalidate('ns');
    expect(await cache.get('ns', 'k1')).to.equal(undefined);
    expect(await cache.get('ns', 'k2')).to.equal(undefined);
    expect(await cache.get('kept', 'k1')).to.equal(3);
    await cache.set('ns', 'k1', 4, 60);
    expect(await cache.get('ns', 'k1')).to.equal(4);
  });

  it('remember computes once, then answers from the cache', async () => {
    let calls = 0;
    const compute = async () => {
      calls += 1;
      return { n: calls };
    };
    expect(await cache.remember('ns', 'r', 60, compute)).to.deep.equal({ n: 1 });
    expect(await cache.remember('ns', 'r', 60, compute)).to.deep.equal({ n: 1 });
    expect(calls).to.equal(1);
  });

  it('remember stores nothing when compute answers undefined', async () => {
    let calls = 0;
    const compute = async () => {
      calls += 1;
      return undefined;
    };
    expect(await cache.remember('ns', 'u', 60, compute)).to.equal(undefined);
    expect(await cache.remember('ns', 'u', 60, compute)).to.equal(undefined);
    expect(calls).to.equal(2);
  });

  it('remember never serves a value computed before an invalidation that happened during compute', async () => {
    let version = 1;
    const first = cache.remember('ns', 'race', 60, async () => {
      const seen = version;
      await sleep(30);
      return seen;
    });
    await sleep(5);
    version = 2;
    await cache.invalidate('ns');
    expect(await first).to.equal(1); // the caller that asked before the change gets its answer
    expect(await cache.remember('ns', 'race', 60, async () => version)).to.equal(2);
  });

  it('generation is stable until its namespace is invalidated, then differs (and only for it)', async () => {
    const before = await cache.generation('ns');
    const other = await cache.generation('kept');
    expect(before).to.be.a('string');
    expect(await cache.generation('ns')).to.equal(before);
    await cache.invalidate('ns');
    const after = await cache.generation('ns');
    expect(after).to.be.a('string').and.not.equal(before);
    expect(await cache.generation('kept')).to.equal(other);
  });

  it('localGeneration, when it is known without I/O, is the generation, invalidations included', async () => {
    const check = async (namespace: string) => {
      const local = cache.localGeneration(namespace);
      if (local !== undefined) expect(local).to.equal(await cache.generation(namespace));
    };
    await check('local');
    await cache.invalidate('local');
    await check('local');
  });
}

describe('contract: Cache (memory)', () => {
  cacheContract(async () => new MemoryCache());

  it('knows its generations without I/O (the response cache answers its hits without awaiting)', async () => {
    const cache = new MemoryCache();
    const before = cache.localGeneration('ns');
    await cache.invalidate('ns');
    expect(cache.localGeneration('ns')).to.be.a('string').and.not.equal(before);
  });

  it('keeps at most maxEntries per namespace, dropping the oldest', async () => {
    const cache = new MemoryCache(2);
    await cache.set('ns', 'a', 1, 60);
    await cache.set('ns', 'b', 2, 60);
    await cache.set('ns', 'c', 3, 60);
    expect(await cache.get('ns', 'a')).to.equal(undefined);
    expect(await cache.get('ns', 'b')).to.equal(2);
    expect(await cache.get('ns', 'c')).to.equal(3);
  });
});

describe('NoCache', () => {
  it('never knows a generation, so nothing derived is cached either', async () => {
    const cache = new NoCache();
    expect(await cache.generation()).to.equal(undefined);
    expect(cache.localGeneration()).to.equal(undefined);
  });
});

describeWith(['redis'], 'contract: Cache (redis)', () => {
  const clients: Redis[] = [];
  const client = async () => {
    const c = await readyClient(serviceUrl('redis'));
    clients.push(c);
    return c;
  };
  let shared: Redis;
  before(async () => {
    shared = await client();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
  });

  cacheContract(async () => new RedisCache(shared, `af:test-${randomUUID()}:`, silentLogger));

  it('an invalidation on one instance is seen by another at once (shared generation)', async () => {
    const prefix = `af:test-${randomUUID()}:`;
    const a = new RedisCache(shared, prefix, silentLogger);
    const b = new RedisCache(await client(), prefix, silentLogger);
    await b.remember('ns', 'price', 60, async () => 100);
    expect(await b.get('ns', 'price')).to.equal(100);
    await a.invalidate('ns');
    expect(await b.get('ns', 'price')).to.equal(undefined);
    expect(await b.remember('ns', 'price', 60, async () => 120)).to.equal(120);
  });

  it('an invalidation made while this instance lost Redis is replayed before it serves again', async () => {
    const prefix = `af:test-${randomUUID()}:`;
    const lostClient = await client();
    const a = new RedisCache(lostClient, prefix, silentLogger);
    const b = new RedisCache(shared, prefix, silentLogger);
    await a.remember('ns', 'price', 60, async () => 100);
    lostClient.disconnect(); // this instance's link to Redis is gone
    let computed = 0;
    expect(
      await a.remember('ns', 'price', 60, async () => {
        computed += 1;
        return 150;
      }),
    ).to.equal(150); // bypassed: computed, not an error
    expect(computed).to.equal(1);
    await a.invalidate('ns'); // fails now: kept for later
    expect(await b.get('ns', 'price')).to.equal(100); // the other instance cannot know yet
    await reconnect(lostClient);
    expect(await a.remember('ns', 'price', 60, async () => 150)).to.equal(150);
    expect(await b.get('ns', 'price')).to.equal(150);
  });

  it('a generation never comes back after Redis loses its keys (a flush), and instances agree on the new one', async () => {
    const prefix = `af:test-${randomUUID()}:`;
    const a = new RedisCache(shared, prefix, silentLogger);
    const b = new RedisCache(await client(), prefix, silentLogger);
    const before = await a.generation('ns');
    expect(await b.generation('ns')).to.equal(before);
    // What FLUSHDB does to this cache's keys, without touching other suites' data in the db.
    const flush = async () => {
      const keys = await shared.keys(`${prefix}*`);
      if (keys.length > 0) await shared.del(...keys);
    };
    await flush();
    // An in-process response cache keyed by `before` must not match after the flush.
    const [afterA, afterB] = await Promise.all([a.generation('ns'), b.generation('ns')]);
    expect(afterA).to.be.a('string').and.not.equal(before);
    expect(afterB).to.equal(afterA);
    await flush();
    const third = await b.generation('ns');
    expect(third).to.be.a('string').and.not.oneOf([before, afterA]);
  });

  it("one instance's invalidation changes the generation another instance reads; unknown while Redis is lost", async () => {
    const prefix = `af:test-${randomUUID()}:`;
    const lostClient = await client();
    const a = new RedisCache(shared, prefix, silentLogger);
    const b = new RedisCache(lostClient, prefix, silentLogger);
    const before = await b.generation('ns');
    await a.invalidate('ns');
    expect(await b.generation('ns'))
      .to.be.a('string')
      .and.not.equal(before);
    lostClient.disconnect();
    expect(await b.generation('ns')).to.equal(undefined);
  });
});
