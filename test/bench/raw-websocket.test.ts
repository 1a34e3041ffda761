import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RawWebSocket, typeOfBytes } from '../../bench/raw-websocket.js';

/**
 * The bench's cheap reader against a real `ws` server: it must see exactly what the `ws` client
 * would (every message whole, whatever the frame length encoding or TCP split; the server's
 * close code; pings answered), or the bench's delivered / closed counts would lie.
 */
describe('bench/raw-websocket (the load generator reader)', () => {
  let wss: WebSocketServer;
  let port: number;
  let serverSide: Promise<WebSocket>;

  beforeEach(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await new Promise((r) => wss.once('listening', r));
    port = (wss.address() as AddressInfo).port;
    serverSide = new Promise((r) => wss.once('connection', r));
  });
  afterEach(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise((r) => wss.close(r));
  });

  function client(protocols?: string[]) {
    const got = { opened: undefined as string | undefined, messages: [] as string[], closes: [] as number[] };
    const events = { closed: undefined as Promise<number> | undefined };
    let resolveClosed!: (code: number) => void;
    events.closed = new Promise((r) => (resolveClosed = r));
    let resolveOpen!: () => void;
    const opened = new Promise<void>((r) => (resolveOpen = r));
    const raw = new RawWebSocket(
      { host: '127.0.0.1', port, path: '/x?a=1', ...(protocols ? { protocols } : {}) },
      {
        open: (protocol) => {
          got.opened = protocol ?? '';
          resolveOpen();
        },
        message: (payload) => got.messages.push(payload.toString('utf8')),
        close: (code) => {
          got.closes.push(code);
          resolveClosed(code);
        },
        error: () => undefined,
      },
    );
    return { raw, got, opened, closed: events.closed };
  }

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 400 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
  };

  it('reads every message whole: 7-bit, 16-bit and 64-bit lengths, many per chunk, split across chunks', async () => {
    const c = client(['amour.realtime.v1', 'bearer.t']);
    const server = await serverSide;
    await c.opened;
    expect(c.got.opened).to.equal('amour.realtime.v1');
    const sent = [
      JSON.stringify({ type: 'a', id: 1, data: 'é' }),
      'x'.repeat(125),
      'y'.repeat(126),
      'z'.repeat(65_535),
      'w'.repeat(65_536),
      'v'.repeat(300_000),
      ...Array.from({ length: 200 }, (_, i) => `{"type":"stock.changed","id":${i}}`),
    ];
    for (const text of sent) server.send(text);
    await until(() => c.got.messages.length >= sent.length);
    expect(c.got.messages).to.deep.equal(sent);
    c.raw.terminate();
  });

  it('answers pings with pongs carrying the same payload', async () => {
    const c = client();
    const server = await serverSide;
    await c.opened;
    const pong = new Promise<string>((r) => server.once('pong', (data: Buffer) => r(data.toString())));
    server.ping('hello');
    expect(await pong).to.equal('hello');
    c.raw.terminate();
  });

  it("reports the server's close code, and 1006 when the connection ends without a close frame", async () => {
    const first = client();
    const server = await serverSide;
    await first.opened;
    const serverClosed = new Promise<number>((r) => server.once('close', (code: number) => r(code)));
    server.close(4403, 'Forbidden');
    expect(await first.closed).to.equal(4403);
    // The reader answered the close frame: the server saw a clean close with the same code.
    expect(await serverClosed).to.equal(4403);
    expect(first.got.closes).to.deep.equal([4403]);

    serverSide = new Promise((r) => wss.once('connection', r));
    const second = client();
    (await serverSide).terminate();
    expect(await second.closed).to.equal(1006);
  });

  it('reports nothing for a connection it terminated itself', async () => {
    const c = client();
    await serverSide;
    await c.opened;
    c.raw.terminate();
    await new Promise((r) => setTimeout(r, 50));
    expect(c.got.closes).to.deep.equal([]);
  });

  it('typeOfBytes finds the type without parsing, and falls back to JSON.parse otherwise', () => {
    expect(typeOfBytes(Buffer.from('{"type":"stock.changed","id":3,"data":{}}'))).to.equal('stock.changed');
    expect(typeOfBytes(Buffer.from('{"id":3,"type":"ready","data":{}}'))).to.equal('ready');
    expect(typeOfBytes(Buffer.from('{"type":"a\\"b","id":1}'))).to.equal('a"b');
  });
});
