import { createRequire } from 'node:module';
import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit';

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;
interface LocalStoreLike {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  read(key: string, cb: Callback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): LocalStoreLike;
}
type LocalStoreCtor = new (
  continueExceeding?: boolean,
  exponentialBackoff?: boolean,
  cache?: number,
) => LocalStoreLike;

// The plugin's own in-process store (not in its exports map; required by path, as the plugin does).
const LocalStore = createRequire(import.meta.url)(
  '@fastify/rate-limit/store/LocalStore.js',
) as LocalStoreCtor;

const snapshot =
  (cb: Callback): Callback =>
  (error, result) =>
    cb(error, result === undefined ? undefined : { current: result.current, ttl: result.ttl });

/**
 * @fastify/rate-limit 11's in-process store, answering each caller a copy of its counter. The
 * plugin's LocalStore hands every caller the same mutable object and the plugin reads it after an
 * await, so parallel requests of one key all saw the last count: 12 parallel requests against a
 * budget of 10 were all refused, not 2 of them. (Its Redis store answers fresh objects.)
 */
export class SnapshotLocalStore implements FastifyRateLimitStore {
  private readonly inner: LocalStoreLike;

  constructor(options: FastifyRateLimitOptions | LocalStoreLike) {
    if ('incr' in options) {
      this.inner = options;
    } else {
      // The plugin passes its global parameters; only these two shape the store.
      const { continueExceeding, exponentialBackoff } = options as {
        continueExceeding?: boolean;
        exponentialBackoff?: boolean;
      };
      this.inner = new LocalStore(continueExceeding, exponentialBackoff);
    }
  }

  incr(key: string, cb: Callback, timeWindow: number, max: number): void {
    this.inner.incr(key, snapshot(cb), timeWindow, max);
  }

  read(key: string, cb: Callback, timeWindow: number, max: number): void {
    this.inner.read(key, snapshot(cb), timeWindow, max);
  }

  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): SnapshotLocalStore {
    return new SnapshotLocalStore(this.inner.child(routeOptions));
  }
}
