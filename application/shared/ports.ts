import { token } from './token.js';
import type { DomainEvent } from '../../domain/shared/events.js';

/** Time comes from here, never from the system clock inside domain or application code. */
export interface Clock {
  now(): Date;
}
export const CLOCK = token<Clock>('Clock');

/** New entity ids (24 hex characters). */
export interface IdGenerator {
  next(): string;
}
export const ID_GENERATOR = token<IdGenerator>('IdGenerator');

/** Randomness for things like order numbers and tokens; a seeded source in tests. */
export interface RandomSource {
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string;
}
export const RANDOM_SOURCE = token<RandomSource>('RandomSource');

export type EventHandler = (event: DomainEvent) => void | Promise<void>;

/** Published after persisting; subscribers (cache invalidation, mail, realtime) never block the caller's result. */
export interface EventBus {
  publish(events: readonly DomainEvent[]): Promise<void>;
  /**
   * `handler` runs for events of `type` ('*': every type) published in this process. With
   * `fromOtherInstances` it also runs for those other instances publish (Redis fan-out): only for
   * handlers whose effect is per instance (invalidate a local cache, push to this process's
   * sockets), never for ones that must happen once (send a mail).
   */
  subscribe(type: string, handler: EventHandler, options?: SubscribeOptions): void;
}
export interface SubscribeOptions {
  readonly fromOtherInstances?: boolean;
}
export const EVENT_BUS = token<EventBus>('EventBus');

/**
 * Cache-aside store shared by every instance (Redis) or local to the process. Entries live in
 * namespaces; `invalidate(namespace)` drops all of a namespace's entries at once, for every
 * instance. Never throws: a cache that is away answers misses and stores nothing.
 */
export interface Cache {
  get<T>(namespace: string, key: string): Promise<T | undefined>;
  set<T>(namespace: string, key: string, value: T, ttlSeconds: number): Promise<void>;
  /**
   * The cached value, else `compute()` stored for `ttlSeconds` (unless it answers undefined).
   * Race-free against `invalidate`: a value computed before an invalidation is never served after it.
   */
  remember<T>(
    namespace: string,
    key: string,
    ttlSeconds: number,
    compute: () => Promise<T | undefined>,
  ): Promise<T | undefined>;
  invalidate(namespace: string): Promise<void>;
}
export const CACHE = token<Cache>('Cache');

/** Structured logging, as the application sees it. */
export interface AppLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
export const APP_LOGGER = token<AppLogger>('AppLogger');

/** What a page of results carries everywhere in the system. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly page: number;
  readonly limit: number;
}

/** Work that runs once when a process starts, in binding order (seed the demo catalog, ensure an admin). */
export interface StartupTask {
  readonly name: string;
  run(): Promise<void>;
}
export const STARTUP_TASK = token<StartupTask>('StartupTask');
