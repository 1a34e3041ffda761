import { expect } from 'chai';
import { Err, Ok } from '../../../domain/shared/result.js';
import type { Principal } from '../../../domain/identity/user.js';
import type { ChannelName, RealtimeHub, RealtimeMessage } from '../../../application/realtime/ports.js';
import type { RealtimeGateway } from '../../../application/realtime/gateway.js';
import type { AppLogger } from '../../../application/shared/ports.js';
import { MemoryRealtimeHub } from '../../../adapters/realtime/memory-hub.js';
import {
  RealtimeProtocol,
  REALTIME_SUBPROTOCOL,
  type RealtimeLimits,
} from '../../../adapters/realtime/protocol.js';
import type {
  ConnectionEvents,
  RealtimeConnection,
  RealtimeRequest,
} from '../../../adapters/realtime/connection.js';

/**
 * The protocol on its own, driven through fake connections (the transports' suite,
 * test/contract/realtime/transport.test.ts, drives it over real sockets): what a connection is
 * sent, when it is closed and with which code, and what it holds of the hub.
 */

const principal = (id: string, role = 'customer') => ({ user: { id, role } }) as unknown as Principal;
const TOKENS: Record<string, Principal> = {
  alice: principal('alice'),
  bob: principal('bob'),
  admin: principal('root', 'admin'),
};
const ORDERS: Record<string, string> = { o1: 'alice' };

class FakeGateway implements RealtimeGateway {
  readonly revoked = new Set<string>();
  snapshots = 0;
  /** When set, snapshot() waits for it (to publish while a connection opens). */
  gate: Promise<void> | null = null;
  async authenticate(token: string) {
    const p = TOKENS[token];
    return p && !this.revoked.has(token)
      ? Ok(p)
      : Err({ code: 'NOT_AUTHENTICATED' as const, message: 'Invalid token' });
  }
  async authorize(request: Parameters<RealtimeGateway['authorize']>[0], p: Principal | null) {
    if (request.kind === 'stock') return Ok('stock' as ChannelName);
    if (!p) return Err({ code: 'NOT_AUTHENTICATED' as const, message: 'Sign in' });
    if (request.kind === 'cart') return Ok(`cart:${p.user.id}` as ChannelName);
    if (request.orderId === 'boom') return Err({ code: 'PAYMENT_GATEWAY_FAILED' as const, message: 'x' });
    if (request.orderId === 'malformed')
      return Err({ code: 'VALIDATION_FAILED' as const, message: 'bad id' });
    const owner = ORDERS[request.orderId];
    if (!owner) return Err({ code: 'ORDER_NOT_FOUND' as const, message: 'Order not found' });
    if (owner !== p.user.id && p.user.role !== 'admin')
      return Err({ code: 'FORBIDDEN' as const, message: 'Not yours' });
    return Ok(`order:${request.orderId}` as ChannelName);
  }
  async snapshot(channel: ChannelName, _p: Principal | null, selection?: unknown) {
    this.snapshots += 1;
    if (this.gate) await this.gate;
    return Ok({ channel, selection } as never);
  }
}

class FakeConnection implements RealtimeConnection {
  readonly sent: RealtimeMessage[] = [];
  readonly json: string[] = [];
  readonly bytes: Buffer[] = [];
  buffered = 0;
  probes = 0;
  closedWith: { code: number; reason: string } | null = null;
  terminated = false;
  /** A peer that never finishes a close handshake (it stopped reading). */
  stuck = false;
  events!: ConnectionEvents;
  constructor(readonly transport: 'websocket' | 'sse' = 'websocket') {}
  send(message: RealtimeMessage, json: string, bytes: Buffer): void {
    this.sent.push(message);
    this.json.push(json);
    this.bytes.push(bytes);
  }
  bufferedBytes(): number {
    return this.buffered;
  }
  heartbeat(): void {
    this.probes += 1;
  }
  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
    if (!this.stuck) setImmediate(() => this.events.closed());
  }
  terminate(): void {
    this.terminated = true;
    setImmediate(() => this.events.closed());
  }
  types(): string[] {
    return this.sent.map((m) => m.type);
  }
}

/** Counts the hub subscriptions held. */
class CountingHub implements RealtimeHub {
  subscriptions = 0;
  constructor(readonly inner: MemoryRealtimeHub) {}
  publish(...args: Parameters<RealtimeHub['publish']>) {
    return this.inner.publish(...args);
  }
  subscribe(channel: ChannelName, listener: (message: RealtimeMessage) => void) {
    this.subscriptions += 1;
    const off = this.inner.subscribe(channel, listener);
    return () => {
      this.subscriptions -= 1;
      off();
    };
  }
  since(channel: ChannelName, lastId: number) {
    return this.inner.since(channel, lastId);
  }
  lastId(channel: ChannelName) {
    return this.inner.lastId(channel);
  }
}

const LIMITS: RealtimeLimits = {
  heartbeatMs: 40,
  authTimeoutMs: 80,
  authRecheckMs: 50,
  maxMessageBytes: 256,
  maxBufferedBytes: 1000,
  maxMessages: 5,
  messageWindowMs: 60_000,
};

const silent: AppLogger & { errors: string[] } = {
  errors: [],
  info: () => undefined,
  warn: () => undefined,
  error(message: string) {
    this.errors.push(message);
  },
};

const until = async (check: () => boolean, what: string, ms = 2000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

function setup(limits: Partial<RealtimeLimits> = {}, replayMax = 100) {
  const gateway = new FakeGateway();
  const hub = new CountingHub(new MemoryRealtimeHub({ maxMessages: replayMax, ttlSeconds: 3600 }));
  const protocol = new RealtimeProtocol(gateway, hub, { ...LIMITS, ...limits }, silent);
  const open = (path: string, request: Partial<Omit<RealtimeRequest, 'query'>> & { query?: string } = {}) => {
    const connection = new FakeConnection();
    connection.events = protocol.open(connection, {
      path,
      protocols: [],
      ip: '127.0.0.1',
      ...request,
      query: new URLSearchParams(request.query ?? ''),
    });
    return connection;
  };
  const ready = async (c: FakeConnection, type = 'ready') =>
    until(() => c.types().includes(type) || c.closedWith !== null, type);
  const closed = async (c: FakeConnection) => until(() => c.closedWith !== null || c.terminated, 'close');
  return { gateway, hub, protocol, open, ready, closed };
}

const ORDER = '/api/realtime/order-status/o1';
const STOCK = '/api/realtime/stock-updates';
const CART = '/api/realtime/cart-sync';

describe('RealtimeProtocol', () => {
  describe('opening', () => {
    it('sends ready with the snapshot and the channel last id on every channel, under /api and /api/api', async () => {
      const { hub, open, ready } = setup();
      await hub.publish('order:o1', 'order.status', { n: 1 }, 'e1');
      const order = open(ORDER, { query: 'token=alice' });
      const cart = open('/api/api/realtime/cart-sync', { query: 'token=bob' });
      const stock = open(STOCK);
      await Promise.all([ready(order), ready(cart), ready(stock)]);
      expect(order.sent[0]).to.deep.equal({
        type: 'ready',
        id: 1,
        data: { snapshot: { channel: 'order:o1', selection: undefined }, resumed: false },
      });
      expect(cart.sent[0]!.data).to.deep.include({ snapshot: { channel: 'cart:bob', selection: undefined } });
      expect(stock.sent[0]).to.deep.equal({
        type: 'ready',
        id: 0,
        data: { snapshot: { products: [] }, resumed: false },
      });
    });

    it('takes the token from the subprotocol, the query, the Authorization header or an auth message', async () => {
      const { open, ready } = setup();
      const viaProtocol = open(ORDER, { protocols: [REALTIME_SUBPROTOCOL, 'bearer.alice'] });
      const viaQuery = open(ORDER, { query: 'token=alice' });
      const viaHeader = open(ORDER, { authorization: 'Bearer alice' });
      const viaMessage = open(ORDER);
      viaMessage.events.message(JSON.stringify({ type: 'auth', token: 'alice' }));
      for (const c of [viaProtocol, viaQuery, viaHeader, viaMessage]) {
        await ready(c);
        expect(c.types()).to.deep.equal(['ready']);
      }
    });

    it('closes 4401 without a token in time, with a bad token, and when the token is revoked later', async () => {
      const { gateway, open, closed } = setup();
      const silentClient = open(CART);
      const badToken = open(CART, { query: 'token=mallory' });
      const later = open(CART, { query: 'token=bob' });
      await Promise.all([closed(silentClient), closed(badToken)]);
      expect(silentClient.closedWith!.code).to.equal(4401);
      expect(badToken.closedWith!.code).to.equal(4401);
      expect(later.closedWith).to.equal(null);
      gateway.revoked.add('bob');
      await closed(later);
      expect(later.closedWith).to.deep.include({ code: 4401 });
    });

    it('maps failures through one table: 4403 another user, 4404 unknown, 4400 malformed, 1011 anything else', async () => {
      const { open, closed } = setup();
      const cases: [string, number][] = [
        ['/api/realtime/order-status/o1?token=bob', 4403],
        ['/api/realtime/order-status/nope?token=bob', 4404],
        ['/api/realtime/order-status/malformed?token=bob', 4400],
        ['/api/realtime/order-status/bad%20id?token=bob', 4400],
        ['/api/realtime/order-status/boom?token=bob', 1011],
      ];
      for (const [url, code] of cases) {
        const [path, query] = url.split('?') as [string, string];
        const c = open(path, { query });
        await closed(c);
        expect(c.closedWith!.code, url).to.equal(code);
      }
      expect(silent.errors).to.include('realtime: unexpected gateway failure');
      const admin = open(ORDER, { query: 'token=admin' });
      await until(() => admin.sent.length > 0, 'admin ready');
      expect(admin.types()).to.deep.equal(['ready']);
    });

    it('answers amour.realtime.v1 when offered, else echoes a lone bearer protocol', () => {
      const { protocol } = setup();
      expect(protocol.selectProtocol(['bearer.x', REALTIME_SUBPROTOCOL])).to.equal(REALTIME_SUBPROTOCOL);
      expect(protocol.selectProtocol(['bearer.x'])).to.equal('bearer.x');
      expect(protocol.selectProtocol(['chat'])).to.equal(undefined);
      expect(protocol.matches('/api/api/realtime/stock-updates')).to.equal(true);
      expect(protocol.matches('/api/realtime/order-status/')).to.equal(true);
      expect(protocol.matches('/api/realtime/other')).to.equal(false);
    });
  });

  describe('messages', () => {
    it('shares ONE hub subscription per channel, serializes and encodes each message once, and releases it with the last connection', async () => {
      const { hub, protocol, open, ready } = setup();
      const clients = [
        open(ORDER, { query: 'token=alice' }),
        open(ORDER, { query: 'token=admin' }),
        open(ORDER, { query: 'token=alice' }),
      ];
      await Promise.all(clients.map((c) => ready(c)));
      expect(hub.subscriptions).to.equal(1);
      let serialized = 0;
      await hub.publish(
        'order:o1',
        'order.status',
        { toJSON: () => ((serialized += 1), { status: 'shipped' }) },
        'e1',
      );
      expect(serialized).to.equal(1);
      for (const c of clients)
        expect(c.json.at(-1)).to.equal('{"type":"order.status","id":1,"data":{"status":"shipped"}}');
      // The same UTF-8 bytes object for every connection (transports send it as is).
      const bytes = clients[0]!.bytes.at(-1)!;
      expect(bytes.toString('utf8')).to.equal(clients[0]!.json.at(-1));
      for (const c of clients) expect(c.bytes.at(-1)).to.equal(bytes);
      // Control messages are encoded too: every send's bytes are its JSON's UTF-8.
      for (const c of clients)
        c.json.forEach((json, i) => expect(c.bytes[i]!.equals(Buffer.from(json, 'utf8'))).to.equal(true));
      for (const c of clients) c.events.closed();
      expect(hub.subscriptions).to.equal(0);
      expect(protocol.stats()).to.deep.equal({ connections: 0, subscriptions: 0, closing: 0 });
    });

    it('keeps delivering to the other connections when sending to one throws', async () => {
      const { hub, open, ready, closed } = setup();
      const broken = open(STOCK, { query: 'all=true' });
      const fine = open(STOCK, { query: 'all=true' });
      await Promise.all([ready(broken), ready(fine)]);
      broken.send = () => {
        throw new Error('socket gone');
      };
      await hub.publish('stock', 'stock.changed', { productId: 'p1' }, 'x');
      expect(fine.types()).to.deep.equal(['ready', 'stock.changed']);
      await closed(broken);
      expect(broken.closedWith!.code).to.equal(1011);
    });

    it('neither loses nor repeats a message published while the connection opens', async () => {
      const { gateway, hub, open, ready } = setup();
      let release!: () => void;
      gateway.gate = new Promise((r) => (release = r));
      const c = open(ORDER, { query: 'token=alice' });
      await until(() => gateway.snapshots === 1, 'snapshot asked');
      await hub.publish('order:o1', 'order.status', { n: 1 }, 'e1');
      release();
      await ready(c);
      await until(() => c.sent.length === 2, 'held message');
      expect(c.sent.map((m) => `${m.type}#${m.id}`)).to.deep.equal(['ready#0', 'order.status#1']);
    });

    it('resumes after a last event id: the missed events in order, then ready resumed; resync when the window is gone', async () => {
      const { hub, open, ready } = setup({}, 3);
      for (let i = 1; i <= 5; i += 1) await hub.publish('order:o1', 'order.status', { n: i }, `e${i}`);
      const resumed = open(ORDER, { query: 'token=alice', lastEventId: '3' });
      await ready(resumed);
      expect(resumed.sent.map((m) => `${m.type}#${m.id}`)).to.deep.equal([
        'order.status#4',
        'order.status#5',
        'ready#5',
      ]);
      expect(resumed.sent.at(-1)!.data).to.deep.include({ resumed: true });
      const tooOld = open(ORDER, { query: 'token=alice&lastEventId=1' });
      await ready(tooOld, 'resync');
      expect(tooOld.sent).to.deep.equal([
        { type: 'resync', id: 5, data: { state: { channel: 'order:o1', selection: undefined } } },
      ]);
      // A resume message after ready replays from that id.
      resumed.events.message(JSON.stringify({ type: 'resume', lastEventId: 4 }));
      await until(() => resumed.sent.length === 5, 'replay');
      expect(resumed.sent.slice(3).map((m) => `${m.type}#${m.id}`)).to.deep.equal([
        'order.status#5',
        'ready#5',
      ]);
    });

    it('filters the stock channel by each connection selection (URL and subscribe/unsubscribe messages)', async () => {
      const { hub, open, ready } = setup();
      const some = open(STOCK, { query: 'products=p1,p2' });
      const all = open(STOCK, { query: 'all=true' });
      const none = open(STOCK);
      await Promise.all([ready(some), ready(all), ready(none)]);
      none.events.message(JSON.stringify({ type: 'subscribe', productIds: ['p3'] }));
      await ready(none, 'subscribed');
      expect(none.sent.at(-1)!.data).to.deep.include({ all: false, productIds: ['p3'] });
      some.events.message(JSON.stringify({ type: 'unsubscribe', productIds: ['p2'] }));
      await ready(some, 'subscribed');
      for (const p of ['p1', 'p2', 'p3']) await hub.publish('stock', 'stock.changed', { productId: p }, p);
      const ids = (c: FakeConnection) =>
        c.sent
          .filter((m) => m.type === 'stock.changed')
          .map((m) => (m.data as { productId: string }).productId);
      expect(ids(some)).to.deep.equal(['p1']);
      expect(ids(all)).to.deep.equal(['p1', 'p2', 'p3']);
      expect(ids(none)).to.deep.equal(['p3']);
    });

    it('answers ping with pong, and bad JSON or an unknown type with an error message while staying open', async () => {
      const { open, ready } = setup();
      const c = open(STOCK);
      await ready(c);
      c.events.message('{not json');
      c.events.message(JSON.stringify({ type: 'dance' }));
      c.events.message(JSON.stringify({ type: 'ping' }));
      await until(() => c.sent.length === 4, 'answers');
      expect(c.types()).to.deep.equal(['ready', 'error', 'error', 'pong']);
      expect((c.sent[1]!.data as { code: string }).code).to.equal('MALFORMED_MESSAGE');
      expect((c.sent[2]!.data as { code: string }).code).to.equal('UNKNOWN_TYPE');
      expect(c.closedWith).to.equal(null);
    });

    it('checks every client message against its published schema (message-schemas.ts), naming what is wrong', async () => {
      // Limits raised: 501 product ids are a large message, and these are many messages.
      const { open, ready } = setup({ maxMessageBytes: 65_536, maxMessages: 100 });
      const refused = [
        { type: 'auth', token: '' },
        { type: 'resume', lastEventId: -1 },
        { type: 'resume', lastEventId: 'twelve' },
        { type: 'subscribe', productIds: [] },
        { type: 'subscribe', productIds: ['not an id!'] },
        { type: 'subscribe', productIds: Array.from({ length: 501 }, (_, i) => `p${i}`) },
        { type: 'unsubscribe' },
      ];
      const c = open(STOCK);
      await ready(c);
      for (const m of refused) c.events.message(JSON.stringify(m));
      await until(() => c.sent.length === 1 + refused.length, 'answers');
      const errors = c.sent.slice(1).map((m) => m.data as { code: string; message: string });
      expect(errors.map((e) => e.code)).to.deep.equal(refused.map(() => 'VALIDATION_FAILED'));
      expect(errors[4]!.message).to.match(/^subscribe: .*pattern.* at \/productIds\/0$/);
      expect(c.closedWith).to.equal(null);
      // A resume id given as its digits is accepted (what a Last-Event-ID header carries).
      c.events.message(JSON.stringify({ type: 'resume', lastEventId: '0' }));
      await until(() => c.sent.length > 1 + refused.length, 'the resume');
      expect(c.sent.at(-1)!.type).to.not.equal('error');
    });
  });

  describe('limits', () => {
    it('closes 4429 past maxMessages within the window, 1009 past maxMessageBytes', async () => {
      const { open, closed } = setup();
      const flood = open(STOCK);
      for (let i = 0; i < 6; i += 1) flood.events.message(JSON.stringify({ type: 'ping' }));
      await closed(flood);
      expect(flood.closedWith!.code).to.equal(4429);
      const big = open(STOCK);
      big.events.message(JSON.stringify({ type: 'ping', pad: 'x'.repeat(300) }));
      await closed(big);
      expect(big.closedWith!.code).to.equal(1009);
    });

    it('closes a slow consumer 1013 and sends it nothing more', async () => {
      const { hub, open, ready, closed } = setup();
      const c = open(STOCK, { query: 'all=true' });
      await ready(c);
      await hub.publish('stock', 'stock.changed', { productId: 'p1' }, 'a');
      c.buffered = 5000;
      await hub.publish('stock', 'stock.changed', { productId: 'p1' }, 'b');
      await closed(c);
      expect(c.closedWith!.code).to.equal(1013);
      const sent = c.sent.length;
      await hub.publish('stock', 'stock.changed', { productId: 'p1' }, 'c');
      expect(c.sent.length).to.equal(sent);
    });

    it('probes every heartbeat and terminates a peer that answered none of the last two probes', async () => {
      const { open, ready } = setup();
      const dead = open(STOCK);
      const alive = open(STOCK);
      await Promise.all([ready(dead), ready(alive)]);
      const answering = setInterval(() => alive.events.pong(), 10);
      try {
        await until(() => dead.terminated, 'dead peer terminated');
        // On a loaded machine the heartbeat that ends the dead peer may come before the live one's
        // third probe: wait for it rather than read it at that instant.
        await until(() => alive.probes > 2 || alive.terminated, 'live peer probed again');
        expect(dead.probes).to.equal(2);
        expect(alive.terminated).to.equal(false);
        expect(alive.probes).to.be.greaterThan(2);
      } finally {
        clearInterval(answering);
        alive.events.closed();
      }
    });

    it('closeAll closes every connection with 1001 and resolves when they are gone; later ones are refused', async () => {
      const { protocol, open, ready } = setup();
      const clients = [open(STOCK), open(CART, { query: 'token=bob' }), open(ORDER)];
      await Promise.all(clients.slice(0, 2).map((c) => ready(c)));
      await protocol.closeAll();
      for (const c of clients) expect(c.closedWith!.code).to.equal(1001);
      expect(protocol.stats().connections).to.equal(0);
      const late = open(STOCK);
      expect(late.closedWith!.code).to.equal(1001);
    });

    it('closeAll cuts off a connection that does not finish closing within the grace', async () => {
      const { protocol, open, ready } = setup();
      const stuck = open(STOCK);
      stuck.stuck = true;
      await ready(stuck);
      await protocol.closeAll(50);
      expect(stuck.closedWith!.code).to.equal(1001);
      expect(stuck.terminated).to.equal(true);
      expect(protocol.stats().connections).to.equal(0);
    });

    it('keeps no timer, connection or hub subscription after many connections open and close', async () => {
      const { hub, protocol, open, ready } = setup();
      const clients: FakeConnection[] = [];
      for (let i = 0; i < 200; i += 1) {
        clients.push(
          open(i % 3 === 0 ? STOCK : i % 3 === 1 ? CART : ORDER, {
            query: i % 2 ? 'token=alice' : 'token=bob',
          }),
        );
      }
      await Promise.all(clients.map((c) => ready(c)));
      expect(hub.subscriptions).to.be.greaterThan(0);
      for (const c of clients) c.events.closed();
      expect(hub.subscriptions).to.equal(0);
      expect(protocol.stats()).to.deep.equal({ connections: 0, subscriptions: 0, closing: 0 });
      const probes = clients.map((c) => c.probes);
      await new Promise((r) => setTimeout(r, LIMITS.heartbeatMs * 3));
      expect(clients.map((c) => c.probes)).to.deep.equal(probes);
    });
  });
});
