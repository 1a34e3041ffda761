import type { EventOf, EventType } from '../../domain/events.js';
import type { DomainEvent } from '../../domain/shared/events.js';
import type {
  EventDispatchPolicy,
  EventFanout,
  EventOutbox,
  HandledEventStore,
  StagedEventOutbox,
} from './event-ports.js';
import type { AppLogger, Clock, EventBus, EventHandler } from './ports.js';

/** Resolves after the current turn of the event loop (its I/O callbacks, a written answer). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Event ids this instance's per-instance handlers saw recently (a redelivery is skipped). */
const RECENT_LIMIT = 5_000;

/** An event type's handlers, grouped once when subscribed rather than filtered on every event. */
interface Subscribers {
  /** In subscription order (handlersOf). */
  readonly all: EventHandler[];
  readonly foreground: EventHandler[];
  readonly background: EventHandler[];
  readonly instance: EventHandler[];
}

const allTrue = (results: readonly boolean[]): boolean => results.every(Boolean);

/**
 * The event bus: delivers stored events to their handlers at least once and lets each handler's
 * effect happen once.
 * - fleet handlers run under a claim in the shared HandledEventStore, so a second delivery (the
 *   sweeper after a crash, another instance) finds them done and does nothing;
 * - instance handlers run here and, through the fan-out, on every other instance;
 * - once every fleet handler of an event has run, the event leaves its outbox. A failed handler
 *   leaves it there: the sweeper delivers it again later (only the unfinished handlers run).
 */
export class EventDispatcher implements EventBus {
  private readonly handlers = new Map<string, Subscribers>();
  private readonly recent = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly outboxes: readonly EventOutbox[];

  /** `outboxes`: the aggregate stores; the staged outbox (notices) is one of them too. */
  constructor(
    outboxes: readonly EventOutbox[],
    private readonly staged: StagedEventOutbox,
    private readonly handled: HandledEventStore,
    private readonly fanout: EventFanout,
    private readonly clock: Clock,
    private readonly policy: Pick<EventDispatchPolicy, 'claimLeaseMs'>,
    private readonly logger: AppLogger,
  ) {
    this.outboxes = outboxes.includes(staged) ? outboxes : [...outboxes, staged];
    fanout.listen((events) => this.runInstanceHandlers(events));
  }

  async stage(events: readonly DomainEvent[]): Promise<void> {
    if (events.length > 0) await this.staged.stage(events);
  }

  async discard(events: readonly DomainEvent[]): Promise<void> {
    if (events.length > 0) await this.staged.discard(events);
  }

  subscribe<T extends EventType>(type: T, handler: EventHandler<EventOf<T>>): void {
    const subscribers = this.handlers.get(type) ?? { all: [], foreground: [], background: [], instance: [] };
    if (subscribers.all.some((h) => h.name === handler.name)) {
      throw new Error(`a handler named ${handler.name} is already subscribed to ${type}`);
    }
    const any = handler as unknown as EventHandler;
    subscribers.all.push(any);
    if ((any.scope ?? 'fleet') === 'instance') subscribers.instance.push(any);
    else (any.background ? subscribers.background : subscribers.foreground).push(any);
    this.handlers.set(type, subscribers);
  }

  /** The handlers subscribed to `type`, by name (for docs and tests). */
  handlersOf(type: string): string[] {
    return (this.handlers.get(type)?.all ?? []).map((h) => h.name);
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    const runs = events.map((event) => this.startFleetHandlers(event));
    await this.runInstanceHandlers(events);
    try {
      await this.fanout.broadcast(events);
    } catch (error) {
      this.logger.warn('event fan-out failed', { error: String(error) });
    }
    const settle = Promise.all(runs.map((r) => r.all)).then(async (done) => {
      await this.markDispatched(events.filter((_, i) => done[i]));
    });
    this.track(settle);
    // The publisher waits for the foreground handlers; background ones are tracked (drain).
    await Promise.all(runs.map((r) => r.foreground));
  }

  /** Resolves when every handler started so far (background ones included) has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * `all`: true when every fleet handler of the event has run (here or elsewhere).
   *
   * Background handlers start only once the foreground ones have finished, and after a turn of
   * the event loop (`setImmediate`), so the publisher's caller answers first: on the embedded
   * stores every step resolves within microtasks, and a mail rendered (CPU-bound) in that chain
   * delayed the checkout's answer by the render's time under load (the p99).
   */
  private startFleetHandlers(event: DomainEvent): { foreground: Promise<unknown>; all: Promise<boolean> } {
    const subscribers = this.handlers.get(event.type);
    const foreground = Promise.all(
      (subscribers?.foreground ?? []).map((handler) => this.runClaimed(handler, event)),
    );
    const background = subscribers?.background ?? [];
    if (background.length === 0) return { foreground, all: foreground.then(allTrue) };
    const later = foreground
      .then(nextTurn)
      .then(() => Promise.all(background.map((handler) => this.runClaimed(handler, event))));
    return {
      foreground,
      all: Promise.all([foreground, later]).then(([a, b]) => allTrue(a) && allTrue(b)),
    };
  }

  private async runClaimed(handler: EventHandler, event: DomainEvent): Promise<boolean> {
    let claim;
    try {
      claim = await this.handled.claim(handler.name, event.id, this.clock.now(), this.policy.claimLeaseMs);
    } catch (error) {
      this.logger.warn('could not claim an event for its handler; it will be redelivered', {
        handler: handler.name,
        eventId: event.id,
        error: String(error),
      });
      return false;
    }
    if (claim === 'done') return true;
    if (claim === 'busy') return false; // another instance is on it; the sweeper checks later
    try {
      await handler.handle(event);
    } catch (error) {
      this.logger.error('event handler failed; the event will be redelivered', {
        handler: handler.name,
        type: event.type,
        eventId: event.id,
        error: String(error),
      });
      await this.handled.release(handler.name, event.id).catch(() => undefined);
      return false;
    }
    try {
      await this.handled.complete(handler.name, event.id, this.clock.now());
    } catch (error) {
      this.logger.warn('could not record a handled event; its claim will lapse', {
        handler: handler.name,
        eventId: event.id,
        error: String(error),
      });
      return false;
    }
    return true;
  }

  private async runInstanceHandlers(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      if (this.recent.has(event.id)) continue;
      this.remember(event.id);
      for (const handler of this.handlers.get(event.type)?.instance ?? []) {
        try {
          await handler.handle(event);
        } catch (error) {
          this.logger.error('event handler failed', {
            handler: handler.name,
            type: event.type,
            eventId: event.id,
            error: String(error),
          });
        }
      }
    }
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_LIMIT) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  private async markDispatched(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const outbox of this.outboxes) {
      const own = events.filter((e) => outbox.owns(e.type));
      if (own.length === 0) continue;
      try {
        await outbox.markDispatched(own);
      } catch (error) {
        this.logger.warn('could not mark events dispatched; the sweeper will redeliver them', {
          error: String(error),
        });
      }
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.logger.error('event dispatch failed', { error: String(error) }))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
