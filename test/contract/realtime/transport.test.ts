import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { REALTIME_HUB, orderChannel, type RealtimeHub } from '../../../application/realtime/ports.js';
import {
  REALTIME_ENDPOINT,
  REALTIME_SUBPROTOCOL,
  type RealtimeProtocol,
} from '../../../adapters/realtime/protocol.js';
import { loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct, testId } from '../../support/kit.js';
import {
  connectRealtime,
  openEventStream,
  openWebSocket,
  type RealtimeClient,
} from '../../support/realtime-client.js';
import { REALTIME_TRANSPORTS, type RunningTransport } from '../../support/realtime-transports.js';

/**
 * ONE suite for every realtime transport (test/support/realtime-transports.ts lists them), each
 * over a real application on a real port: the protocol as a client sees it. Rows that have no
 * meaning on Server-Sent Events (client messages, subprotocols, ping frames) say so in their name.
 */

const ENV = {
  REALTIME_HEARTBEAT_MS: '100',
  REALTIME_AUTH_TIMEOUT_MS: '300',
  REALTIME_AUTH_RECHECK_MS: '200',
  REALTIME_REPLAY_MAX: '5',
  REALTIME_MAX_MESSAGE_BYTES: '1024',
  REALTIME_MAX_MESSAGES: '10',
  REALTIME_MESSAGE_WINDOW_MS: '60000',
};

const until = async (check: () => boolean, what: string, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

for (const transport of REALTIME_TRANSPORTS) {
  const ws = transport.kind === 'websocket';
  const wsOnly = (title: string, reason: string, fn: () => Promise<void>) =>
    ws ? it(title, fn) : it.skip(`${title} — not on SSE: ${reason}`);

  describe(`contract/realtime transport: ${transport.name}`, function () {
    this.timeout(20_000);
    let running: RunningTransport;
    let t: TestApp;
    let shopper: { token: string; user: { _id: string } };
    let other: { token: string };
    let admin: string;
    let productId: string;
    let orderId: string;
    const clients: RealtimeClient[] = [];

    const open = async (path: string, options: Parameters<typeof connectRealtime>[1] = {}) => {
      const client = await connectRealtime(`${running.baseUrl}${path}`, options);
      clients.push(client);
      return client;
    };
    const endpoint = () => t.container.get<RealtimeProtocol>(REALTIME_ENDPOINT);
    const hub = () => t.container.get<RealtimeHub>(REALTIME_HUB);

    const placeOrder = async (token = shopper.token) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/orders',
        token,
        body: { items: [{ product: productId, quantity: 1 }], shippingAddress: ADDRESS },
      });
      expect(res.statusCode, res.body).to.equal(201);
      return res.json().data.order._id as string;
    };
    const setStatus = async (id: string, status: string) => {
      const res = await t.request({
        method: 'PUT',
        url: `/api/admin/orders/${id}/status`,
        token: admin,
        body: { status },
      });
      expect(res.statusCode, res.body).to.equal(200);
    };

    before(async () => {
      running = await transport.start(ENV);
      t = running.t;
      shopper = await registerUser(t);
      other = await registerUser(t);
      admin = await loginAdmin(t);
      productId = (
        await t.container
          .get<ProductRepository>(PRODUCT_REPOSITORY)
          .create(aProduct({ inventory: { stock: 1000, lowStockThreshold: 10, isAvailable: true } }))
      ).id;
      orderId = await placeOrder();
    });
    afterEach(() => {
      for (const client of clients.splice(0)) client.close();
    });
    after(async () => running.close());

    describe('opening', () => {
      it('order channel: ready with the order snapshot (also under /api/api)', async () => {
        for (const prefix of ['/api', '/api/api']) {
          const c = await open(`${prefix}/realtime/order-status/${orderId}?token=${shopper.token}`);
          const ready = await c.next('ready');
          expect(ready.data).to.deep.include({ resumed: false });
          expect((ready.data as { snapshot: { orderId: string } }).snapshot.orderId).to.equal(orderId);
        }
      });

      it('stock channel: public, ready with the stock of the products asked for', async () => {
        const c = await open(`/api/realtime/stock-updates?products=${productId}`);
        const ready = await c.next('ready');
        const products = (ready.data as { snapshot: { products: { productId: string }[] } }).snapshot
          .products;
        expect(products.map((p) => p.productId)).to.deep.equal([productId]);
      });

      it("cart channel: ready with the signed-in user's cart", async () => {
        const c = await open('/api/realtime/cart-sync', {
          headers: { authorization: `Bearer ${shopper.token}` },
        });
        const ready = await c.next('ready');
        expect((ready.data as { snapshot: { items: unknown[] } }).snapshot.items).to.be.an('array');
      });

      wsOnly(
        'authenticates by a bearer.<token> subprotocol and answers amour.realtime.v1',
        'no subprotocols',
        async () => {
          const c = await openWebSocket(`${running.baseUrl}/api/realtime/cart-sync`, {
            protocols: [REALTIME_SUBPROTOCOL, `bearer.${shopper.token}`],
          });
          clients.push(c);
          expect(c.socket.protocol).to.equal(REALTIME_SUBPROTOCOL);
          await c.next('ready');
        },
      );

      wsOnly(
        'authenticates by an auth message sent after opening',
        'a stream takes no client messages',
        async () => {
          const c = await open('/api/realtime/cart-sync');
          c.send({ type: 'auth', token: shopper.token });
          await c.next('ready');
        },
      );

      it('closes 4401 when no token comes within the auth timeout', async () => {
        const c = await open('/api/realtime/cart-sync');
        expect(await c.closed).to.deep.include({ code: 4401 });
        expect(c.messages).to.deep.equal([]);
      });

      it('closes 4401 on a bad token', async () => {
        const c = await open(`/api/realtime/order-status/${orderId}?token=not-a-token`);
        expect((await c.closed).code).to.equal(4401);
      });

      it("closes 4403 on another user's order, 4404 on an unknown one, 4400 on a malformed id", async () => {
        const cases: [string, number][] = [
          [`/api/realtime/order-status/${orderId}?token=${other.token}`, 4403],
          [`/api/realtime/order-status/${testId()}?token=${other.token}`, 4404],
          [`/api/realtime/order-status/not-an-id?token=${other.token}`, 4400],
        ];
        for (const [path, code] of cases) {
          const c = await open(path);
          expect((await c.closed).code, path).to.equal(code);
        }
      });

      it('closes 4401 an open connection whose token is revoked (logout over HTTP)', async () => {
        const session = await registerUser(t);
        const c = await open(`/api/realtime/cart-sync?token=${session.token}`);
        await c.next('ready');
        const res = await t.request({ method: 'POST', url: '/api/auth/logout', token: session.token });
        expect(res.statusCode, res.body).to.equal(200);
        expect((await c.closed).code).to.equal(4401);
      });
    });

    describe('events', () => {
      it('delivers an order status change made by an admin over HTTP, in order', async () => {
        const id = await placeOrder();
        const c = await open(`/api/realtime/order-status/${id}?token=${shopper.token}`);
        const ready = await c.next('ready');
        for (const status of ['confirmed', 'processing', 'shipped']) await setStatus(id, status);
        const seen: { id: number; status: string }[] = [];
        for (let i = 0; i < 3; i += 1) {
          const m = await c.next('order.status');
          seen.push({ id: m.id, status: (m.data as { status: string }).status });
        }
        expect(seen.map((s) => s.status)).to.deep.equal(['confirmed', 'processing', 'shipped']);
        expect(seen.map((s) => s.id)).to.deep.equal([ready.id + 1, ready.id + 2, ready.id + 3]);
      });

      it('shows a cart change made over HTTP on every device of the user', async () => {
        const user = await registerUser(t);
        const devices = [
          await open(`/api/realtime/cart-sync?token=${user.token}`),
          await open(`/api/realtime/cart-sync?token=${user.token}`),
        ];
        for (const d of devices) await d.next('ready');
        const res = await t.request({
          method: 'POST',
          url: '/api/cart',
          token: user.token,
          body: { productId, quantity: 2 },
        });
        expect(res.statusCode, res.body).to.be.oneOf([200, 201]);
        for (const d of devices) {
          const m = await d.next('cart.updated');
          expect(
            (m.data as { items: { productId: string; quantity: number }[] }).items,
          ).to.deep.include.members([
            { ...(m.data as { items: object[] }).items[0], productId, quantity: 2 },
          ]);
        }
      });

      it('moves the stock channel on a purchase, only for subscribers of that product', async () => {
        const watching = await open(`/api/realtime/stock-updates?products=${productId}`);
        const elsewhere = await open(`/api/realtime/stock-updates?products=${testId()}`);
        await watching.next('ready');
        await elsewhere.next('ready');
        await placeOrder();
        const m = await watching.next('stock.changed');
        expect(m.data).to.deep.include({ productId });
        expect(elsewhere.messages.map((x) => x.type)).to.deep.equal(['ready']);
      });
    });

    describe('resume', () => {
      const publishOn = async (id: string, n: number) => {
        for (let i = 0; i < n; i += 1)
          await hub().publish(orderChannel(id), 'order.status', { n: i }, testId());
      };

      it('replays the missed events in order after a last event id, then ready resumed', async () => {
        const id = await placeOrder();
        await publishOn(id, 3);
        const last = await hub().lastId(orderChannel(id));
        const c = await open(
          `/api/realtime/order-status/${id}?token=${shopper.token}${ws ? `&lastEventId=${last - 2}` : ''}`,
          ws ? {} : { lastEventId: String(last - 2) },
        );
        const ready = await c.next('ready');
        expect(c.messages.map((m) => `${m.type}#${m.id}`)).to.deep.equal([
          `order.status#${last - 1}`,
          `order.status#${last}`,
          `ready#${last}`,
        ]);
        expect(ready.data).to.deep.include({ resumed: true });
      });

      it('sends resync with the whole state when the window no longer reaches the last event id', async () => {
        const id = await placeOrder();
        await publishOn(id, 8); // the window keeps 5
        const c = await open(`/api/realtime/order-status/${id}?token=${shopper.token}&lastEventId=1`);
        const resync = await c.next();
        expect(resync.type).to.equal('resync');
        expect(resync.id).to.equal(await hub().lastId(orderChannel(id)));
        expect((resync.data as { state: { orderId: string } }).state.orderId).to.equal(id);
      });

      wsOnly(
        'replays from a resume message sent after ready',
        'a stream takes no client messages',
        async () => {
          const id = await placeOrder();
          const c = await open(`/api/realtime/order-status/${id}?token=${shopper.token}`);
          const ready = await c.next('ready');
          await publishOn(id, 2);
          await c.next('order.status');
          await c.next('order.status');
          c.send({ type: 'resume', lastEventId: ready.id + 1 });
          const replayed = await c.next('order.status');
          expect(replayed.id).to.equal(ready.id + 2);
          expect((await c.next('ready')).data).to.deep.include({ resumed: true });
        },
      );
    });

    describe('client messages and limits', () => {
      wsOnly(
        'answers ping with pong, bad JSON with an error message, and stays open',
        'a stream takes no client messages',
        async () => {
          const c = await open('/api/realtime/stock-updates');
          await c.next('ready');
          c.send('{oops');
          expect(((await c.next('error')).data as { code: string }).code).to.equal('MALFORMED_MESSAGE');
          c.send({ type: 'ping' });
          await c.next('pong');
          expect(c.isClosed).to.equal(false);
        },
      );

      wsOnly(
        'subscribes and unsubscribes stock products by message',
        'a stream takes no client messages',
        async () => {
          const c = await open('/api/realtime/stock-updates');
          await c.next('ready');
          c.send({ type: 'subscribe', productIds: [productId] });
          expect((await c.next('subscribed')).data).to.deep.include({ all: false, productIds: [productId] });
          await hub().publish('stock', 'stock.changed', { productId }, testId());
          expect((await c.next('stock.changed')).data).to.deep.include({ productId });
        },
      );

      wsOnly(
        'closes 1009 on a message above REALTIME_MAX_MESSAGE_BYTES',
        'a stream takes no client messages',
        async () => {
          const c = await open('/api/realtime/stock-updates');
          await c.next('ready');
          c.send({ type: 'ping', pad: 'x'.repeat(2000) });
          expect((await c.closed).code).to.equal(1009);
        },
      );

      wsOnly(
        'closes 4429 a client sending more than REALTIME_MAX_MESSAGES in the window',
        'a stream takes no client messages',
        async () => {
          const c = await open('/api/realtime/stock-updates');
          await c.next('ready');
          for (let i = 0; i < 11; i += 1) c.send({ type: 'ping' });
          expect((await c.closed).code).to.equal(4429);
        },
      );

      wsOnly('closes 1003 on a binary frame', 'a stream takes no client messages', async () => {
        const c = await open('/api/realtime/stock-updates');
        await c.next('ready');
        c.send(Buffer.from([1, 2, 3]));
        expect((await c.closed).code).to.equal(1003);
      });

      wsOnly(
        'terminates a dead peer (answers no ping) after two heartbeats',
        'SSE has no pong; a reader that stops reading is the slow-consumer row',
        async () => {
          const c = await openWebSocket(`${running.baseUrl}/api/realtime/stock-updates`, { autoPong: false });
          clients.push(c);
          await c.next('ready');
          expect((await c.closed).code).to.equal(1006);
          await until(() => endpoint().stats().connections === 0, 'server side gone');
        },
      );

      it('keeps no connection or hub subscription after many connections open and close', async () => {
        await until(() => endpoint().stats().connections === 0, 'earlier connections gone');
        const many: RealtimeClient[] = [];
        for (let i = 0; i < 30; i += 1) {
          const path =
            i % 3 === 0
              ? '/api/realtime/stock-updates?all=true'
              : i % 3 === 1
                ? `/api/realtime/cart-sync?token=${shopper.token}`
                : `/api/realtime/order-status/${orderId}?token=${shopper.token}`;
          many.push(await connectRealtime(`${running.baseUrl}${path}`));
        }
        await Promise.all(many.map((c) => c.next('ready')));
        expect(endpoint().stats().subscriptions).to.equal(3);
        for (const c of many) c.close();
        await until(() => endpoint().stats().connections === 0, 'every connection released');
        expect(endpoint().stats()).to.deep.equal({ connections: 0, subscriptions: 0, closing: 0 });
      });
    });

    if (!ws) {
      it('streams with the SSE headers, a retry line, id lines on channel events and comment heartbeats', async () => {
        const c = await openEventStream(`${running.baseUrl}/api/realtime/stock-updates?all=true`);
        clients.push(c);
        expect(c.response.headers.get('content-type')).to.match(/^text\/event-stream/);
        expect(c.response.headers.get('cache-control')).to.contain('no-cache');
        expect(c.response.headers.get('x-accel-buffering')).to.equal('no');
        await c.next('ready');
        expect(c.parser.retry).to.equal(2000);
        await hub().publish('stock', 'stock.changed', { productId }, testId());
        const m = await c.next('stock.changed');
        expect(c.parser.lastEventId).to.equal(String(m.id));
        await until(() => c.parser.comments >= 2, 'heartbeat comments');
      });

      it('answers 426 with the error envelope to a GET that is neither an upgrade nor an event stream, and HEAD without a stream', async () => {
        const res = await fetch(`${running.baseUrl}/api/realtime/stock-updates`);
        expect(res.status).to.equal(426);
        expect(await res.json()).to.deep.include({ status: 'error', code: 'UPGRADE_REQUIRED' });
        const head = await fetch(`${running.baseUrl}/api/realtime/stock-updates`, {
          method: 'HEAD',
          headers: { accept: 'text/event-stream' },
        });
        expect(head.status).to.equal(200);
        expect(head.headers.get('content-type')).to.match(/^text\/event-stream/);
        expect(endpoint().stats().connections).to.equal(0);
      });
    }
  });

  describe(`contract/realtime transport: ${transport.name} (own application)`, function () {
    this.timeout(30_000);

    it('closes a slow consumer 1013 once its buffer passes the bound, and stops sending to it', async () => {
      // A long heartbeat: the paused client must not be taken for a dead peer.
      const running = await transport.start({
        ...ENV,
        REALTIME_HEARTBEAT_MS: '60000',
        REALTIME_MAX_BUFFERED_BYTES: '65536',
      });
      try {
        const t = running.t;
        const endpoint = t.container.get<RealtimeProtocol>(REALTIME_ENDPOINT);
        const hub = t.container.get<RealtimeHub>(REALTIME_HUB);
        const c = await connectRealtime(`${running.baseUrl}/api/realtime/stock-updates?all=true`);
        await c.next('ready');
        c.pause();
        // Below the bound each (SSE writes are corked until the next tick, so one message counts whole).
        const big = 'x'.repeat(16 * 1024);
        let published = 0;
        // Gave up: the connection is closing (ws waits for the peer's close handshake), or already
        // gone (uWS reports a socket closed as soon as it is told to close it).
        const gaveUp = () => endpoint.stats().closing === 1 || endpoint.stats().connections === 0;
        while (!gaveUp() && published < 4000) {
          await hub.publish('stock', 'stock.changed', { productId: 'p', big }, testId());
          published += 1;
          await new Promise((r) => setImmediate(r));
        }
        expect(gaveUp(), 'the protocol gave up on the paused client').to.equal(true);
        const atDecision = await hub.lastId('stock');
        // As much again after the decision: none of it may be queued for this client.
        for (let i = 0; i < published; i += 1)
          await hub.publish('stock', 'stock.changed', { productId: 'p', big }, testId());
        c.resume();
        expect((await c.closed).code).to.equal(1013);
        const received = c.messages.filter((m) => m.type === 'stock.changed');
        expect(received.length)
          .to.be.greaterThan(0)
          .and.lessThan(published + 1);
        expect(received.at(-1)!.id).to.be.at.most(atDecision);
      } finally {
        await running.close();
      }
    });

    it('closes every connection with 1001 on shutdown, and the application close completes', async () => {
      const running = await transport.start(ENV);
      const user = await registerUser(running.t);
      const c1 = await connectRealtime(`${running.baseUrl}/api/realtime/stock-updates`);
      const c2 = await connectRealtime(`${running.baseUrl}/api/realtime/cart-sync?token=${user.token}`);
      await c1.next('ready');
      await c2.next('ready');
      await running.close();
      expect((await c1.closed).code).to.equal(1001);
      expect((await c2.closed).code).to.equal(1001);
    });
  });
}
