import { expect } from 'chai';
import sinon from 'sinon';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { CART_REPOSITORY, type CartRepository } from '../../../application/cart/ports.js';
import { REALTIME_GATEWAY, type RealtimeGateway } from '../../../application/realtime/gateway.js';
import {
  cartChannel,
  orderChannel,
  REALTIME_HUB,
  STOCK_CHANNEL,
  type RealtimeHub,
  type RealtimeMessage,
} from '../../../application/realtime/ports.js';
import type { OrderSnapshot, RealtimeCart, StockSnapshot } from '../../../application/realtime/messages.js';
import { MAX_STOCK_SELECTION } from '../../../application/realtime/channels.js';
import type { Principal } from '../../../domain/identity/user.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct, testId } from '../../support/kit.js';

/**
 * The realtime gateway (RealtimeChannels) and the handlers as the container wires them: memory
 * adapters and the MemoryRealtimeHub of the embedded default, driven through the HTTP API.
 */
describe('application/realtime: the gateway and the wired feed', () => {
  let t: TestApp;
  let gateway: RealtimeGateway;
  let hub: RealtimeHub;
  let products: ProductRepository;
  let shopper: { token: string; user: { _id: string } };
  let other: { token: string; user: { _id: string } };
  let adminToken: string;

  before(async () => {
    t = await buildTestApp();
    gateway = t.container.get(REALTIME_GATEWAY);
    hub = t.container.get(REALTIME_HUB);
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    shopper = await registerUser(t);
    other = await registerUser(t);
    adminToken = await loginAdmin(t);
  });
  after(async () => {
    await t.close();
  });
  afterEach(() => sinon.restore());

  const principal = async (token: string): Promise<Principal> => (await gateway.authenticate(token)).unwrap();

  async function place(productId: string, quantity = 1, token = shopper.token): Promise<{ _id: string }> {
    const res = await t.request({
      method: 'POST',
      url: '/api/orders',
      token,
      body: { items: [{ product: productId, quantity }], shippingAddress: ADDRESS },
    });
    expect(res.statusCode, res.body).to.equal(201);
    return res.json().data.order;
  }

  function listen(channel: Parameters<RealtimeHub['subscribe']>[0]): RealtimeMessage[] {
    const list: RealtimeMessage[] = [];
    hub.subscribe(channel, (m) => list.push(m));
    return list;
  }

  describe('authenticate', () => {
    it("a valid token is the user's principal; a malformed one is NOT_AUTHENTICATED", async () => {
      expect((await principal(shopper.token)).user.id).to.equal(shopper.user._id);
      expect((await gateway.authenticate('not-a-token')).unwrapErr().code).to.equal('NOT_AUTHENTICATED');
    });

    it('a token revoked by logout is NOT_AUTHENTICATED at once', async () => {
      const leaving = await registerUser(t);
      expect((await gateway.authenticate(leaving.token)).isOk()).to.equal(true);
      const out = await t.request({ method: 'POST', url: '/api/auth/logout', token: leaving.token });
      expect(out.statusCode).to.equal(200);
      expect((await gateway.authenticate(leaving.token)).unwrapErr().code).to.equal('NOT_AUTHENTICATED');
    });
  });

  describe('authorize', () => {
    let orderId: string;
    before(async () => {
      orderId = (await place((await products.create(aProduct())).id))._id;
    });

    it("the owner and an admin may follow an order's channel", async () => {
      const channel = orderChannel(orderId);
      expect(
        (await gateway.authorize({ kind: 'order', orderId }, await principal(shopper.token))).unwrap(),
      ).to.equal(channel);
      expect(
        (await gateway.authorize({ kind: 'order', orderId }, await principal(adminToken))).unwrap(),
      ).to.equal(channel);
    });

    it("another user's order is FORBIDDEN; an unknown one ORDER_NOT_FOUND; a malformed id VALIDATION_FAILED", async () => {
      const stranger = await principal(other.token);
      expect((await gateway.authorize({ kind: 'order', orderId }, stranger)).unwrapErr().code).to.equal(
        'FORBIDDEN',
      );
      expect(
        (await gateway.authorize({ kind: 'order', orderId: testId() }, stranger)).unwrapErr().code,
      ).to.equal('ORDER_NOT_FOUND');
      const bad = (await gateway.authorize({ kind: 'order', orderId: 'nope' }, stranger)).unwrapErr();
      expect(bad.code).to.equal('VALIDATION_FAILED');
      expect(JSON.stringify(bad.details)).to.contain('orderId');
    });

    it('order and cart channels need a user; the stock channel is public', async () => {
      expect((await gateway.authorize({ kind: 'order', orderId }, null)).unwrapErr().code).to.equal(
        'NOT_AUTHENTICATED',
      );
      expect((await gateway.authorize({ kind: 'cart' }, null)).unwrapErr().code).to.equal(
        'NOT_AUTHENTICATED',
      );
      expect((await gateway.authorize({ kind: 'stock' }, null)).unwrap()).to.equal(STOCK_CHANNEL);
      expect((await gateway.authorize({ kind: 'cart' }, await principal(shopper.token))).unwrap()).to.equal(
        cartChannel(shopper.user._id),
      );
    });
  });

  describe('snapshot', () => {
    it('order: the current status, payment and delivery state, dates ISO', async () => {
      const order = await place((await products.create(aProduct())).id);
      const status = await t.request({
        method: 'PUT',
        url: `/api/orders/${order._id}/status`,
        token: adminToken,
        body: { status: 'confirmed' },
      });
      expect(status.statusCode, status.body).to.equal(200);
      const snap = (
        await gateway.snapshot(orderChannel(order._id), await principal(shopper.token))
      ).unwrap() as OrderSnapshot;
      expect(snap).to.include({
        orderId: order._id,
        status: 'confirmed',
        paymentStatus: 'pending',
        deliveryState: 'none',
      });
      expect(snap.updatedAt).to.match(/^\d{4}-\d\d-\d\dT/);
      expect(snap.eta?.date).to.match(/^\d{4}-\d\d-\d\d$/);
      expect((await gateway.snapshot(orderChannel(testId()), null)).unwrapErr().code).to.equal(
        'ORDER_NOT_FOUND',
      );
    });

    it('stock: the named products that exist (capped), or every product', async () => {
      const p = await products.create(
        aProduct({ inventory: { stock: 0, lowStockThreshold: 1, isAvailable: true } }),
      );
      const snap = (
        await gateway.snapshot(STOCK_CHANNEL, null, { productIds: [p.id, testId(), 'junk', p.id] })
      ).unwrap() as StockSnapshot;
      expect(snap.products).to.have.length(1);
      expect(snap.products[0]).to.deep.include({
        productId: p.id,
        stock: 0,
        isAvailable: true,
        inStock: false,
      });
      const all = (await gateway.snapshot(STOCK_CHANNEL, null, { all: true })).unwrap() as StockSnapshot;
      expect(all.products.map((x) => x.productId)).to.have.members((await products.all()).map((x) => x.id));

      const findByIds = sinon.spy(products, 'findByIds');
      const many = Array.from({ length: MAX_STOCK_SELECTION + 100 }, () => testId());
      await gateway.snapshot(STOCK_CHANNEL, null, { productIds: many });
      expect(findByIds.firstCall.args[0]).to.have.length(MAX_STOCK_SELECTION);
    });

    it('cart: an empty cart for a user without one (none is created), then the cart as GET /cart prices it', async () => {
      const fresh = await registerUser(t);
      const who = await principal(fresh.token);
      const carts = t.container.get<CartRepository>(CART_REPOSITORY);
      const empty = (await gateway.snapshot(cartChannel(fresh.user._id), who)).unwrap() as RealtimeCart;
      expect(empty).to.include({ itemCount: 0, subtotal: 0, total: 0, version: 0 });
      expect(await carts.findByUserId(fresh.user._id)).to.equal(null);

      const p = await products.create(aProduct({ price: 129950 }));
      const add = await t.request({
        method: 'POST',
        url: '/api/cart',
        token: fresh.token,
        body: { productId: p.id, quantity: 2 },
      });
      expect(add.statusCode, add.body).to.be.oneOf([200, 201]);
      const cart = (await gateway.snapshot(cartChannel(fresh.user._id), who)).unwrap() as RealtimeCart;
      expect(cart).to.include({ itemCount: 2, subtotal: 2599, total: 2599, discount: 0 });
      expect(cart.items.map((i) => [i.productId, i.quantity, i.price])).to.deep.equal([[p.id, 2, 1299.5]]);

      // Someone else's cart: FORBIDDEN; nobody's: NOT_AUTHENTICATED.
      expect(
        (await gateway.snapshot(cartChannel(fresh.user._id), await principal(other.token))).unwrapErr().code,
      ).to.equal('FORBIDDEN');
      expect((await gateway.snapshot(cartChannel(fresh.user._id), null)).unwrapErr().code).to.equal(
        'NOT_AUTHENTICATED',
      );
    });
  });

  describe('the feed, as wired', () => {
    it('status changes made one after the other reach the order channel in that order', async () => {
      const order = await place((await products.create(aProduct())).id);
      const messages = listen(orderChannel(order._id));
      for (const status of ['confirmed', 'processing', 'shipped']) {
        const res = await t.request({
          method: 'PUT',
          url: `/api/orders/${order._id}/status`,
          token: adminToken,
          body: { status },
        });
        expect(res.statusCode, res.body).to.equal(200);
      }
      expect(messages.map((m) => [m.type, (m.data as { status: string }).status])).to.deep.equal([
        ['order.status', 'confirmed'],
        ['order.status', 'processing'],
        ['order.status', 'shipped'],
      ]);
      expect(messages.map((m) => m.id)).to.deep.equal([1, 2, 3].map((n) => n + messages[0]!.id - 1));
    });

    it('a purchase through the API moves the stock channel', async () => {
      const p = await products.create(
        aProduct({ inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true } }),
      );
      const messages = listen(STOCK_CHANNEL);
      await place(p.id, 2);
      const mine = messages.filter((m) => (m.data as { productId: string }).productId === p.id);
      expect(mine.map((m) => m.data)).to.deep.equal([
        {
          productId: p.id,
          stock: 3,
          isAvailable: true,
          inStock: true,
          at: (mine[0]!.data as { at: string }).at,
        },
      ]);
    });

    it("a cart change made through the API reaches the user's cart channel (every device), and only theirs", async () => {
      const p = await products.create(aProduct());
      const mine = listen(cartChannel(shopper.user._id));
      const theirs = listen(cartChannel(other.user._id));
      const add = await t.request({
        method: 'POST',
        url: '/api/cart',
        token: shopper.token,
        body: { productId: p.id, quantity: 1 },
      });
      expect(add.statusCode, add.body).to.be.oneOf([200, 201]);
      expect(mine.map((m) => m.type)).to.deep.equal(['cart.updated']);
      const cart = mine[0]!.data as RealtimeCart;
      expect(cart.items.map((i) => i.productId)).to.include(p.id);
      expect(theirs).to.deep.equal([]);
    });
  });
});
