import type { DomainError } from '../../domain/shared/errors.js';
import type { CatalogEvent } from '../../domain/catalog/events.js';
import { Ok, type Result } from '../../domain/shared/result.js';
import type { Cache } from '../shared/ports.js';
import type { Metrics } from '../shared/metrics.js';

/**
 * Cache-aside for the catalog reads. Two namespaces: product answers (lists, detail, search,
 * short lists) and category answers (list, tree, one). A product change drops the product
 * answers; a category change drops both (product answers embed their category).
 */
export const CATALOG_CACHE = {
  products: 'catalog.products',
  categories: 'catalog.categories',
} as const;

export interface CatalogCacheTtl {
  readonly productsSeconds: number;
  readonly searchSeconds: number;
  readonly categoriesSeconds: number;
}

/** What cache-aside needs of a read use case. */
export interface ReadUseCase<I, T> {
  execute(input: I): Promise<Result<T, DomainError>>;
}

export interface CachedReadSpec {
  /** Distinguishes the use cases sharing a namespace. */
  readonly name: string;
  readonly namespace: string;
  readonly ttlSeconds: number;
}

/** A stable key for a use case input: object keys sorted, undefined fields left out. */
export function cacheKey(input: unknown): string {
  // Almost every read's input is one flat object of primitives: its sorted copy stringifies to
  // the same text without a replacer called on every value (3% of an uncached product read).
  if (input !== null && typeof input === 'object' && !Array.isArray(input) && !(input instanceof Date)) {
    const record = input as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    const sorted: Record<string, unknown> = {};
    let flat = true;
    for (const k of keys) {
      const value = record[k];
      if (value !== null && typeof value === 'object') {
        flat = false;
        break;
      }
      sorted[k] = value;
    }
    if (flat) return JSON.stringify(sorted);
  }
  return JSON.stringify(input ?? null, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
      return value;
    }
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) sorted[k] = (value as Record<string, unknown>)[k];
    return sorted;
  });
}

/**
 * The same use case, answering from `cache` when it can. Only successes are cached; failures
 * (validation, not found) are answered afresh every time. The answer keeps the use case's class,
 * so it is bound where the plain one was.
 */
export function withCacheAside<I, T, U extends ReadUseCase<I, T>>(
  useCase: U,
  cache: Cache,
  spec: CachedReadSpec,
  metrics?: Metrics,
): U {
  const inner = useCase.execute.bind(useCase);
  const cached = Object.create(useCase) as U;
  cached.execute = async (input: I): Promise<Result<T, DomainError>> => {
    let failure: Result<T, DomainError> | undefined;
    let computed = false;
    const value = await cache.remember<T>(
      spec.namespace,
      `${spec.name}:${cacheKey(input)}`,
      spec.ttlSeconds,
      async () => {
        computed = true;
        const result = await inner(input);
        if (result.isErr()) {
          failure = result;
          return undefined;
        }
        return result.value;
      },
    );
    metrics?.count('cache_lookups_total', { cache: 'catalog', outcome: computed ? 'miss' : 'hit' });
    if (failure) return failure;
    return Ok(value as T);
  };
  return cached;
}

/** Catalog event type -> the namespaces it makes stale. */
export const CATALOG_INVALIDATIONS: Readonly<Record<CatalogEvent['type'], readonly string[]>> = {
  'catalog.product-created': [CATALOG_CACHE.products],
  'catalog.product-updated': [CATALOG_CACHE.products],
  'catalog.product-deleted': [CATALOG_CACHE.products],
  'catalog.stock-changed': [CATALOG_CACHE.products],
  'catalog.category-created': [CATALOG_CACHE.products, CATALOG_CACHE.categories],
  'catalog.category-updated': [CATALOG_CACHE.products, CATALOG_CACHE.categories],
  'catalog.category-deleted': [CATALOG_CACHE.products, CATALOG_CACHE.categories],
};

const READ_METHOD = /^(find|list|search|all|count|get|exists|is|has|pending)/;

/**
 * The repository, invalidating `namespaces` after every call that is not a read (by name:
 * find*, list*, search*, all, count*, get*...). Catches the writes that publish no event, such
 * as the stock an order reserves or releases, so no cached answer outlives a change.
 */
export function invalidatingRepository<T extends object>(
  repository: T,
  cache: Cache,
  namespaces: readonly string[],
): T {
  const invalidate = async (): Promise<void> => {
    for (const ns of namespaces) await cache.invalidate(ns);
  };
  // Keyed by the method itself, so a method replaced on the repository (a test stub) is wrapped afresh.
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(value);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        fn =
          typeof property === 'string' && READ_METHOD.test(property)
            ? method.bind(target)
            : async (...args: unknown[]): Promise<unknown> => {
                try {
                  return await method.apply(target, args);
                } finally {
                  await invalidate();
                }
              };
        wrapped.set(value, fn);
      }
      return fn;
    },
  });
}
