import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startServer, type ServerProcess } from '../support/process.js';
import { describeWith, mongoTestUri, serviceUrl } from '../support/services.js';
import { connectRealtime, type RealtimeClient } from '../support/realtime-client.js';
import { ADDRESS } from '../support/kit.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ADMIN = { email: 'admin@realtime.local', password: 'realtime-journey-admin-pass' };
const PASSWORD = 'shopper-pass-123';
const PROTOCOL = 'amour.realtime.v1';

/** Environment shared by every process of these journeys: short realtime periods, no rate limits. */
function baseEnv(): Record<string, string> {
  return {
    JWT_SECRET: 'realtime-journey-secret-realtime-journey-secret',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    BCRYPT_ROUNDS: '4',
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'info',
    MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'af-rt-mail-')),
    SMS_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'af-rt-sms-')),
    UPLOADS_DIR: mkdtempSync(join(tmpdir(), 'af-rt-uploads-')),
    REALTIME_HEARTBEAT_MS: '200',
    REALTIME_AUTH_TIMEOUT_MS: '500',
    REALTIME_AUTH_RECHECK_MS: '200',
    REALTIME_MAX_MESSAGE_BYTES: '1024',
    REALTIME_MAX_MESSAGES: '10',
    REALTIME_MESSAGE_WINDOW_MS: '60000',
  };
}

/** A shop process seen by a client: HTTP calls, and realtime connections (ws:// or SSE). */
class Shop {
  constructor(readonly server: ServerProcess) {}

  async call(method: string, path: string, token?: string, body?: unknown) {
    const res = await fetch(`${this.server.base}/api${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  }

  async ok(method: string, path: string, token?: string, body?: unknown): Promise<Json> {
    const res = await this.call(method, path, token, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.be.within(200, 201);
    return res.body;
  }

  async signIn(email: string, password: string): Promise<string> {
    return (await this.ok('POST', '/auth/login', undefined, { email, password })).token as string;
  }

  async register(name: string): Promise<{ token: string; id: string }> {
    const email = `${name.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2)}@rt.local`;
    const body = await this.ok('POST', '/auth/register', undefined, {
      fullName: name,
      email,
      password: PASSWORD,
      phone: '',
      birthday: '',
    });
    return { token: body.token as string, id: body.data.user._id as string };
  }

  /** A product that can be bought (`skip` of them passed over: different tests, different products). */
  async product(skip = 0): Promise<Json> {
    const products = (await this.ok('GET', '/products?limit=24')).data.products as Json[];
    const buyable = products.filter((p) => p.inStock === true && (p.inventory.stock as number) >= 10);
    expect(buyable.length, 'buyable products').to.be.greaterThan(skip);
    return buyable[skip]!;
  }

  /** A WebSocket on `path` (token in the subprotocol when given). */
  ws(path: string, token?: string): Promise<RealtimeClient> {
    const url = `${this.server.base.replace(/^http/, 'ws')}${path}`;
    return connectRealtime(url, { protocols: token ? [PROTOCOL, `bearer.${token}`] : [PROTOCOL] });
  }

  /** Server-Sent Events on `path` (what EventSource does: token in the query, Last-Event-ID on resume). */
  sse(path: string, lastEventId?: string): Promise<RealtimeClient> {
    return connectRealtime(`${this.server.base}${path}`, lastEventId ? { lastEventId } : {});
  }
}

/** The messages of `type` a client has received so far. */
const received = (client: RealtimeClient, type: string) => client.messages.filter((m) => m.type === type);

/**
 * Issue 11 the way clients use it, over real sockets to a real process on the embedded default:
 * a shopper follows an order an admin moves along, sees a cart change made over HTTP on two
 * devices (WebSocket and SSE), sees stock move after a purchase, resumes with a last event id
 * after losing the connection; the refusals (no token, another user's order, a revoked token,
 * oversized and flooding clients); and shutdown closing the sockets with 1001.
 */
describe('journey: realtime order tracking, cart sync and live stock (issue 11)', function () {
  this.timeout(120_000);
  let shop: Shop;
  const open: RealtimeClient[] = [];
  const track = async (client: Promise<RealtimeClient>) => {
    const c = await client;
    open.push(c);
    return c;
  };

  before(async () => {
    shop = new Shop(await startServer(baseEnv()));
  });

  after(async () => {
    for (const c of open) c.close();
    await shop?.server.stop();
  });

  it('a shopper follows the order an admin moves along, on one device and then another after a dropped connection', async () => {
    const admin = await shop.signIn(ADMIN.email, ADMIN.password);
    const shopper = await shop.register('Asha');
    const product = await shop.product();

    // Live stock of that product, before the purchase.
    const stock = await track(shop.ws(`/api/realtime/stock-updates?products=${product._id}`));
    const stockReady = await stock.next('ready');
    const before = (stockReady.data as Json).snapshot.products[0] as Json;
    expect(before.productId).to.equal(product._id);

    const placed = await shop.ok('POST', '/orders', shopper.token, {
      items: [{ product: product._id, quantity: 2 }],
      shippingAddress: ADDRESS,
    });
    const order = placed.data.order as Json;
    const moved = await stock.next('stock.changed');
    expect(moved.data).to.include({ productId: product._id, stock: (before.stock as number) - 2 });
    expect(moved.id).to.be.greaterThan(stockReady.id);

    // The order's channel: its snapshot first, then every status in the order the admin set them.
    const phone = await track(shop.ws(`/api/realtime/order-status/${order._id}`, shopper.token));
    const ready = await phone.next('ready');
    expect((ready.data as Json).snapshot).to.include({ orderId: order._id, status: 'pending' });

    await shop.ok('PUT', `/orders/${order._id}/status`, admin, { status: 'confirmed' });
    const confirmed = await phone.next('order.status');
    expect(confirmed.data).to.include({ orderId: order._id, status: 'confirmed', previousStatus: 'pending' });
    expect(confirmed.data).to.not.have.property('changedBy');

    // The phone loses its connection; the admin goes on meanwhile.
    phone.close();
    await phone.closed;
    for (const status of ['processing', 'shipped']) {
      await shop.ok('PUT', `/orders/${order._id}/status`, admin, { status });
    }

    // The laptop reconnects over SSE with the last id the phone saw: the missed events, in order.
    const laptop = await track(
      shop.sse(`/api/realtime/order-status/${order._id}?token=${shopper.token}`, String(confirmed.id)),
    );
    const missed = [await laptop.next('order.status'), await laptop.next('order.status')];
    expect(missed.map((m) => (m.data as Json).status)).to.deep.equal(['processing', 'shipped']);
    expect(missed.map((m) => m.id)).to.deep.equal([confirmed.id + 1, confirmed.id + 2]);
    const resumed = await laptop.next('ready');
    expect((resumed.data as Json).resumed).to.equal(true);

    await shop.ok('PUT', `/orders/${order._id}/status`, admin, { status: 'delivered' });
    const delivered = await laptop.next('order.status');
    expect(delivered).to.deep.include({ id: confirmed.id + 3 });
    expect(delivered.data).to.include({ status: 'delivered', previousStatus: 'shipped' });
    expect(received(laptop, 'resync')).to.have.length(0);
    // The token travelled in a subprotocol and in a query string: neither reaches a log line.
    const logged = JSON.stringify(shop.server.lines);
    expect(logged).to.include('/api/realtime/order-status/');
    expect(logged).to.not.include(shopper.token);
  });

  it('a cart changed over HTTP appears on both devices, one on WebSocket, one on SSE', async () => {
    const shopper = await shop.register('Kavya');
    const product = await shop.product(1);
    const tablet = await track(shop.ws('/api/realtime/cart-sync', shopper.token));
    const browser = await track(shop.sse(`/api/realtime/cart-sync?token=${shopper.token}`));
    for (const device of [tablet, browser]) {
      expect(((await device.next('ready')).data as Json).snapshot.items).to.deep.equal([]);
    }

    await shop.ok('POST', '/cart', shopper.token, { productId: product._id, quantity: 3 });
    for (const device of [tablet, browser]) {
      const update = await device.next('cart.updated');
      expect((update.data as Json).itemCount).to.equal(3);
      expect((update.data as Json).items[0]).to.include({ productId: product._id, quantity: 3 });
    }

    await shop.ok('DELETE', '/cart', shopper.token);
    for (const device of [tablet, browser]) {
      expect(((await device.next('cart.updated')).data as Json).items).to.deep.equal([]);
    }
  });

  it('refuses what it must: no token, another user’s order, a revoked token, oversized and flooding clients', async () => {
    const owner = await shop.register('Meera');
    const other = await shop.register('Ravi');
    const product = await shop.product();
    const order = (
      await shop.ok('POST', '/orders', owner.token, {
        items: [{ product: product._id, quantity: 1 }],
        shippingAddress: ADDRESS,
      })
    ).data.order as Json;

    // No token and no auth message in time.
    const anonymous = await shop.ws(`/api/realtime/order-status/${order._id}`);
    expect((await anonymous.closed).code).to.equal(4401);
    // A token that is not one.
    const forged = await shop.ws('/api/realtime/cart-sync', 'not-a-token');
    expect((await forged.closed).code).to.equal(4401);
    // Another user's order.
    const nosy = await shop.ws(`/api/realtime/order-status/${order._id}`, other.token);
    expect((await nosy.closed).code).to.equal(4403);

    // A socket whose token is revoked later (logout) is closed.
    const cart = await track(shop.ws('/api/realtime/cart-sync', other.token));
    await cart.next('ready');
    await shop.ok('POST', '/auth/logout', other.token);
    expect((await cart.closed).code).to.equal(4401);

    // A message above REALTIME_MAX_MESSAGE_BYTES, and more messages than REALTIME_MAX_MESSAGES.
    const big = await track(shop.ws('/api/realtime/stock-updates'));
    await big.next('ready');
    big.send({ type: 'subscribe', productIds: ['x'.repeat(2048)] });
    expect((await big.closed).code).to.equal(1009);
    const flood = await track(shop.ws('/api/realtime/stock-updates'));
    await flood.next('ready');
    for (let i = 0; i < 30; i++) flood.send({ type: 'ping' });
    expect((await flood.closed).code).to.equal(4429);
    expect(received(flood, 'pong').length).to.be.at.most(10);
  });

  it('shutting down closes the open sockets with 1001 and ends SSE streams with a close event', async () => {
    const shopper = await shop.register('Neha');
    const ws = await track(shop.ws('/api/realtime/cart-sync', shopper.token));
    const sse = await track(shop.sse(`/api/realtime/stock-updates?all=true`));
    await ws.next('ready');
    await sse.next('ready');
    await shop.server.stop();
    expect((await ws.closed).code).to.equal(1001);
    expect((await sse.closed).code).to.equal(1001);
  });
});

/**
 * Two API processes on one MongoDB and one Redis: a subscriber connected to instance B sees what
 * is changed through instance A (order status, cart), ids and replay window are shared, so a
 * client resumes on either instance.
 */
describeWith(['mongo', 'redis'], 'journey: realtime across two instances on Redis (issue 11)', function () {
  this.timeout(180_000);
  const mongoUri = mongoTestUri('realtime');
  let a: Shop;
  let b: Shop;
  const open: RealtimeClient[] = [];

  before(async () => {
    const env = { ...baseEnv(), MONGODB_URI: mongoUri, REDIS_URL: serviceUrl('redis') };
    a = new Shop(await startServer(env));
    b = new Shop(await startServer(env));
  });

  after(async () => {
    for (const c of open) c.close();
    await Promise.all([a?.server.stop(), b?.server.stop()]);
    const c = await mongoose.createConnection(mongoUri).asPromise();
    await c.dropDatabase();
    await c.close();
  });

  it('a change made through instance A reaches subscribers on instance B, and a client resumes on either', async () => {
    const admin = await a.signIn(ADMIN.email, ADMIN.password);
    const shopper = await a.register('Isha');
    const product = await a.product();
    const order = (
      await a.ok('POST', '/orders', shopper.token, {
        items: [{ product: product._id, quantity: 1 }],
        shippingAddress: ADDRESS,
      })
    ).data.order as Json;

    const onB = await b.ws(`/api/realtime/order-status/${order._id}`, shopper.token);
    const cartOnB = await b.sse(`/api/realtime/cart-sync?token=${shopper.token}`);
    open.push(onB, cartOnB);
    await onB.next('ready');
    await cartOnB.next('ready');

    await a.ok('PUT', `/orders/${order._id}/status`, admin, { status: 'confirmed' });
    const confirmed = await onB.next('order.status');
    expect(confirmed.data).to.include({ status: 'confirmed' });
    await a.ok('POST', '/cart', shopper.token, { productId: product._id, quantity: 1 });
    expect(((await cartOnB.next('cart.updated')).data as Json).itemCount).to.equal(1);

    // Changes through B, then a client resuming on A from the id B delivered: the window is shared.
    await b.ok('PUT', `/orders/${order._id}/status`, admin, { status: 'processing' });
    const processing = await onB.next('order.status');
    expect(processing.id).to.equal(confirmed.id + 1);
    await b.ok('PUT', `/orders/${order._id}/status`, admin, { status: 'shipped' });
    await onB.next('order.status');
    const resumedOnA = await a.sse(
      `/api/realtime/order-status/${order._id}?token=${shopper.token}`,
      String(confirmed.id),
    );
    open.push(resumedOnA);
    const missed = [await resumedOnA.next('order.status'), await resumedOnA.next('order.status')];
    expect(missed.map((m) => [m.id, (m.data as Json).status])).to.deep.equal([
      [confirmed.id + 1, 'processing'],
      [confirmed.id + 2, 'shipped'],
    ]);
    expect(((await resumedOnA.next('ready')).data as Json).resumed).to.equal(true);
    // Each instance delivered each message once.
    expect(received(onB, 'order.status').map((m) => m.id)).to.deep.equal([
      confirmed.id,
      confirmed.id + 1,
      confirmed.id + 2,
    ]);
  });
});
