import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DomainEvent } from '../../domain/shared/events.js';
import type { EventFanout } from '../../application/shared/event-ports.js';
import type { AppLogger } from '../../application/shared/ports.js';
import { decode, encode } from './json-codec.js';
import { OutageLog } from './outage.js';

interface Envelope {
  readonly origin: string;
  readonly events: readonly DomainEvent[];
}

/**
 * Carries events to every instance on one Redis, for their per-instance handlers: each broadcast
 * goes to a Redis channel tagged with this instance's id, and a dedicated subscriber connection
 * hands the other instances' events (never its own) to the listener. Dates survive the trip (see
 * json-codec). Best effort: while Redis is away, other instances miss the notices (their caches
 * expire; realtime clients resync on reconnect); the fleet-wide handlers do not depend on it.
 */
export class RedisEventFanout implements EventFanout {
  readonly instanceId = randomUUID();
  private readonly subscriber: Redis;
  private readonly subscribed: Promise<void>;
  private readonly outage: OutageLog;
  private listener: ((events: readonly DomainEvent[]) => Promise<void>) | null = null;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    private readonly logger: AppLogger,
  ) {
    this.outage = new OutageLog(logger, 'event fan-out', 'stopped (events reach this instance only)');
    // A subscriber connection may queue its SUBSCRIBE until connected, and has no command timeout.
    this.subscriber = publisher.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    this.subscriber.on('error', () => undefined); // reported by the health indicator and broadcast
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

  listen(listener: (events: readonly DomainEvent[]) => Promise<void>): void {
    this.listener = listener;
  }

  async broadcast(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
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
    try {
      await this.listener?.(envelope.events);
    } catch (error) {
      this.logger.error('handling events from another instance failed', { error: String(error) });
    }
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
