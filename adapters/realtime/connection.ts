import type { RealtimeMessage } from '../../application/realtime/ports.js';

/**
 * The seam between the realtime protocol (one implementation, adapters/realtime/protocol) and
 * the transports that carry it: `ws` through @fastify/websocket on the API port, uWebSockets.js
 * on its own port, and Server-Sent Events on either. A transport accepts connections on the
 * channel paths, hands each to `RealtimeEndpoint.open` and forwards what happens on it.
 */

/** Close codes (WebSocket close frames; an SSE stream ends with a `close` event carrying one). */
export const CLOSE = {
  /** Graceful shutdown of the server. */
  goingAway: 1001,
  /** A binary frame or otherwise unusable input. */
  unsupported: 1003,
  /** A message above REALTIME_MAX_MESSAGE_BYTES. */
  tooBig: 1009,
  internalError: 1011,
  /** Slow consumer: the connection's send buffer passed REALTIME_MAX_BUFFERED_BYTES. */
  tryAgainLater: 1013,
  /** Malformed channel path or parameters (e.g. an order id that is not one). */
  badRequest: 4400,
  /** No, a bad, an expired or a revoked token (also: no `auth` message in time). */
  unauthorized: 4401,
  /** Another user's order. */
  forbidden: 4403,
  notFound: 4404,
  /** More than REALTIME_MAX_MESSAGES client messages within REALTIME_MESSAGE_WINDOW_MS. */
  tooManyMessages: 4429,
} as const;
export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/** One client connection as the protocol sees it, whatever carries it. */
export interface RealtimeConnection {
  readonly transport: 'websocket' | 'sse';
  /**
   * Sends one message: `json` is `message` serialized and `bytes` its UTF-8 encoding (both made
   * once per message, shared by every connection it goes to: never re-encode per connection).
   * WebSocket: a text frame of `bytes`; SSE: `id:`, `event:` (the type) and `data:` lines (`id:`
   * only for channel events, not for control messages with id 0).
   */
  send(message: RealtimeMessage, json: string, bytes: Buffer): void;
  /** Bytes queued and not yet written to the peer (the slow-consumer check). */
  bufferedBytes(): number;
  /** A liveness probe: a ping frame (WebSocket; the peer's pong comes back as `pong()`), or an SSE comment line. */
  heartbeat(): void;
  /**
   * Closes with a code and a reason (<= 123 bytes). SSE: a final `event: close` with
   * `{code, reason}`, then the end of the response. Calling it twice is harmless.
   */
  close(code: number, reason: string): void;
  /** Ends the connection at once without a closing handshake (a dead peer). */
  terminate(): void;
}

/** What a transport knows of the request that opened a connection. */
export interface RealtimeRequest {
  /** The URL path without the query, e.g. /api/realtime/order-status/65f0... (or /api/api/...). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The Sec-WebSocket-Protocol values the client offered (WebSocket only; else empty). */
  readonly protocols: readonly string[];
  /** The Authorization header (non-browser clients may send `Bearer <token>`). */
  readonly authorization?: string;
  /** The Last-Event-ID header (SSE: EventSource sends it when it reconnects). */
  readonly lastEventId?: string;
  readonly ip: string;
}

/** What a transport forwards from one open connection to the protocol. */
export interface ConnectionEvents {
  /** One text message from the client (size already checked against maxMessageBytes). */
  message(text: string): void;
  /** The peer answered a heartbeat (or showed any sign of life). */
  pong(): void;
  /** The connection is gone (closed by either side or broken); called once. */
  closed(): void;
}

/** The limits a transport enforces itself (the rest is the protocol's). */
export interface TransportLimits {
  readonly maxMessageBytes: number;
  readonly maxBufferedBytes: number;
}

/** The protocol as a transport sees it. */
export interface RealtimeEndpoint {
  readonly limits: TransportLimits;
  /** Whether `path` names a realtime channel (else the transport answers 404). */
  matches(path: string): boolean;
  /**
   * The Sec-WebSocket-Protocol to answer for the offered ones (browsers fail a connection whose
   * offered protocols get no answer), or undefined when none was offered.
   */
  selectProtocol(offered: readonly string[]): string | undefined;
  /** A connection was accepted on a matching path: the protocol takes it over. */
  open(connection: RealtimeConnection, request: RealtimeRequest): ConnectionEvents;
  /** Closes every open connection with 1001 (graceful shutdown); resolves when they are gone. */
  closeAll(): Promise<void>;
}
