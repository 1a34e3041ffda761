import { token } from './token.js';
import type { DomainEvent } from '../../domain/shared/events.js';

/**
 * Where events wait between "the change that recorded them is stored" and "every handler has
 * run". Each aggregate store is one: the order store keeps an order's pending events in the
 * order's own document (written by the same single-document write as the change).
 */
export interface EventOutbox {
  /** Whether events of this type are kept here. */
  owns(type: string): boolean;
  /** Pending events that occurred at or before `before`, oldest first, at most `limit`. */
  pending(before: Date, limit: number): Promise<DomainEvent[]>;
  /** Takes the events out (missing ones are ignored). */
  markDispatched(events: readonly DomainEvent[]): Promise<void>;
}

/**
 * The write-ahead outbox of the notices (catalog events: "product X changed"): a use case
 * `stage`s its events BEFORE its write, publishes them after it and `discard`s them when the
 * write was refused. A process that dies in between leaves them staged; the sweeper delivers
 * them later. A notice delivered for a write that did not land is harmless: its handlers read the
 * current state.
 */
export interface StagedEventOutbox extends EventOutbox {
  /** Keeps the events until they are dispatched or discarded (staging one twice keeps one). */
  stage(events: readonly DomainEvent[]): Promise<void>;
  /** Takes back events whose write did not happen (missing ones are ignored). */
  discard(events: readonly DomainEvent[]): Promise<void>;
}
export const STAGED_EVENT_OUTBOX = token<StagedEventOutbox>('StagedEventOutbox');

/** The contexts whose events go through the staged outbox (the order's ride in its own document). */
const STAGED_CONTEXTS = ['catalog.', 'identity.', 'cart.'] as const;

/** Whether events of `type` are kept by the staged outbox (its `owns`). */
export function isStagedEventType(type: string): boolean {
  return STAGED_CONTEXTS.some((prefix) => type.startsWith(prefix));
}

export type HandlerClaim = 'claimed' | 'done' | 'busy';

/**
 * Which (handler, event) pairs have run, shared by the fleet: a fleet handler runs only after it
 * `claim`s the pair; a claim lapses after `leaseMs` (its process died) and may be taken again.
 */
export interface HandledEventStore {
  claim(handler: string, eventId: string, now: Date, leaseMs: number): Promise<HandlerClaim>;
  complete(handler: string, eventId: string, now: Date): Promise<void>;
  /** Gives a claim back after the handler failed, so the next delivery runs it at once. */
  release(handler: string, eventId: string): Promise<void>;
  /**
   * Forgets up to `limit` completed pairs completed before `doneBefore` (claims in progress are
   * kept); answers how many. The record otherwise grows by one entry per handler and event.
   */
  forget(doneBefore: Date, limit: number): Promise<number>;
}
export const HANDLED_EVENT_STORE = token<HandledEventStore>('HandledEventStore');

/** Carries events to the other instances for their per-instance handlers (Redis), or nowhere. */
export interface EventFanout {
  broadcast(events: readonly DomainEvent[]): Promise<void>;
  /** `listener` receives the events other instances broadcast. */
  listen(listener: (events: readonly DomainEvent[]) => Promise<void>): void;
}
export const EVENT_FANOUT = token<EventFanout>('EventFanout');

export interface EventDispatchPolicy {
  /** How long a fleet handler's claim holds before another instance may run it again. */
  readonly claimLeaseMs: number;
  /** Pending events older than this are redelivered by the sweeper. */
  readonly redeliverAfterMs: number;
}
export const EVENT_DISPATCH_POLICY = token<EventDispatchPolicy>('EventDispatchPolicy');
