import type { Redis } from 'ioredis';
import type {
  ChannelName,
  RealtimeHub,
  RealtimeMessage,
  RealtimeReplayPolicy,
  Replay,
} from '../../application/realtime/ports.js';
import type { AppLogger } from '../../application/shared/ports.js';
import { decode, encode } from '../cache/json-codec.js';
import { OutageLog } from '../cache/outage.js';

// One atomic step per message, so ids stay monotonic per channel across every instance:
// KEYS: sequence, window (stream), dedupe key. ARGV: ttl ms, window size, publish time (ms),
// type (JSON), data (JSON), channel (JSON), the hub's pub/sub channel.
// The dedupe key is written last: a script that fails half-way leaves no key that would turn the
// event backbone's redelivery into a no-op. A sequence that starts again (its key expired) starts
// a new window, so stale entries of the previous epoch never follow the new ids.
const PUBLISH = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[1])
if seq == 1 then redis.call('DEL', KEYS[2]) end
local message = '{"type":' .. ARGV[4] .. ',"id":' .. seq .. ',"data":' .. ARGV[5] .. '}'
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], seq .. '-0', 't', ARGV[3], 'm', message)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[1])
redis.call('PUBLISH', ARGV[7], '{"channel":' .. ARGV[6] .. ',"message":' .. message .. '}')
return seq`;

// The sequence and the window entries after lastId, read together (KEYS: sequence, window).
const SINCE = `
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local last = tonumber(ARGV[1])
if last >= seq then return {seq} end
return {seq, redis.call('XRANGE', KEYS[2], (last + 1) .. '-0', '+')}`;

type StreamEntry = [id: string, fields: string[]];

type RedisWithHub = Redis & {
  afRealtimePublish(
    seqKey: string,
    windowKey: string,
    dedupeKey: string,
    ttlMs: number,
    maxMessages: number,
    now: number,
    type: string,
    data: string,
    channel: string,
    pubsub: string,
  ): Promise<number>;
  afRealtimeSince(seqKey: string, windowKey: string, lastId: number): Promise<[number, StreamEntry[]?]>;
};

interface Envelope {
  readonly channel: ChannelName;
  readonly message: RealtimeMessage;
}

/** How long a publish waits for this instance's subscription before giving up (Redis away). */
const SUBSCRIBE_WAIT_MS = 2000;

/**
 * The fleet's hub on Redis. Per channel (keys `<prefix>rt:{<channel>}:...`, one hash slot each):
 * `seq` (INCR: the ids), `win` (a stream whose entry ids are the message ids, `<id>-0`, trimmed
 * to exactly `maxMessages` and carrying each message's publish time) and one dedupe key per
 * source event; all expire `ttlSeconds` after the channel's last publish. A stream rather than a
 * capped list: a resuming client's "after id N" is one XRANGE from `N+1-0`, without index
 * arithmetic, and the oldest kept id is the first entry's id.
 *
 * Fan-out: the publish script also PUBLISHes `{channel, message}` on ONE pub/sub channel for the
 * whole hub (`<prefix>realtime`); every instance, this one included, listens on it with one
 * subscriber connection and hands each message to its local subscribers of that channel. Redis
 * delivers a connection's messages in publish order, and the scripts run one at a time, so a
 * channel's ids reach every subscriber in order and once per instance, whichever instance
 * published them. A message published while this instance's subscriber connection is away is
 * not delivered here (its clients resume from the window when they reconnect).
 *
 * Redis away: `publish`, `since` and `lastId` reject (the realtime handler fails and the event
 * backbone redelivers the event later; the dedupe key keeps that a no-op if it did land);
 * `subscribe` never throws.
 */
export class RedisRealtimeHub implements RealtimeHub {
  private readonly redis: RedisWithHub;
  private readonly subscriber: Redis;
  private readonly listeners = new Map<ChannelName, Set<(message: RealtimeMessage) => void>>();
  private readonly outage: OutageLog;
  private readonly pubsub: string;
  private subscribed = false;
  /** Once subscribed, a later outage does not make publishes wait: they fail fast (or land). */
  private everSubscribed = false;
  private readonly waiting = new Set<() => void>();

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly policy: RealtimeReplayPolicy,
    private readonly logger: AppLogger,
    private readonly now: () => number = Date.now,
  ) {
    if (!('afRealtimePublish' in redis)) {
      redis.defineCommand('afRealtimePublish', { numberOfKeys: 3, lua: PUBLISH });
      redis.defineCommand('afRealtimeSince', { numberOfKeys: 2, lua: SINCE });
    }
    this.redis = redis as RedisWithHub;
    this.pubsub = `${prefix}realtime`;
    this.outage = new OutageLog(logger, 'realtime hub', 'stopped (realtime clients resync when it is back)');
    // A subscriber connection may queue its SUBSCRIBE until connected, and has no command timeout.
    this.subscriber = redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    this.subscriber.on('error', () => undefined); // reported by the health indicator and publish
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.pubsub) this.receive(text);
    });
    this.subscriber.on('close', () => {
      this.subscribed = false;
    });
    const subscribe = () => {
      this.subscriber.subscribe(this.pubsub).then(
        () => {
          this.subscribed = true;
          this.everSubscribed = true;
          for (const wake of [...this.waiting]) wake();
        },
        () => undefined, // retried on the next 'ready'
      );
    };
    this.subscriber.on('ready', subscribe);
    if (this.subscriber.status === 'ready') subscribe();
  }

  /** Resolves once this instance receives what is published (on any instance). */
  ready(timeoutMs = SUBSCRIBE_WAIT_MS): Promise<boolean> {
    if (this.subscribed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve(ok);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiting.add(wake);
    });
  }

  async publish(channel: ChannelName, type: string, data: unknown, dedupeKey: string): Promise<void> {
    try {
      // Until this instance first listens, its own subscribers would miss what it publishes. After
      // an outage began, waiting would only slow every request that publishes: the command fails
      // fast (Redis away) or lands (only the subscriber is reconnecting; its clients resync).
      if (!this.everSubscribed && !(await this.ready()))
        throw new Error('realtime hub: not subscribed to redis');
      await this.redis.afRealtimePublish(
        this.key(channel, 'seq'),
        this.key(channel, 'win'),
        this.key(channel, `dd:${dedupeKey}`),
        this.ttlMs(),
        this.policy.maxMessages,
        this.now(),
        JSON.stringify(type),
        encode(data) ?? 'null',
        JSON.stringify(channel),
        this.pubsub,
      );
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error);
      throw error;
    }
  }

  subscribe(channel: ChannelName, listener: (message: RealtimeMessage) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(channel);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(channel);
    };
  }

  async since(channel: ChannelName, lastId: number): Promise<Replay> {
    if (!Number.isSafeInteger(lastId) || lastId < 0)
      return { complete: false, lastId: await this.lastId(channel) };
    const [current, entries = []] = await this.redis.afRealtimeSince(
      this.key(channel, 'seq'),
      this.key(channel, 'win'),
      lastId,
    );
    if (lastId > current) return { complete: false, lastId: current };
    if (lastId === current) return { complete: true, messages: [], lastId: current };
    // Complete only when the message right after lastId is still kept and not older than the
    // window's age: the ids in the window are contiguous, so everything after it is there too.
    const first = entries[0];
    const oldestAllowed = this.now() - this.ttlMs();
    if (!first || first[0] !== `${lastId + 1}-0` || Number(field(first, 't')) < oldestAllowed)
      return { complete: false, lastId: current };
    return {
      complete: true,
      messages: entries.map((entry) => decode<RealtimeMessage>(field(entry, 'm'))),
      lastId: current,
    };
  }

  async lastId(channel: ChannelName): Promise<number> {
    return Number((await this.redis.get(this.key(channel, 'seq'))) ?? 0);
  }

  /** Stops listening (the command connection belongs to the caller). */
  close(): void {
    this.listeners.clear();
    this.subscriber.disconnect();
  }

  private receive(text: string): void {
    let envelope: Envelope;
    try {
      envelope = decode<Envelope>(text);
    } catch (error) {
      this.logger.warn('unreadable realtime message on redis', { error: String(error) });
      return;
    }
    const listeners = this.listeners.get(envelope.channel);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      try {
        listener(envelope.message);
      } catch (error) {
        this.logger.error('realtime subscriber failed', { channel: envelope.channel, error: String(error) });
      }
    }
  }

  private key(channel: ChannelName, part: string): string {
    return `${this.prefix}rt:{${channel}}:${part}`;
  }

  private ttlMs(): number {
    return Math.max(1, Math.round(this.policy.ttlSeconds * 1000));
  }
}

function field(entry: StreamEntry, name: string): string {
  const fields = entry[1];
  for (let i = 0; i < fields.length - 1; i += 2) if (fields[i] === name) return fields[i + 1]!;
  return '';
}
