import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DomainEvent } from '../../domain/shared/events.js';
import type { AppLogger, EventBus, EventHandler, SubscribeOptions } from '../../application/shared/ports.js';
import { InMemoryEventBus } from '../system/in-memory-event-bus.js';
import { decode, encode } from './json-codec.js';
import { OutageLog } from './outage.js';

interface Envelope {
  readonly origin: string;
  readonly events: readonly DomainEvent[];
}

/**
 * Events for every instance on one Redis: handlers run for this process's events as with the
 * in-memory bus, and each publish also goes to a Redis channel tagged with this instance's id. A
 * dedicated subscriber connection delivers the other instances' events (never its own) to the
 * handlers subscribed with `fromOtherInstances`. Dates survive the trip (see json-codec).
 * Fan-out is best effort: while Redis is away local delivery goes on and remote delivery stops.
 */
export class RedisEventBus implements EventBus {
  readonly instanceId = randomUUID();
  private readonly local: InMemoryEventBus;
  private readonly remote: InMemoryEventBus;
  private readonly subscriber: Redis;
  private readonly subscribed: Promise<void>;
  private readonly outage: OutageLog;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    private readonly logger: AppLogger,
  ) {
    this.local = new InMemoryEventBus(logger);
    this.remote = new InMemoryEventBus(logger);
    this.outage = new OutageLog(logger, 'event fan-out', 'stopped (events reach this instance only)');
    // A subscriber connection may queue its SUBSCRIBE until connected, and has no command timeout.
    this.subscriber = publisher.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    this.subscriber.on('error', () => undefined); // reported by the health indicator and publish
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) void this.receive(message);
    });
    let resolveSubscribed: () => void = () => undefined;
    this.subscribed = new Promise((resolve) => (resolveSubscribed = resolve));
    const subscribe = () => {
      this.subscriber.subscribe(this.channel).then(
        () => resolveSubscribed(),
        () => undefined, // retried on the next 'ready'
      );
    };
    this.subscriber.on('ready', subscribe);
    if (this.subscriber.status === 'ready') subscribe();
  }

  /** Resolves once other instances' events can arrive. */
  ready(): Promise<void> {
    return this.subscribed;
  }

  subscribe(type: string, handler: EventHandler, options?: SubscribeOptions): void {
    this.local.subscribe(type, handler);
    if (options?.fromOtherInstances) this.remote.subscribe(type, handler);
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.local.publish(events);
    try {
      const envelope: Envelope = { origin: this.instanceId, events };
      await this.publisher.publish(this.channel, encode(envelope));
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error);
    }
  }

  private async receive(message: string): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = decode<Envelope>(message);
    } catch (error) {
      this.logger.warn('unreadable event message on redis', { error: String(error) });
      return;
    }
    if (envelope.origin === this.instanceId || !Array.isArray(envelope.events)) return;
    await this.remote.publish(envelope.events);
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
