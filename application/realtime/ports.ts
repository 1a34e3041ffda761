import { token } from '../shared/token.js';

/**
 * The realtime context: what clients see live, fed by the domain events of the event backbone.
 *
 * A channel is one stream of messages with its own monotonic ids (1, 2, 3, ...):
 * - `order:<orderId>`  — one order's status and delivery events (its owner, or an admin);
 * - `stock`            — stock and availability changes of every product (public; each client
 *                        filters by the product ids it subscribed to, or takes all);
 * - `cart:<userId>`    — one user's cart, on every device the user is signed in on.
 */
export type ChannelName = `order:${string}` | 'stock' | `cart:${string}`;

export const STOCK_CHANNEL = 'stock' as const;
export const orderChannel = (orderId: string): ChannelName => `order:${orderId}`;
export const cartChannel = (userId: string): ChannelName => `cart:${userId}`;

/**
 * What a client receives, on every transport (WebSocket and Server-Sent Events): `id` is the
 * channel's event id (monotonic per channel; control messages such as `ready` and `resync`
 * carry the channel's current last id, so a client resumes from it).
 */
export interface RealtimeMessage<D = unknown> {
  readonly type: string;
  readonly id: number;
  readonly data: D;
}

/** What `RealtimeHub.since` answers: the messages after the id, or that the window is gone. */
export type Replay =
  | { readonly complete: true; readonly messages: readonly RealtimeMessage[]; readonly lastId: number }
  /** The window no longer reaches back to that id (or the id is from another epoch): resync. */
  | { readonly complete: false; readonly lastId: number };

/**
 * The realtime hub: numbers and keeps each channel's messages (a bounded replay window, by
 * count and age) and delivers them to the subscribers of every instance. In memory on one
 * instance; on Redis (ids, window and fan-out shared by the fleet) when REDIS_URL is set.
 */
export interface RealtimeHub {
  /**
   * Gives the message the channel's next id, keeps it in the window and delivers it to every
   * subscriber of the channel on every instance, exactly once per instance. `dedupeKey` (the
   * source event's id and the channel) makes a redelivered event a no-op: publishing the same key
   * twice within the window stores and delivers one message.
   */
  publish(channel: ChannelName, type: string, data: unknown, dedupeKey: string): Promise<void>;
  /**
   * `listener` receives the channel's messages published from now on, in id order, until the
   * returned function is called. Synchronous: a message published after `subscribe` returned
   * reaches the listener.
   */
  subscribe(channel: ChannelName, listener: (message: RealtimeMessage) => void): () => void;
  /** The channel's messages with an id above `lastId`, oldest first, or `complete: false`. */
  since(channel: ChannelName, lastId: number): Promise<Replay>;
  /** The channel's last id (0 when nothing was published in the window's lifetime). */
  lastId(channel: ChannelName): Promise<number>;
}
export const REALTIME_HUB = token<RealtimeHub>('RealtimeHub');

/** The hub's bounds (REALTIME_REPLAY_MAX messages per channel, kept REALTIME_REPLAY_TTL_S). */
export interface RealtimeReplayPolicy {
  readonly maxMessages: number;
  readonly ttlSeconds: number;
}
export const REALTIME_REPLAY_POLICY = token<RealtimeReplayPolicy>('RealtimeReplayPolicy');
