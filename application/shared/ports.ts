import { token } from './token.js';
import type { DomainEvent } from '../../domain/shared/events.js';
import type { EventOf, EventType } from '../../domain/events.js';

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

/**
 * A reaction to one event type, named for what it does and why (`ReleaseStockWhenOrderCancelled`).
 * - `fleet` (the default): runs once in the whole fleet per event, whichever instance dispatches
 *   it; deduplicated by (name, event id), so a redelivery is a no-op. Send a mail, refund, put
 *   stock back.
 * - `instance`: runs on every instance (this one, and the others through the fan-out), e.g. drop
 *   a local cache entry, push to this process's sockets. Must be harmless when repeated.
 * `background`: the publisher does not wait for it (a mail); its event is marked dispatched when
 * it has finished, and redelivered by the sweeper if the process dies first.
 */
export interface EventHandler<E extends DomainEvent = DomainEvent> {
  readonly name: string;
  readonly scope?: 'fleet' | 'instance';
  readonly background?: boolean;
  handle(event: E): Promise<void>;
}

/**
 * Delivers events whose aggregate change is stored, with the events in the same write (the
 * outbox): `publish` runs every handler (awaiting all but background ones) and marks the events
 * dispatched; the sweeper (DispatchPendingEvents) redelivers what a dead process left behind.
 */
export interface EventBus {
  publish(events: readonly DomainEvent[]): Promise<void>;
  /**
   * Notices (catalog events) are staged BEFORE their write in a write-ahead outbox, then
   * published after it, or discarded when the write was refused (see StagedEventOutbox).
   */
  stage(events: readonly DomainEvent[]): Promise<void>;
  discard(events: readonly DomainEvent[]): Promise<void>;
  subscribe<T extends EventType>(type: T, handler: EventHandler<EventOf<T>>): void;
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
  /**
   * A tag that changes whenever `invalidate(namespace)` runs (on any instance sharing the cache):
   * what derived caches (the HTTP response cache) key their entries by. Undefined when it cannot be
   * told (no cache, the shared store unreachable): the caller must not cache then.
   */
  generation(namespace: string): Promise<string | undefined>;
  /**
   * The same tag when this process holds it without I/O (an in-process cache), else undefined:
   * the caller then asks `generation`. Lets a derived cache answer a hit without awaiting.
   */
  localGeneration(namespace: string): string | undefined;
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
  /**
   * Present: the task runs after the others and the process listens without waiting for it (its
   * work is slow and only some requests need it). The runner calls `hold()` when it schedules the
   * task, before listening, and `release()` once the task's first attempt has ended, however it
   * ended (done, failed, waiting for the database, or the process stopping): in between, whatever
   * needs the task's work waits (EnsureAdminAccount: AdminSeedHold).
   */
  readonly afterListening?: StartupHold;
}
export const STARTUP_TASK = token<StartupTask>('StartupTask');

/** What waits for a task that runs after listening (StartupTask.afterListening). */
export interface StartupHold {
  hold(): void;
  release(): void;
}
