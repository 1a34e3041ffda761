import { randomUUID } from 'node:crypto';
import uWS from 'uWebSockets.js';
import type { RealtimeMessage } from '../../application/realtime/ports.js';
import { routeNotFoundBody } from '../http/errors.js';
import {
  CLOSE,
  type ConnectionEvents,
  type RealtimeConnection,
  type RealtimeEndpoint,
  type RealtimeRequest,
} from './connection.js';

/**
 * The realtime channels served by uWebSockets.js on a port of their own (REALTIME_UWS_PORT):
 * WebSocket upgrades and Server-Sent Events on the same paths as on the API port, speaking the
 * same protocol (the RealtimeEndpoint). Loaded only when config selects it (bootstrap imports this
 * module dynamically), so the embedded default never loads the native addon.
 *
 * uWS objects are valid only until they close: a WebSocket after its `close` handler, an
 * HttpResponse after `onAborted` or `end`. Every use after that throws, so each connection keeps a
 * `closed` flag and every method checks it first.
 */

export interface UwsTransportOptions {
  readonly host: string;
  /** 0 picks a free port (the answer says which). */
  readonly port: number;
  /**
   * Origins whose browsers may read the streams and answers (CORS_ORIGINS, as on the API port): a
   * storefront's EventSource on another origin needs Access-Control-Allow-Origin.
   */
  readonly corsOrigins?: readonly string[];
}

/** Headers every HTTP answer carries (CORS for the request's origin, the request id). */
type Headers = ReadonlyArray<readonly [string, string]>;

export interface UwsTransport {
  readonly port: number;
  /** Stops listening and ends whatever connection is still open (run endpoint.closeAll() first). */
  close(): Promise<void>;
}

/** What the upgrade hands to `open` through the socket's user data. */
interface SocketData {
  readonly request: RealtimeRequest;
  connection?: UwsWebSocketConnection;
}

/** EventSource reconnects after this long (the `retry:` line; the same as on the API port). */
const SSE_RETRY_MS = 2000;

const decoder = new TextDecoder('utf-8', { fatal: true });
const text = (buffer: ArrayBuffer): string => Buffer.from(buffer).toString('utf8');

/** A close reason within the 123 bytes a close frame allows (cut on a character boundary). */
function shortReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let cut = reason;
  while (Buffer.byteLength(cut) > 123) cut = cut.slice(0, -1);
  return cut;
}

class UwsWebSocketConnection implements RealtimeConnection {
  readonly transport = 'websocket' as const;
  events: ConnectionEvents | undefined;
  closed = false;
  /** The socket closed while the protocol was still opening it (before `events` was known). */
  closedEarly = false;

  constructor(
    private readonly ws: uWS.WebSocket<SocketData>,
    private readonly sockets: Set<UwsWebSocketConnection>,
  ) {}

  send(_message: RealtimeMessage, _json: string, bytes: Buffer): void {
    if (this.closed) return;
    let status = 1;
    // The shared bytes (uWS copies them into its buffer; a string would be encoded per send).
    this.ws.cork(() => {
      status = this.ws.send(bytes, false);
    });
    // 2 = dropped: uWS refused it past maxBackpressure. A lost message would break the channel's
    // order, so the connection ends as the slow consumer it is (normally the protocol's check of
    // bufferedBytes() drops it well before this).
    if (status === 2) this.close(CLOSE.tryAgainLater, 'slow consumer');
  }

  bufferedBytes(): number {
    return this.closed ? 0 : this.ws.getBufferedAmount();
  }

  heartbeat(): void {
    if (this.closed) return;
    this.ws.cork(() => {
      this.ws.ping();
    });
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    // end() runs the close handler at once: it marks the connection closed.
    this.ws.cork(() => this.ws.end(code, shortReason(reason)));
  }

  terminate(): void {
    if (this.closed) return;
    this.ws.close();
  }

  /** The close handler: the socket is gone (either side, or broken). */
  gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.sockets.delete(this);
    if (this.events) this.events.closed();
    else this.closedEarly = true;
  }
}

class UwsSseConnection implements RealtimeConnection {
  readonly transport = 'sse' as const;
  events: ConnectionEvents | undefined;
  closed = false;
  closedEarly = false;
  /**
   * Bytes written that the socket has not taken yet: uWS keeps what a write could not send and
   * says so (write answers false), but does not tell how much; counting every write from the
   * first refused one until a write goes through whole gives an upper bound.
   */
  private pending = 0;

  constructor(
    private readonly res: uWS.HttpResponse,
    private readonly streams: Set<UwsSseConnection>,
  ) {}

  /** Writes the headers and the `retry:` line (how long EventSource waits to reconnect). */
  start(headers: Headers): void {
    this.res.cork(() => {
      this.res.writeStatus('200 OK');
      for (const [name, value] of headers) this.res.writeHeader(name, value);
      this.res
        .writeHeader('Content-Type', 'text/event-stream; charset=utf-8')
        .writeHeader('Cache-Control', 'no-cache, no-transform')
        .writeHeader('X-Accel-Buffering', 'no');
      this.write(`retry: ${SSE_RETRY_MS}\n\n`);
    });
    // With a write handler registered, uWS leaves draining to it: writing a comment drains what
    // is queued first, and a write that goes through whole means the queue is empty.
    this.res.onWritable(() => {
      if (!this.closed) this.write(': \n\n');
      return true;
    });
  }

  send(message: RealtimeMessage, json: string): void {
    if (this.closed) return;
    const id = message.id > 0 ? `id: ${message.id}\n` : '';
    this.corked(`${id}event: ${message.type}\ndata: ${json}\n\n`);
  }

  bufferedBytes(): number {
    return this.closed ? 0 : this.pending;
  }

  /** A comment line. SSE has no pong: everything written so far having left is the sign of life. */
  heartbeat(): void {
    if (this.closed) return;
    if (this.pending === 0) this.events?.pong();
    this.corked(': ping\n\n');
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    const frame = `event: close\ndata: ${JSON.stringify({ code, reason: shortReason(reason) })}\n\n`;
    this.res.cork(() => {
      this.write(frame);
      this.res.end();
    });
    this.gone();
  }

  terminate(): void {
    if (this.closed) return;
    // close() runs onAborted at once: it marks the connection closed.
    this.res.close();
    this.gone();
  }

  /** The response ended or the client went away. */
  gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.streams.delete(this);
    if (this.events) this.events.closed();
    else this.closedEarly = true;
  }

  private corked(chunk: string): void {
    this.res.cork(() => this.write(chunk));
  }

  private write(chunk: string): void {
    const whole = this.res.write(chunk);
    if (whole) this.pending = 0;
    else this.pending += Buffer.byteLength(chunk);
  }
}

/** How large a message uWS takes in before the transport's own 1009 check (see maxPayloadLength). */
function payloadHeadroom(maxMessageBytes: number): number {
  return Math.min(Math.max(maxMessageBytes * 16, 64 * 1024), 16 * 1024 * 1024);
}

function splitProtocols(header: string): string[] {
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function readRequest(req: uWS.HttpRequest, res: uWS.HttpResponse, websocket: boolean): RealtimeRequest {
  const authorization = req.getHeader('authorization');
  const lastEventId = req.getHeader('last-event-id');
  return {
    path: req.getUrl(),
    query: new URLSearchParams(req.getQuery() ?? ''),
    protocols: websocket ? splitProtocols(req.getHeader('sec-websocket-protocol')) : [],
    ...(authorization !== '' ? { authorization } : {}),
    ...(lastEventId !== '' ? { lastEventId } : {}),
    ip: text(res.getRemoteAddressAsText()),
  };
}

/** An error answer in the API's envelope. */
function answer(res: uWS.HttpResponse, status: string, headers: Headers, body: object): void {
  res.cork(() => {
    res.writeStatus(status);
    for (const [name, value] of headers) res.writeHeader(name, value);
    res.writeHeader('Content-Type', 'application/json; charset=utf-8').end(JSON.stringify(body));
  });
}

/** The client's X-Request-Id when it is a sane one (as the API port takes it), else a new one. */
function requestIdOf(req: uWS.HttpRequest): string {
  const given = req.getHeader('x-request-id');
  return /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

/** Listens on `options.host`:`options.port` and serves `endpoint` until `close()`. */
export function startUwsTransport(
  endpoint: RealtimeEndpoint,
  options: UwsTransportOptions,
): Promise<UwsTransport> {
  const { maxMessageBytes, maxBufferedBytes } = endpoint.limits;
  const sockets = new Set<UwsWebSocketConnection>();
  const streams = new Set<UwsSseConnection>();
  const allowedOrigins = new Set(options.corsOrigins ?? []);

  /** Read while the request is valid (uWS requests live only during the handler). */
  const headersFor = (req: uWS.HttpRequest): Headers => {
    const origin = req.getHeader('origin');
    const cors: Headers = allowedOrigins.has(origin)
      ? [
          ['Access-Control-Allow-Origin', origin],
          ['Access-Control-Allow-Credentials', 'true'],
          ['Vary', 'Origin'],
        ]
      : [];
    return [...cors, ['X-Request-Id', requestIdOf(req)]];
  };

  const notFound = (res: uWS.HttpResponse, req: uWS.HttpRequest) => {
    const query = req.getQuery();
    const url = query ? `${req.getUrl()}?${query}` : req.getUrl();
    answer(res, '404 Not Found', headersFor(req), routeNotFoundBody(url));
  };

  const app = uWS.App();
  app.ws<SocketData>('/*', {
    // uWS ends a connection whose message passes maxPayloadLength abruptly (1006, no close
    // frame), so it gets headroom and the message handler closes anything above maxMessageBytes
    // with a proper 1009; only a message past the headroom too is cut off at once.
    maxPayloadLength: payloadHeadroom(maxMessageBytes),
    // Far above REALTIME_MAX_BUFFERED_BYTES: the protocol's bufferedBytes() check drops a slow
    // consumer (1013) long before uWS would start dropping messages silently.
    maxBackpressure: maxBufferedBytes * 4 + 1024 * 1024,
    closeOnBackpressureLimit: 0,
    // The protocol sends its own heartbeats and ends dead peers.
    idleTimeout: 0,
    sendPingsAutomatically: false,
    compression: uWS.DISABLED,
    upgrade: (res, req, context) => {
      const path = req.getUrl();
      if (!endpoint.matches(path)) {
        notFound(res, req);
        return;
      }
      const request = readRequest(req, res, true);
      const key = req.getHeader('sec-websocket-key');
      const extensions = req.getHeader('sec-websocket-extensions');
      const protocol = endpoint.selectProtocol(request.protocols) ?? '';
      res.upgrade<SocketData>({ request }, key, protocol, extensions, context);
    },
    open: (ws) => {
      const data = ws.getUserData();
      const connection = new UwsWebSocketConnection(ws, sockets);
      data.connection = connection;
      sockets.add(connection);
      const events = endpoint.open(connection, data.request);
      connection.events = events;
      if (connection.closedEarly) events.closed();
    },
    message: (ws, message, isBinary) => {
      const connection = ws.getUserData().connection;
      if (!connection || connection.closed || !connection.events) return;
      if (message.byteLength > maxMessageBytes) {
        connection.close(CLOSE.tooBig, 'message too big');
        return;
      }
      if (isBinary) {
        connection.close(CLOSE.unsupported, 'text messages only');
        return;
      }
      let body: string;
      try {
        body = decoder.decode(message);
      } catch {
        connection.close(CLOSE.unsupported, 'invalid UTF-8');
        return;
      }
      connection.events.message(body);
    },
    pong: (ws) => {
      const connection = ws.getUserData().connection;
      if (connection && !connection.closed) connection.events?.pong();
    },
    close: (ws) => {
      ws.getUserData().connection?.gone();
    },
  });

  /** Answers a GET or HEAD that is not a stream to open; true when it did. */
  const refused = (res: uWS.HttpResponse, req: uWS.HttpRequest): boolean => {
    if (!endpoint.matches(req.getUrl())) {
      notFound(res, req);
      return true;
    }
    if (!req.getHeader('accept').includes('text/event-stream')) {
      answer(res, '426 Upgrade Required', headersFor(req), {
        status: 'error',
        message: 'A realtime channel answers a WebSocket upgrade or a GET with Accept: text/event-stream',
        code: 'UPGRADE_REQUIRED',
      });
      return true;
    }
    return false;
  };

  app.get('/*', (res, req) => {
    if (refused(res, req)) return;
    const request = readRequest(req, res, false);
    const headers = headersFor(req);
    const connection = new UwsSseConnection(res, streams);
    res.onAborted(() => connection.gone());
    streams.add(connection);
    connection.start(headers);
    const events = endpoint.open(connection, request);
    connection.events = events;
    if (connection.closedEarly) events.closed();
  });

  // HEAD (as on the API port): the stream's headers, no stream to hold open.
  app.head('/*', (res, req) => {
    if (refused(res, req)) return;
    const headers = headersFor(req);
    res.cork(() => {
      res.writeStatus('200 OK');
      for (const [name, value] of headers) res.writeHeader(name, value);
      res
        .writeHeader('Content-Type', 'text/event-stream; charset=utf-8')
        .writeHeader('Cache-Control', 'no-cache')
        .endWithoutBody();
    });
  });

  app.any('/*', notFound);

  return new Promise((resolve, reject) => {
    app.listen(options.host, options.port, (listenSocket) => {
      if (listenSocket === false) {
        reject(new Error(`uWebSockets.js could not listen on ${options.host}:${options.port}`));
        return;
      }
      let open = true;
      resolve({
        port: uWS.us_socket_local_port(listenSocket as unknown as uWS.us_socket),
        close: async () => {
          if (!open) return;
          open = false;
          uWS.us_listen_socket_close(listenSocket);
          for (const connection of [...sockets]) connection.terminate();
          for (const connection of [...streams]) connection.terminate();
        },
      });
    });
  });
}
