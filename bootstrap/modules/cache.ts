import type { Container, ServiceIdentifier } from 'inversify';
import type { Redis } from 'ioredis';
import { HEALTH_INDICATOR } from '../../application/health/ports.js';
import {
  APP_LOGGER,
  CACHE,
  STARTUP_TASK,
  type AppLogger,
  type Cache,
  type StartupTask,
} from '../../application/shared/ports.js';
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { STOCK_STORE } from '../../application/inventory/ports.js';
import {
  CATALOG_CACHE,
  invalidatingRepository,
  withCacheAside,
  type CachedReadSpec,
  type ReadUseCase,
} from '../../application/catalog/cached-reads.js';
import {
  GetFeaturedProducts,
  GetPopularProducts,
  GetProduct,
  GetSuggestedProducts,
  ListProducts,
  SearchProducts,
} from '../../application/catalog/product-queries.js';
import { GetCategory, GetCategoryTree, ListCategories } from '../../application/catalog/categories.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX, redisKeyPrefix } from '../../adapters/cache/redis-tokens.js';
import { RedisCache } from '../../adapters/cache/redis-cache.js';
import { RedisHealth } from '../../adapters/cache/redis-health.js';
import { RedisEventFanout } from '../../adapters/cache/redis-event-fanout.js';
import { EVENT_FANOUT, type EventFanout } from '../../application/shared/event-ports.js';
import { METRICS, type Metrics } from '../../application/shared/metrics.js';
import { MemoryCache, NoCache } from '../../adapters/cache/memory-cache.js';
import type { Config } from '../config.js';
import { bindClass } from './bind.js';

const READY_TIMEOUT_MS = 3000;

/**
 * The catalog cache (cache-aside around the catalog reads) and Redis's share of the process:
 * Redis (REDIS_URL) caches for every instance; without it the embedded default caches in
 * process, and several instances on MongoDB without Redis cache nothing (an instance could not
 * tell the others that something changed). Bound right after the infrastructure.
 */
export function bindCache(container: Container, config: Config): void {
  if (config.redis) {
    container.bind<string>(REDIS_KEY_PREFIX).toConstantValue(redisKeyPrefix(config.mongo?.uri ?? null));
    bindClass(container, CACHE, RedisCache, [REDIS_CLIENT, REDIS_KEY_PREFIX, APP_LOGGER]);
    container
      .bind(HEALTH_INDICATOR)
      .toResolvedValue((redis: Redis) => new RedisHealth(redis), [REDIS_CLIENT])
      .inSingletonScope();
    container
      .bind<StartupTask>(STARTUP_TASK)
      .toResolvedValue(
        (redis: Redis, fanout: EventFanout, logger: AppLogger): StartupTask => ({
          name: 'redis: connect',
          run: async () => {
            // Not fatal: without Redis the API starts degraded and recovers when Redis comes.
            // (redis-client.js pulls ioredis: imported here, so only when REDIS_URL selects it.)
            const { waitUntilReady } = await import('../../adapters/cache/redis-client.js');
            const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), READY_TIMEOUT_MS).unref());
            const ready =
              (await waitUntilReady(redis, READY_TIMEOUT_MS)) &&
              (!(fanout instanceof RedisEventFanout) ||
                (await Promise.race([fanout.ready().then(() => true), timeout])));
            if (!ready) logger.warn('redis unreachable at start: running degraded until it answers');
          },
        }),
        [REDIS_CLIENT, EVENT_FANOUT, APP_LOGGER],
      )
      .inSingletonScope();
  } else if (config.mongo) {
    container.bind<Cache>(CACHE).toConstantValue(new NoCache());
    return;
  } else {
    container.bind<Cache>(CACHE).toConstantValue(new MemoryCache());
  }

  const ttl = config.cacheTtl;
  const products = (name: string, ttlSeconds = ttl.productsSeconds): CachedReadSpec => ({
    name,
    namespace: CATALOG_CACHE.products,
    ttlSeconds,
  });
  const categories = (name: string): CachedReadSpec => ({
    name,
    namespace: CATALOG_CACHE.categories,
    ttlSeconds: ttl.categoriesSeconds,
  });
  const reads: ReadonlyArray<readonly [ServiceIdentifier<ReadUseCase<never, unknown>>, CachedReadSpec]> = [
    [ListProducts, products('list')],
    [SearchProducts, products('search', ttl.searchSeconds)],
    [GetFeaturedProducts, products('featured')],
    [GetPopularProducts, products('popular')],
    [GetSuggestedProducts, products('suggested')],
    [GetProduct, products('detail')],
    [ListCategories, categories('list')],
    [GetCategoryTree, categories('tree')],
    [GetCategory, categories('one')],
  ];
  for (const [id, spec] of reads) {
    container.onActivation(id, (context, useCase) =>
      withCacheAside(useCase, context.get<Cache>(CACHE), spec, context.get<Metrics>(METRICS)),
    );
  }
  // Every write through the catalog repositories and the stock store (stock lives on the product)
  // drops the answers it may change, event or not (an order's stock reservation publishes none).
  container.onActivation<object>(PRODUCT_REPOSITORY, (context, repository) =>
    invalidatingRepository(repository, context.get<Cache>(CACHE), [CATALOG_CACHE.products]),
  );
  container.onActivation<object>(STOCK_STORE, (context, store) =>
    invalidatingRepository(store, context.get<Cache>(CACHE), [CATALOG_CACHE.products]),
  );
  container.onActivation<object>(CATEGORY_REPOSITORY, (context, repository) =>
    invalidatingRepository(repository, context.get<Cache>(CACHE), [
      CATALOG_CACHE.products,
      CATALOG_CACHE.categories,
    ]),
  );
}
