import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import websocket from '@fastify/websocket';
import { WebSocket } from 'ws';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RealtimeMessage } from '../../application/realtime/ports.js';
import type { App } from '../http/types.js';
import { REALTIME_PATHS, type RealtimeChannelKind } from './paths.js';
import { DomainFailure, httpError } from '../http/errors.js';
import { errors } from '../http/schemas.js';
import type {
  ConnectionEvents,
  RealtimeConnection,
  RealtimeEndpoint,
  RealtimeRequest,
} from './connection.js';

/** What each channel's route says of itself in OpenAPI (its path is REALTIME_PATHS'). */
const SUMMARIES: Record<RealtimeChannelKind, string> = {
  order: "One order's status and delivery events (owner or admin)",
  stock: 'Stock and availability changes of the products subscribed to',
  cart: "The signed-in user's cart on every device",
};

/** EventSource reconnects after this long (the `retry:` line). */
export const SSE_RETRY_MS = 2000;

const Query = Type.Object(
  {
    token: Type.Optional(Type.String({ description: 'A bearer token (browsers cannot set headers)' })),
    lastEventId: Type.Optional(
      Type.String({ description: 'Resume after this event id (also the Last-Event-ID header)' }),
    ),
    products: Type.Optional(Type.String({ description: 'stock-updates: product ids separated by commas' })),
    all: Type.Optional(Type.String({ description: 'stock-updates: `true` follows every product' })),
  },
  { additionalProperties: true },
);

const description =
  'A WebSocket upgrade (subprotocol `amour.realtime.v1`, optionally `bearer.<token>` beside it), or a GET ' +
  'with `Accept: text/event-stream` answering Server-Sent Events. Messages are JSON `{type, id, data}`; ' +
  'see /api/asyncapi.json and the README (Realtime). Failures after the stream opened end it with a ' +
  'close code (`event: close` on SSE).';

const Responses = {
  200: {
    description: 'Server-Sent Events: `id:`, `event:` and `data:` lines per message, heartbeats as comments',
    content: { 'text/event-stream': { schema: Type.String() } },
  },
  101: { description: 'Switching Protocols (WebSocket)' },
  ...errors(400, 426),
};

function requestOf(request: FastifyRequest): RealtimeRequest {
  const [path = '/', search = ''] = request.url.split('?', 2);
  const offered = request.headers['sec-websocket-protocol'];
  const lastEventId = request.headers['last-event-id'];
  return {
    path,
    query: new URLSearchParams(search),
    protocols:
      typeof offered === 'string'
        ? offered
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean)
        : [],
    ...(typeof request.headers.authorization === 'string'
      ? { authorization: request.headers.authorization }
      : {}),
    ...(typeof lastEventId === 'string' ? { lastEventId } : {}),
    ip: request.ip,
  };
}

const TEXT_FRAME = { binary: false } as const;

/** A `ws` socket as a RealtimeConnection. */
class WsConnection implements RealtimeConnection {
  readonly transport = 'websocket' as const;
  constructor(private readonly socket: WebSocket) {}

  send(_message: RealtimeMessage, _json: string, bytes: Buffer): void {
    // The shared bytes as a text frame: ws frames a Buffer without copying or encoding it.
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(bytes, TEXT_FRAME);
  }
  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }
  heartbeat(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
  }
  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code, reason);
  }
  terminate(): void {
    this.socket.terminate();
  }
}

function serveWebSocket(endpoint: RealtimeEndpoint, socket: WebSocket, request: FastifyRequest): void {
  const events = endpoint.open(new WsConnection(socket), requestOf(request));
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      if (socket.readyState === WebSocket.OPEN) socket.close(1003, 'Binary frames are not accepted');
      return;
    }
    events.message(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8'));
  });
  socket.on('pong', () => events.pong());
  socket.once('close', () => events.closed());
}

/** One Server-Sent Events response as a RealtimeConnection. */
class SseConnection implements RealtimeConnection {
  readonly transport = 'sse' as const;
  private ended = false;
  events: ConnectionEvents | null = null;

  constructor(
    private readonly response: ServerResponse,
    private readonly socket: Socket,
  ) {}

  send(message: RealtimeMessage, json: string): void {
    if (this.ended) return;
    const id = message.id > 0 ? `id: ${message.id}\n` : '';
    this.response.write(`${id}event: ${message.type}\ndata: ${json}\n\n`);
  }
  bufferedBytes(): number {
    return this.socket.writableLength;
  }
  /** A comment line. SSE has no pong: everything written so far having left is the sign of life. */
  heartbeat(): void {
    if (this.ended) return;
    if (this.bufferedBytes() === 0) this.events?.pong();
    this.response.write(': ping\n\n');
  }
  close(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.response.end(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
  }
  terminate(): void {
    this.ended = true;
    this.socket.destroy();
  }
}

function serveEventStream(endpoint: RealtimeEndpoint, request: FastifyRequest, reply: FastifyReply): void {
  const accept = request.headers.accept ?? '';
  if (!accept.includes('text/event-stream')) {
    throw new DomainFailure(
      httpError(
        'UPGRADE_REQUIRED',
        'A realtime channel answers a WebSocket upgrade or a GET with Accept: text/event-stream',
      ),
    );
  }
  // HEAD (Fastify adds one beside every GET): the stream's headers, no stream to hold open.
  if (request.method === 'HEAD') {
    void reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send();
    return;
  }
  reply.hijack();
  const response = reply.raw;
  const socket = request.raw.socket;
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) headers[name] = value;
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  response.write(`retry: ${SSE_RETRY_MS}\n\n`);
  const connection = new SseConnection(response, socket);
  const events = endpoint.open(connection, requestOf(request));
  connection.events = events;
  response.once('close', () => events.closed());
}

/**
 * The realtime channels on the API port: a WebSocket upgrade through @fastify/websocket (`ws`),
 * and Server-Sent Events on the same paths. Message size (1009) is `ws`'s maxPayload; the rest of
 * the protocol is the endpoint's.
 */
export async function realtimeTransport(app: App, options: { endpoint: RealtimeEndpoint }): Promise<void> {
  const { endpoint } = options;
  await app.register(websocket, {
    options: {
      maxPayload: endpoint.limits.maxMessageBytes,
      handleProtocols: (protocols) => endpoint.selectProtocol([...protocols]) ?? false,
    },
    // A broken socket (reset, bad frame): ws closes it; its close event releases the connection.
    errorHandler: (_error, socket) => socket.terminate(),
  });
  for (const [kind, url] of Object.entries(REALTIME_PATHS) as [RealtimeChannelKind, string][]) {
    // `wsHandler` beside `handler`: one route, so the SSE GET keeps its schema (and OpenAPI entry).
    const options = {
      method: 'GET',
      url,
      schema: {
        summary: SUMMARIES[kind],
        description,
        tags: ['Realtime'],
        querystring: Query,
        ...(url.includes(':orderId')
          ? { params: Type.Object({ orderId: Type.String({ minLength: 1 }) }) }
          : {}),
        response: Responses,
      },
      wsHandler: (socket: WebSocket, request: FastifyRequest) => serveWebSocket(endpoint, socket, request),
      handler: async (request: FastifyRequest, reply: FastifyReply) =>
        serveEventStream(endpoint, request, reply),
    };
    app.route(options as unknown as Parameters<App['route']>[0]);
  }
}
