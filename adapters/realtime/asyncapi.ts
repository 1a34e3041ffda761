import type { TSchema } from '@fastify/type-provider-typebox';
import { REALTIME_CONTROL_TYPES, REALTIME_MESSAGE_TYPES } from '../../application/realtime/messages.js';
import { CLOSE } from './connection.js';
import type { RealtimeSettings } from './protocol.js';
import { doubledApiPath, REALTIME_PATHS, type RealtimeChannelKind } from './paths.js';
import {
  CLIENT_MESSAGE_SCHEMAS,
  ErrorDataSchema,
  EVENT_DATA_SCHEMAS,
  PongDataSchema,
  readyDataSchema,
  resyncDataSchema,
  SNAPSHOT_SCHEMAS,
  SubscribedDataSchema,
} from './message-schemas.js';

/**
 * The AsyncAPI 3.0.0 document of the realtime channels (served at /api/asyncapi.json). It is
 * written from a CLIENT's point of view: `receive` operations are what the server sends, `send`
 * operations what a client may send. Everything in it comes from the code it describes: the
 * paths (paths.ts), the message types (application/realtime/messages.ts), their data schemas
 * (message-schemas.ts), the close codes (connection.ts CLOSE) and the configured limits.
 */

export interface AsyncApiOptions {
  readonly version: string;
  /** `host[:port]` the client reached the API on (the request's Host). */
  readonly host: string;
  /** The client came over TLS (wss / https). */
  readonly secure: boolean;
  readonly realtime: RealtimeSettings;
}

/** What each close code means; a code added to CLOSE without a line here fails typecheck. */
const CLOSE_MEANINGS: Record<keyof typeof CLOSE, (s: RealtimeSettings) => string> = {
  goingAway: () => 'The server is shutting down (graceful shutdown): reconnect, with your last event id',
  unsupported: () => 'A binary frame or other unusable input',
  tooBig: (s) => `A client message above REALTIME_MAX_MESSAGE_BYTES (${s.maxMessageBytes} bytes)`,
  internalError: () => 'An unexpected server error',
  tryAgainLater: (s) =>
    `Slow consumer: more than REALTIME_MAX_BUFFERED_BYTES (${s.maxBufferedBytes}) unsent bytes queued; reconnect and resume`,
  badRequest: () => 'Malformed channel path or parameters (e.g. an order id that is not one)',
  unauthorized: (s) =>
    `No, a bad, an expired or a revoked token (checked again every ${s.authRecheckMs} ms), or no \`auth\` message within ${s.authTimeoutMs} ms`,
  forbidden: () => "Another user's order",
  notFound: () => 'No such order',
  tooManyMessages: (s) =>
    `More than REALTIME_MAX_MESSAGES (${s.maxMessages}) client messages within REALTIME_MESSAGE_WINDOW_MS (${s.messageWindowMs} ms)`,
};

/** The close codes with their meaning, in code order (the document's table and `x-close-codes`). */
export function closeCodes(settings: RealtimeSettings): { code: number; name: string; meaning: string }[] {
  return (Object.keys(CLOSE) as (keyof typeof CLOSE)[])
    .map((name) => ({ code: CLOSE[name], name, meaning: CLOSE_MEANINGS[name](settings) }))
    .sort((a, b) => a.code - b.code);
}

/** `order.status` -> `orderStatus`: channel and operation keys (the spec wants no dots there). */
const camel = (type: string) => type.replace(/[.-](\w)/g, (_m, c: string) => c.toUpperCase());
/** `/a/:id` -> `/a/{id}`: AsyncAPI channel address expressions. */
const toAddress = (path: string) => path.replace(/:(\w+)/g, '{$1}');
/** Plain JSON (TypeBox schemas carry symbol keys). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const describe = (schema: TSchema): string | undefined => (schema as { description?: string }).description;

const envelope = (type: string, data: TSchema, idDescription: string) => ({
  type: 'object',
  required: ['type', 'id', 'data'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', const: type },
    id: { type: 'integer', minimum: 0, description: idDescription },
    data,
  },
});
const EVENT_ID = "The channel's event id: monotonic per channel; keep the last one to resume";
const CONTROL_ID = "The channel's current last event id (resume from it)";

const CHANNELS: Record<
  RealtimeChannelKind,
  { key: string; title: string; description: string; events: readonly string[]; auth: 'user' | 'public' }
> = {
  order: {
    key: 'orderStatus',
    title: 'Order tracking',
    description:
      "One order's status, delivery and payment events. Its owner or an admin (a user token is required; another user's order closes 4403, an unknown one 4404).",
    events: REALTIME_MESSAGE_TYPES.order,
    auth: 'user',
  },
  stock: {
    key: 'stockUpdates',
    title: 'Live stock',
    description:
      'Stock and availability changes of the products the client follows (public, no token needed). Choose them on the URL (`?products=id1,id2` or `?all=true`) or with `subscribe` / `unsubscribe` messages.',
    events: REALTIME_MESSAGE_TYPES.stock,
    auth: 'public',
  },
  cart: {
    key: 'cartSync',
    title: 'Cart sync',
    description:
      "The signed-in user's cart on every device at once: a change made through the HTTP API on one device arrives here on the others (a user token is required).",
    events: REALTIME_MESSAGE_TYPES.cart,
    auth: 'user',
  },
};

/** Client messages accepted on each channel kind. */
const CLIENT_MESSAGES: Record<RealtimeChannelKind, readonly (keyof typeof CLIENT_MESSAGE_SCHEMAS)[]> = {
  order: ['auth', 'resume', 'ping'],
  stock: ['auth', 'resume', 'subscribe', 'unsubscribe', 'ping'],
  cart: ['auth', 'resume', 'ping'],
};

/** Control messages each channel kind may send (`subscribed` is the stock channel's). */
const controlsOf = (kind: RealtimeChannelKind) =>
  REALTIME_CONTROL_TYPES.filter((type) => type !== 'subscribed' || kind === 'stock');

function controlMessage(kind: RealtimeChannelKind, type: (typeof REALTIME_CONTROL_TYPES)[number]) {
  const snapshot = SNAPSHOT_SCHEMAS[kind];
  const spec = {
    ready: {
      data: readyDataSchema(snapshot),
      summary:
        'Subscribed: the current state, or (resumed: true) sent right after the replayed events of a complete resume',
    },
    resync: {
      data: resyncDataSchema(snapshot),
      summary: 'The replay window no longer reaches the last id given: replace your state with this one',
    },
    error: {
      data: ErrorDataSchema,
      summary: 'A client message was refused (bad JSON, unknown type); the connection stays open',
    },
    pong: { data: PongDataSchema, summary: 'The answer to `ping`' },
    subscribed: {
      data: SubscribedDataSchema,
      summary: 'The products now followed, after `subscribe` / `unsubscribe`',
    },
  }[type];
  return {
    name: type,
    title: `${type} (${kind})`,
    summary: spec.summary,
    payload: envelope(type, spec.data, CONTROL_ID),
  };
}

const QUERY = {
  type: 'object',
  properties: {
    token: {
      type: 'string',
      description: 'The bearer token (for clients that cannot set headers, e.g. EventSource)',
    },
    lastEventId: { type: 'integer', minimum: 0, description: 'Resume after this event id' },
    products: { type: 'string', description: 'Stock channel: comma-separated product ids to follow' },
    all: { type: 'string', enum: ['true'], description: 'Stock channel: follow every product' },
  },
};
const HEADERS = {
  type: 'object',
  properties: {
    'Sec-WebSocket-Protocol': {
      type: 'string',
      description: '`amour.realtime.v1, bearer.<token>`: the server answers `amour.realtime.v1`',
    },
    Authorization: { type: 'string', description: '`Bearer <token>` (non-browser clients)' },
    'Last-Event-ID': {
      type: 'string',
      description: 'Resume after this event id (EventSource sends it on reconnect)',
    },
    Accept: { type: 'string', description: '`text/event-stream` for Server-Sent Events' },
  },
};

function description(s: RealtimeSettings): string {
  const table = closeCodes(s)
    .map((c) => `| ${c.code} | ${c.meaning} |`)
    .join('\n');
  return [
    'Live order tracking, stock and cart sync. Each channel path answers a WebSocket upgrade and, for clients that cannot open one, a `GET` with `Accept: text/event-stream` (Server-Sent Events) carrying the same messages. Every path is also served under `/api/api/...`.',
    '',
    "**Messages** are JSON `{type, id, data}`. Channel events carry the channel's monotonic event id; control messages (`ready`, `resync`, `error`, `pong`, `subscribed`) carry the channel's current last id. This document is written from the client's side: `receive` = what the server sends, `send` = what a client may send.",
    '',
    `**Authentication** (order and cart channels; stock is public): a WebSocket subprotocol \`bearer.<token>\` offered beside \`amour.realtime.v1\` (browsers: \`new WebSocket(url, ['amour.realtime.v1', 'bearer.' + token])\`), a \`?token=\` query parameter (EventSource), an \`Authorization: Bearer <token>\` header (non-browser clients), or an \`auth\` message within REALTIME_AUTH_TIMEOUT_MS (${s.authTimeoutMs} ms). The token is checked again every ${s.authRecheckMs} ms: a revoked one closes the connection with 4401.`,
    '',
    `**Resume**: give the last event id you received (\`Last-Event-ID\` header, \`?lastEventId=\`, or a \`resume\` message). The server sends the missed events in order, then \`ready\` with \`resumed: true\`; when the replay window (REALTIME_REPLAY_MAX = ${s.replayMax} messages per channel, kept REALTIME_REPLAY_TTL = ${s.replayTtlSeconds} s) no longer reaches it, \`resync\` with the whole current state.`,
    '',
    `**Heartbeats**: a WebSocket ping every REALTIME_HEARTBEAT_MS (${s.heartbeatMs} ms; a peer that answers none of two is dropped); on SSE a comment line (\`: ...\`) at the same rate.`,
    '',
    `**Limits**: client messages of at most ${s.maxMessageBytes} bytes (1009), ${s.maxMessages} per ${s.messageWindowMs} ms (4429); a connection with more than ${s.maxBufferedBytes} unsent bytes is dropped as a slow consumer (1013).`,
    '',
    '**Server-Sent Events**: each message as `id:` (channel events only), `event:` (the type) and `data:` (the same JSON `{type, id, data}`) lines; before the server ends a stream it sends `event: close` with data `{code, reason}` (the codes below). Client messages do not exist on SSE: use the query parameters.',
    '',
    '**Close codes**',
    '',
    '| Code | Meaning |',
    '| --- | --- |',
    table,
  ].join('\n');
}

/** The AsyncAPI 3.0.0 document for these settings, as plain JSON. */
export function asyncApiDocument(options: AsyncApiOptions): Record<string, unknown> {
  const s = options.realtime;
  const hostname = options.host.replace(/:\d+$/, '');
  const servers: Record<string, unknown> = {
    api: {
      host: options.host,
      protocol: options.secure ? 'wss' : 'ws',
      title: 'API port: WebSocket (ws)',
      description:
        'The channels on the API port, as WebSockets (the `ws` library through @fastify/websocket).',
    },
    'api-sse': {
      host: options.host,
      protocol: options.secure ? 'https' : 'http',
      title: 'API port: Server-Sent Events',
      description: 'The same channel paths answer `GET` with `Accept: text/event-stream`.',
    },
  };
  if (s.uwsPort !== null) {
    servers.uws = {
      host: `${hostname}:${s.uwsPort}`,
      protocol: 'ws',
      title: 'uWebSockets.js port (REALTIME_UWS_PORT)',
      description:
        'The same channels and messages served by uWebSockets.js on its own port (WebSocket, and Server-Sent Events on the same paths).',
    };
  }

  const componentMessages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  for (const type of Object.values(REALTIME_MESSAGE_TYPES).flat()) {
    const data = EVENT_DATA_SCHEMAS[type];
    componentMessages[type] = {
      name: type,
      title: type,
      summary: describe(data),
      payload: envelope(type, data, EVENT_ID),
    };
  }
  for (const [name, schema] of Object.entries(CLIENT_MESSAGE_SCHEMAS)) {
    componentMessages[`client.${name}`] = { name, title: name, summary: describe(schema), payload: schema };
  }
  componentMessages['sse.close'] = {
    name: 'close',
    title: 'close (Server-Sent Events only)',
    summary: 'The last event of an SSE stream: the close code and reason (not a `{type, id, data}` envelope)',
    payload: {
      type: 'object',
      required: ['code', 'reason'],
      properties: {
        code: { type: 'integer', enum: closeCodes(s).map((c) => c.code) },
        reason: { type: 'string' },
      },
    },
  };

  for (const kind of Object.keys(REALTIME_PATHS) as RealtimeChannelKind[]) {
    const channel = CHANNELS[kind];
    const path = REALTIME_PATHS[kind];
    const messages: Record<string, unknown> = {};
    const received: string[] = [];
    for (const type of channel.events) {
      messages[camel(type)] = { $ref: `#/components/messages/${type}` };
      received.push(camel(type));
    }
    for (const type of controlsOf(kind)) {
      const id = `${kind}.${type}`;
      componentMessages[id] = controlMessage(kind, type);
      messages[camel(type)] = { $ref: `#/components/messages/${id}` };
      received.push(camel(type));
    }
    messages.sseClose = { $ref: '#/components/messages/sse.close' };
    received.push('sseClose');
    const sent = CLIENT_MESSAGES[kind].map((name) => {
      messages[camel(`client.${name}`)] = { $ref: `#/components/messages/client.${name}` };
      return camel(`client.${name}`);
    });

    channels[channel.key] = {
      address: toAddress(path),
      title: channel.title,
      description: `${channel.description} Also served at \`${toAddress(doubledApiPath(path))}\`.`,
      ...(path.includes(':orderId')
        ? {
            parameters: {
              orderId: { description: 'The order id (24 hex characters); anything else closes 4400' },
            },
          }
        : {}),
      messages,
      bindings: { ws: { method: 'GET', query: QUERY, headers: HEADERS, bindingVersion: '0.1.0' } },
    };
    const ref = { $ref: `#/channels/${channel.key}` };
    const refs = (keys: readonly string[]) =>
      keys.map((k) => ({ $ref: `#/channels/${channel.key}/messages/${k}` }));
    operations[`${channel.key}.receive`] = {
      action: 'receive',
      channel: ref,
      title: `${channel.title}: what the server sends`,
      messages: refs(received),
    };
    operations[`${channel.key}.send`] = {
      action: 'send',
      channel: ref,
      title: `${channel.title}: what a client may send (WebSocket only)`,
      messages: refs(sent),
    };
  }

  return plain({
    asyncapi: '3.0.0',
    info: {
      title: 'Amour Florals API: realtime channels',
      version: options.version,
      description: description(s),
      externalDocs: {
        description: 'The HTTP API (OpenAPI, Swagger UI)',
        url: `${options.secure ? 'https' : 'http'}://${options.host}/api/docs`,
      },
    },
    defaultContentType: 'application/json',
    servers,
    channels,
    operations,
    components: { messages: componentMessages },
    'x-close-codes': closeCodes(s),
  });
}
