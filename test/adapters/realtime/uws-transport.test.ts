import { expect } from 'chai';
import { once } from 'node:events';
import http from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import {
  CLOSE,
  type ConnectionEvents,
  type RealtimeConnection,
  type RealtimeEndpoint,
  type RealtimeRequest,
} from '../../../adapters/realtime/connection.js';
import { startUwsTransport, type UwsTransport } from '../../../adapters/realtime/uws-transport.js';

/**
 * The uWebSockets.js transport against a tiny endpoint of the test's own (the protocol has its own
 * contract suite, run against every transport): what the transport itself owes, i.e. paths,
 * the request it hands over, frames both ways, close codes, size limit, pongs, back-pressure
 * accounting, SSE framing and shutdown.
 */

interface Opened {
  readonly connection: RealtimeConnection;
  readonly request: RealtimeRequest;
  readonly messages: string[];
  pongs: number;
  closed: number;
}

class TinyEndpoint implements RealtimeEndpoint {
  readonly opened: Opened[] = [];
  /** What `open` does with a new connection (default: nothing; messages are echoed). */
  onOpen: (connection: RealtimeConnection, request: RealtimeRequest) => void = () => undefined;

  constructor(readonly limits = { maxMessageBytes: 256, maxBufferedBytes: 64 * 1024 }) {}

  matches(path: string): boolean {
    return /^(\/api)?\/api\/realtime\/(stock-updates|cart-sync|order-status\/[^/]+)$/.test(path);
  }

  selectProtocol(offered: readonly string[]): string | undefined {
    return offered.includes('amour.realtime.v1') ? 'amour.realtime.v1' : undefined;
  }

  open(connection: RealtimeConnection, request: RealtimeRequest): ConnectionEvents {
    const entry: Opened = { connection, request, messages: [], pongs: 0, closed: 0 };
    this.opened.push(entry);
    this.onOpen(connection, request);
    return {
      message: (text) => {
        entry.messages.push(text);
        const echo = { type: 'echo', id: entry.messages.length, data: text };
        connection.send(echo, JSON.stringify(echo), Buffer.from(JSON.stringify(echo)));
      },
      pong: () => {
        entry.pongs += 1;
      },
      closed: () => {
        entry.closed += 1;
      },
    };
  }

  async closeAll(): Promise<void> {
    for (const { connection } of this.opened) connection.close(CLOSE.goingAway, 'shutting down');
  }

  async nth(index: number): Promise<Opened> {
    await until(() => this.opened.length > index);
    return this.opened[index]!;
  }
}

async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString())));
}

/** An SSE request: the response object and everything it has received so far. */
async function openSse(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ res: http.IncomingMessage; body: () => string; req: http.ClientRequest }> {
  const req = http.get({
    host: '127.0.0.1',
    port,
    path,
    headers: { accept: 'text/event-stream', ...headers },
  });
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    body += chunk;
  });
  return { res, req, body: () => body };
}

describe('uWebSockets.js realtime transport (a tiny endpoint)', () => {
  let endpoint: TinyEndpoint;
  let transport: UwsTransport;
  const clients: WebSocket[] = [];
  const url = (path: string) => `ws://127.0.0.1:${transport.port}${path}`;

  const connect = (path: string, protocols: string[] = [], options: WebSocket.ClientOptions = {}) => {
    const socket = new WebSocket(url(path), protocols, options);
    socket.on('error', () => undefined); // a test expecting a failure checks the close or the response
    clients.push(socket);
    return socket;
  };

  beforeEach(async () => {
    endpoint = new TinyEndpoint();
    transport = await startUwsTransport(endpoint, { host: '127.0.0.1', port: 0 });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await transport.close();
  });

  it('listens on a free port when asked for port 0', () => {
    expect(transport.port).to.be.greaterThan(0);
  });

  it('hands the request over and echoes text frames both ways', async () => {
    const socket = connect('/api/realtime/stock-updates?products=a,b', ['bearer.tok', 'amour.realtime.v1'], {
      headers: { authorization: 'Bearer abc', 'last-event-id': '7' },
    });
    await once(socket, 'open');
    expect(socket.protocol).to.equal('amour.realtime.v1');
    const { request, connection } = await endpoint.nth(0);
    expect(connection.transport).to.equal('websocket');
    expect(request.path).to.equal('/api/realtime/stock-updates');
    expect(request.query.get('products')).to.equal('a,b');
    expect(request.protocols).to.deep.equal(['bearer.tok', 'amour.realtime.v1']);
    expect(request.authorization).to.equal('Bearer abc');
    expect(request.lastEventId).to.equal('7');
    expect(request.ip).to.match(/127\.0\.0\.1|:/);

    const reply = nextMessage(socket);
    socket.send('{"type":"ping"}');
    expect(JSON.parse(await reply)).to.deep.equal({ type: 'echo', id: 1, data: '{"type":"ping"}' });
    // also under /api/api/...
    const nested = connect('/api/api/realtime/order-status/abc');
    await once(nested, 'open');
    expect((await endpoint.nth(1)).request.path).to.equal('/api/api/realtime/order-status/abc');
  });

  it('answers no subprotocol when none is offered', async () => {
    const socket = connect('/api/realtime/cart-sync');
    await once(socket, 'open');
    expect(socket.protocol).to.equal('');
  });

  it('answers 404 to an upgrade or a GET on a path that is not a channel', async () => {
    const socket = connect('/api/realtime/nope');
    const [, res] = (await once(socket, 'unexpected-response')) as [unknown, http.IncomingMessage];
    expect(res.statusCode).to.equal(404);
    const get = await fetch(`http://127.0.0.1:${transport.port}/api/other`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(get.status).to.equal(404);
    expect(await get.json()).to.deep.equal({
      status: 'fail',
      message: 'Route /api/other not found',
      code: 'ROUTE_NOT_FOUND',
    });
    const post = await fetch(`http://127.0.0.1:${transport.port}/api/realtime/stock-updates`, {
      method: 'POST',
    });
    expect(post.status).to.equal(404);
    expect(endpoint.opened).to.have.length(0);
  });

  it('answers 426 to a plain GET on a channel (neither an upgrade nor text/event-stream)', async () => {
    const get = await fetch(`http://127.0.0.1:${transport.port}/api/realtime/stock-updates`);
    expect(get.status).to.equal(426);
    expect(((await get.json()) as { code: string }).code).to.equal('UPGRADE_REQUIRED');
    expect(endpoint.opened).to.have.length(0);
  });

  it('closes with the code and reason the protocol gives, and reports closed() once', async () => {
    const socket = connect('/api/realtime/order-status/x');
    await once(socket, 'open');
    const opened = await endpoint.nth(0);
    const closing = closeOf(socket);
    opened.connection.close(CLOSE.forbidden, 'another user’s order');
    opened.connection.close(CLOSE.notFound, 'twice is harmless');
    expect(await closing).to.deep.equal({ code: 4403, reason: 'another user’s order' });
    expect(opened.closed).to.equal(1);
    // Everything after close is a no-op, not a uWS "use after close" throw.
    opened.connection.send({ type: 'x', id: 1, data: null }, '{}', Buffer.from('{}'));
    opened.connection.heartbeat();
    opened.connection.terminate();
    expect(opened.connection.bufferedBytes()).to.equal(0);
  });

  it('cuts a close reason to the 123 bytes a close frame allows', async () => {
    const socket = connect('/api/realtime/stock-updates');
    await once(socket, 'open');
    const closing = closeOf(socket);
    (await endpoint.nth(0)).connection.close(CLOSE.badRequest, 'é'.repeat(100));
    const { code, reason } = await closing;
    expect(code).to.equal(4400);
    expect(Buffer.byteLength(reason)).to.be.at.most(123);
    expect(reason).to.equal('é'.repeat(61));
  });

  it('lets the protocol close a connection inside open (closed() still reported once)', async () => {
    endpoint.onOpen = (connection) => connection.close(CLOSE.badRequest, 'malformed path');
    const socket = connect('/api/realtime/order-status/%zz');
    expect(await closeOf(socket)).to.deep.equal({ code: 4400, reason: 'malformed path' });
    const opened = await endpoint.nth(0);
    await until(() => opened.closed === 1, 'closed()');
  });

  it('lets the protocol send inside open, on both kinds', async () => {
    endpoint.onOpen = (connection) => {
      const hello = { type: 'ready', id: 0, data: { transport: connection.transport } };
      connection.send(hello, JSON.stringify(hello), Buffer.from(JSON.stringify(hello)));
    };
    const socket = connect('/api/realtime/stock-updates');
    const first = nextMessage(socket);
    expect(JSON.parse(await first).data).to.deep.equal({ transport: 'websocket' });
    const sse = await openSse(transport.port, '/api/realtime/stock-updates');
    await until(() => sse.body().includes('event: ready'), 'the SSE ready');
    expect(sse.body()).to.include('data: {"type":"ready","id":0,"data":{"transport":"sse"}}');
    sse.req.destroy();
  });

  it('reports a client closing or vanishing as closed()', async () => {
    const a = connect('/api/realtime/stock-updates');
    const b = connect('/api/realtime/stock-updates');
    await Promise.all([once(a, 'open'), once(b, 'open')]);
    a.close(1000, 'bye');
    b.terminate();
    const [first, second] = [await endpoint.nth(0), await endpoint.nth(1)];
    await until(() => first.closed === 1 && second.closed === 1, 'both closed');
  });

  for (const size of [257, 10_000]) {
    it(`closes a message above maxMessageBytes (${size} bytes) with 1009, before the protocol sees it`, async () => {
      const socket = connect('/api/realtime/stock-updates');
      await once(socket, 'open');
      const closing = closeOf(socket);
      socket.send('x'.repeat(size));
      expect((await closing).code).to.equal(CLOSE.tooBig);
      expect((await endpoint.nth(0)).messages).to.deep.equal([]);
    });
  }

  it('cuts off a message far above any sane size at once (uWS never buffers it whole)', async () => {
    const socket = connect('/api/realtime/stock-updates');
    await once(socket, 'open');
    const closing = closeOf(socket);
    socket.send('x'.repeat(2 * 1024 * 1024));
    expect((await closing).code).to.be.oneOf([CLOSE.tooBig, 1006]);
    const opened = await endpoint.nth(0);
    expect(opened.messages).to.deep.equal([]);
    await until(() => opened.closed === 1, 'closed()');
  });

  it('takes a message of exactly maxMessageBytes', async () => {
    const socket = connect('/api/realtime/stock-updates');
    await once(socket, 'open');
    const reply = nextMessage(socket);
    socket.send('y'.repeat(256));
    expect(JSON.parse(await reply).data).to.have.length(256);
  });

  it('closes a binary frame with 1003', async () => {
    const socket = connect('/api/realtime/stock-updates');
    await once(socket, 'open');
    const closing = closeOf(socket);
    socket.send(Buffer.from('{"type":"ping"}'), { binary: true });
    expect((await closing).code).to.equal(CLOSE.unsupported);
    expect((await endpoint.nth(0)).messages).to.deep.equal([]);
  });

  it('pings on heartbeat() and forwards the pong', async () => {
    const socket = connect('/api/realtime/stock-updates');
    await once(socket, 'open');
    const opened = await endpoint.nth(0);
    const pinged = once(socket, 'ping');
    opened.connection.heartbeat();
    await pinged; // the ws client answers with a pong by itself
    await until(() => opened.pongs === 1, 'pong');
  });

  it('terminate() drops the connection without a close frame', async () => {
    const socket = connect('/api/realtime/stock-updates');
    await once(socket, 'open');
    const opened = await endpoint.nth(0);
    const closing = closeOf(socket);
    opened.connection.terminate();
    expect((await closing).code).to.equal(1006);
    expect(opened.closed).to.equal(1);
  });

  it('counts what a reader that does not read leaves queued (bufferedBytes), without dropping a message', async () => {
    const socket = connect('/api/realtime/stock-updates');
    await once(socket, 'open');
    const opened = await endpoint.nth(0);
    // The client stops reading: the kernel buffers fill, then uWS queues.
    (socket as unknown as { _socket: Socket })._socket.pause();
    const message = { type: 'stock.changed', id: 0, data: 'z'.repeat(16 * 1024) };
    let sent = 0;
    while (opened.connection.bufferedBytes() <= endpoint.limits.maxBufferedBytes && sent < 20_000) {
      sent += 1;
      const m = { ...message, id: sent };
      opened.connection.send(m, JSON.stringify(m), Buffer.from(JSON.stringify(m)));
      if (sent % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(opened.connection.bufferedBytes()).to.be.greaterThan(endpoint.limits.maxBufferedBytes);
    expect(opened.closed).to.equal(0); // uWS did not drop the consumer on its own
    // The protocol's decision: drop the slow consumer with 1013.
    opened.connection.close(CLOSE.tryAgainLater, 'slow consumer');
    expect(opened.closed).to.equal(1);
    expect(opened.connection.bufferedBytes()).to.equal(0);
  });

  it('gives the streams and answers CORS headers for CORS_ORIGINS only, and a request id', async () => {
    const cors = await startUwsTransport(endpoint, {
      host: '127.0.0.1',
      port: 0,
      corsOrigins: ['https://shop.example'],
    });
    try {
      const base = `http://127.0.0.1:${cors.port}/api/realtime/stock-updates`;
      const allowed = await openSse(cors.port, '/api/realtime/stock-updates', {
        origin: 'https://shop.example',
        'x-request-id': 'abc-123',
      });
      expect(allowed.res.headers['access-control-allow-origin']).to.equal('https://shop.example');
      expect(allowed.res.headers['access-control-allow-credentials']).to.equal('true');
      expect(allowed.res.headers['x-request-id']).to.equal('abc-123');
      allowed.req.destroy();
      const other = await fetch(base, { headers: { origin: 'https://evil.example' } });
      expect(other.status).to.equal(426);
      expect(other.headers.get('access-control-allow-origin')).to.equal(null);
      expect(other.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      const refusedId = await fetch(base, { headers: { 'x-request-id': 'not a sane id!' } });
      expect(refusedId.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    } finally {
      await cors.close();
    }
  });

  describe('Server-Sent Events', () => {
    it('streams messages as id/event/data lines and ends with a close event', async () => {
      const sse = await openSse(transport.port, '/api/api/realtime/cart-sync?token=t', {
        'last-event-id': '3',
        authorization: 'Bearer abc',
      });
      expect(sse.res.statusCode).to.equal(200);
      expect(sse.res.headers['content-type']).to.match(/^text\/event-stream/);
      const opened = await endpoint.nth(0);
      expect(opened.connection.transport).to.equal('sse');
      expect(opened.request.path).to.equal('/api/api/realtime/cart-sync');
      expect(opened.request.query.get('token')).to.equal('t');
      expect(opened.request.lastEventId).to.equal('3');
      expect(opened.request.authorization).to.equal('Bearer abc');
      expect(opened.request.protocols).to.deep.equal([]);

      const ready = { type: 'ready', id: 0, data: { resumed: false } };
      const event = { type: 'cart.updated', id: 4, data: { items: [] } };
      opened.connection.send(ready, JSON.stringify(ready), Buffer.from(JSON.stringify(ready)));
      opened.connection.send(event, JSON.stringify(event), Buffer.from(JSON.stringify(event)));
      opened.connection.heartbeat();
      const ended = once(sse.res, 'end');
      opened.connection.close(CLOSE.unauthorized, 'token revoked');
      opened.connection.close(CLOSE.unauthorized, 'again');
      await ended;
      const body = sse.body();
      const events = body
        .split('\n\n')
        .filter((block) => !block.startsWith(':') && !block.startsWith('retry:') && block !== '');
      expect(events).to.deep.equal([
        `event: ready\ndata: ${JSON.stringify(ready)}`,
        `id: 4\nevent: cart.updated\ndata: ${JSON.stringify(event)}`,
        `event: close\ndata: ${JSON.stringify({ code: 4401, reason: 'token revoked' })}`,
      ]);
      expect(body).to.include(': ping\n\n');
      expect(body.startsWith('retry: 2000\n\n')).to.equal(true);
      expect(opened.pongs).to.equal(1); // nothing was left queued at the heartbeat: a sign of life
      expect(opened.closed).to.equal(1);
      opened.connection.send(event, JSON.stringify(event), Buffer.from(JSON.stringify(event))); // after close: a no-op
    });

    it('reports a client that goes away as closed()', async () => {
      const sse = await openSse(transport.port, '/api/realtime/stock-updates');
      const opened = await endpoint.nth(0);
      sse.req.destroy();
      await until(() => opened.closed === 1, 'closed()');
      opened.connection.heartbeat(); // after abort: a no-op, not a throw
      opened.connection.close(CLOSE.goingAway, 'late');
      expect(opened.closed).to.equal(1);
    });

    it('counts what a reader that does not read leaves queued, and back to 0 once it reads', async () => {
      const sse = await openSse(transport.port, '/api/realtime/stock-updates');
      const opened = await endpoint.nth(0);
      sse.res.pause();
      sse.res.socket.pause();
      const message = { type: 'stock.changed', id: 1, data: 'z'.repeat(16 * 1024) };
      const json = JSON.stringify(message);
      let sent = 0;
      while (opened.connection.bufferedBytes() <= endpoint.limits.maxBufferedBytes && sent < 20_000) {
        sent += 1;
        opened.connection.send(message, json, Buffer.from(json));
        if (sent % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      expect(opened.connection.bufferedBytes()).to.be.greaterThan(endpoint.limits.maxBufferedBytes);
      opened.connection.heartbeat();
      expect(opened.pongs).to.equal(0); // a reader that does not read shows no sign of life
      sse.res.socket.resume();
      sse.res.resume();
      await until(() => opened.connection.bufferedBytes() === 0, 'the queue to drain');
      await until(() => sse.body().split('event: stock.changed').length - 1 === sent, 'every message');
      expect(opened.closed).to.equal(0);
    });
  });

  it('close() after endpoint.closeAll(): sockets got 1001, the port no longer answers', async () => {
    const socket = connect('/api/realtime/stock-updates');
    await once(socket, 'open');
    const sse = await openSse(transport.port, '/api/realtime/stock-updates');
    const closing = closeOf(socket);
    const ended = once(sse.res, 'end');
    await endpoint.nth(1);
    await endpoint.closeAll();
    expect((await closing).code).to.equal(CLOSE.goingAway);
    await ended;
    expect(sse.body()).to.include(`data: ${JSON.stringify({ code: 1001, reason: 'shutting down' })}`);
    await transport.close();
    let refused: unknown;
    try {
      await fetch(`http://127.0.0.1:${transport.port}/api/realtime/stock-updates`);
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(Error);
  });

  it('close() ends connections still open', async () => {
    const socket = connect('/api/realtime/stock-updates');
    await once(socket, 'open');
    const opened = await endpoint.nth(0);
    const closing = closeOf(socket);
    await transport.close();
    expect((await closing).code).to.equal(1006);
    expect(opened.closed).to.equal(1);
  });
});
