import type { Metrics } from '../../../application/shared/metrics.js';
import { expect } from 'chai';
import { domainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import type { DomainError } from '../../../domain/shared/errors.js';
import { MemoryCache } from '../../../adapters/cache/memory-cache.js';
import {
  CATALOG_CACHE,
  cacheKey,
  invalidatingRepository,
  withCacheAside,
} from '../../../application/catalog/cached-reads.js';
import { CATALOG_EVENT_TYPES, categoryEvent, productEvent } from '../../../domain/catalog/events.js';
import { InvalidateCatalogCacheWhenCatalogChanged } from '../../../application/catalog/handlers.js';
import { RecordingBus } from '../../support/kit.js';

class Counting {
  calls = 0;
  async execute(input: { id: string; page?: number }): Promise<Result<string, DomainError>> {
    this.calls += 1;
    if (input.id === 'missing') return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
    return Ok(`${input.id}#${this.calls}`);
  }
}

describe('application/catalog cached reads', () => {
  it('cacheKey ignores key order and undefined fields', () => {
    expect(cacheKey({ b: 1, a: { y: 2, x: undefined, z: [3, { q: 1, p: 2 }] } })).to.equal(
      cacheKey({ a: { z: [3, { p: 2, q: 1 }], y: 2 }, b: 1, c: undefined }),
    );
    expect(cacheKey({ a: 1 })).to.not.equal(cacheKey({ a: 2 }));
  });

  it('cacheKey of a flat input is the same text as the nested rule gives (one key, whichever path)', () => {
    const flat = { b: 1, a: 'x', c: undefined, d: null, e: true, f: Number.NaN };
    expect(cacheKey(flat)).to.equal('{"a":"x","b":1,"d":null,"e":true,"f":null}');
    // the same values one level down take the general path: same rules, same text inside
    expect(cacheKey({ k: flat })).to.equal(`{"k":${cacheKey(flat)}}`);
    const when = new Date('2026-01-02T03:04:05.000Z');
    expect(cacheKey({ at: when, id: 'p' })).to.equal('{"at":"2026-01-02T03:04:05.000Z","id":"p"}');
    expect(cacheKey(undefined)).to.equal('null');
    expect(cacheKey(['b', 'a'])).to.equal('["b","a"]');
  });

  it('answers successes from the cache, keeps the class, and never caches failures', async () => {
    const inner = new Counting();
    const cached = withCacheAside(inner, new MemoryCache(), { name: 'x', namespace: 'ns', ttlSeconds: 60 });
    expect(cached).to.be.instanceOf(Counting);
    expect((await cached.execute({ id: 'a' })).unwrap()).to.equal('a#1');
    expect((await cached.execute({ id: 'a' })).unwrap()).to.equal('a#1');
    expect((await cached.execute({ id: 'a', page: 2 })).unwrap()).to.equal('a#2');
    const miss1 = await cached.execute({ id: 'missing' });
    const miss2 = await cached.execute({ id: 'missing' });
    expect(miss1.isErr() && miss1.error.code).to.equal('PRODUCT_NOT_FOUND');
    expect(miss2.isErr()).to.equal(true);
    expect(inner.calls).to.equal(4);
  });

  it('counts each lookup as a hit or a miss of the catalog cache (failures are misses)', async () => {
    const counted: string[] = [];
    const metrics: Metrics = {
      count: (name, labels) => counted.push(`${name}:${Object.values(labels).join(':')}`),
      observe: () => undefined,
      gauge: () => undefined,
    };
    const cached = withCacheAside(
      new Counting(),
      new MemoryCache(),
      { name: 'x', namespace: 'ns', ttlSeconds: 60 },
      metrics,
    );
    await cached.execute({ id: 'a' });
    await cached.execute({ id: 'a' });
    await cached.execute({ id: 'missing' });
    expect(counted).to.deep.equal([
      'cache_lookups_total:catalog:miss',
      'cache_lookups_total:catalog:hit',
      'cache_lookups_total:catalog:miss',
    ]);
  });

  it('catalog events drop the namespaces they affect', async () => {
    const cache = new MemoryCache();
    const bus = new RecordingBus();
    const handler = new InvalidateCatalogCacheWhenCatalogChanged(cache);
    for (const type of CATALOG_EVENT_TYPES) bus.subscribe(type, handler);
    const fill = async () => {
      await cache.set(CATALOG_CACHE.products, 'k', 1, 60);
      await cache.set(CATALOG_CACHE.categories, 'k', 1, 60);
    };
    await fill();
    await bus.publish([productEvent('catalog.product-updated', 'p', new Date(), 'v2')]);
    expect(await cache.get(CATALOG_CACHE.products, 'k')).to.equal(undefined);
    expect(await cache.get(CATALOG_CACHE.categories, 'k')).to.equal(1);
    await fill();
    await bus.publish([categoryEvent('catalog.category-updated', 'c', new Date(), 'v2')]);
    expect(await cache.get(CATALOG_CACHE.products, 'k')).to.equal(undefined);
    expect(await cache.get(CATALOG_CACHE.categories, 'k')).to.equal(undefined);
  });

  it('a repository invalidates after every write, even a failing one, and never after a read', async () => {
    const cache = new MemoryCache();
    const repo = invalidatingRepository(
      {
        value: 1,
        async findById() {
          return this.value;
        },
        async pendingReservations() {
          return [];
        },
        async setStock(n: number) {
          this.value = n;
          return true;
        },
        async explode(): Promise<void> {
          throw new Error('boom');
        },
      },
      cache,
      [CATALOG_CACHE.products],
    );
    await cache.set(CATALOG_CACHE.products, 'k', 1, 60);
    expect(await repo.findById()).to.equal(1);
    await repo.pendingReservations();
    expect(await cache.get(CATALOG_CACHE.products, 'k')).to.equal(1);
    expect(await repo.setStock(5)).to.equal(true);
    expect(await repo.findById()).to.equal(5);
    expect(await cache.get(CATALOG_CACHE.products, 'k')).to.equal(undefined);
    await cache.set(CATALOG_CACHE.products, 'k', 1, 60);
    let thrown: unknown;
    await repo.explode().catch((e: unknown) => (thrown = e));
    expect(String(thrown)).to.match(/boom/);
    expect(await cache.get(CATALOG_CACHE.products, 'k')).to.equal(undefined);
  });
});
