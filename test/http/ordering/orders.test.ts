import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct, testId } from '../../support/kit.js';

describe('http/ordering: /api/orders', () => {
  let t: TestApp;
  let products: ProductRepository;
  let shopper: { token: string; user: { _id: string } };
  let other: { token: string; user: { _id: string } };
  let admin: string;

  before(async () => {
    t = await buildTestApp();
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    shopper = await registerUser(t);
    other = await registerUser(t);
    admin = await loginAdmin(t);
  });
  after(async () => {
    await t.close();
  });

  async function product(overrides: Partial<Product> = {}): Promise<Product> {
    return products.create(aProduct(overrides));
  }
  async function stockOf(id: string): Promise<number> {
    return (await products.findById(id))!.inventory.stock;
  }
  async function place(token: string, items: unknown[], extra: Record<string, unknown> = {}) {
    return t.request({
      method: 'POST',
      url: '/api/orders',
      token,
      body: { items, shippingAddress: ADDRESS, ...extra },
    });
  }
  async function placeOk(token: string, productId: string, quantity = 1) {
    const res = await place(token, [{ product: productId, quantity }]);
    expect(res.statusCode, res.body).to.equal(201);
    return res.json().data.order;
  }

  describe('POST /api/orders', () => {
    it('401 without a token', async () => {
      const p = await product();
      const res = await t.request({
        method: 'POST',
        url: '/api/orders',
        body: { items: [{ product: p.id, quantity: 1 }], shippingAddress: ADDRESS },
      });
      expect(res.statusCode).to.equal(401);
      expect(res.json()).to.deep.include({ status: 'error', message: 'Not authorized to access this route' });
      expect(await stockOf(p.id)).to.equal(20);
    });

    it('201 with the storefront body: server prices, dual shape, source, stock taken', async () => {
      const p = await product({ name: 'Ruby Roses', price: 129900 });
      const res = await t.request({
        method: 'POST',
        url: '/api/api/orders',
        token: shopper.token,
        body: {
          items: [{ product: p.id, quantity: 2, personalNote: 'Love you', price: 1 }],
          shippingAddress: ADDRESS,
          subtotal: 1,
          discount: 999,
          total: 2,
        },
      });
      expect(res.statusCode, res.body).to.equal(201);
      const body = res.json();
      expect(body.status).to.equal('success');
      const data = body.data;
      expect(data.source).to.equal('request');
      const { source: _source, order, ...top } = data;
      expect(top).to.deep.equal(order);
      expect(order._id).to.match(/^[0-9a-f]{24}$/);
      expect(order.orderNumber).to.match(/^AF-\d{9}$/);
      expect(order.user).to.equal(shopper.user._id);
      expect(order.items).to.have.length(1);
      expect(order.items[0]).to.deep.equal({
        _id: order.items[0]._id,
        product: p.id,
        name: 'Ruby Roses',
        price: 1299,
        quantity: 2,
        personalNote: 'Love you',
        image: 'https://img.example/roses.jpg',
      });
      expect(order.subtotal).to.equal(2598);
      expect(order.shippingFee).to.equal(5);
      expect(order.tax).to.equal(207.84);
      expect(order.discount).to.equal(0);
      expect(order.total).to.equal(2810.84);
      expect(order.totalAmount).to.equal(2810.84);
      expect(order.refundAmount).to.equal(0);
      expect(order.shippingMethod).to.equal('standard');
      expect(order.status).to.equal('pending');
      expect(order.orderStatus).to.equal('pending');
      expect(order.paymentStatus).to.equal('pending');
      expect(order.paymentInfo).to.deep.equal({ method: 'card', status: 'pending' });
      expect(order.shippingAddress).to.deep.equal(ADDRESS);
      expect(new Date(order.estimatedDelivery).getTime() - new Date(order.createdAt).getTime()).to.equal(
        5 * 24 * 3600 * 1000,
      );
      expect(order.statusHistory).to.have.length(1);
      expect(order.statusHistory[0]).to.deep.include({ status: 'pending', changedBy: shopper.user._id });
      expect(order.__v).to.equal(1);
      expect(order).to.not.have.property('trackingNumber');
      expect(order).to.not.have.property('notes');
      expect(await stockOf(p.id)).to.equal(18);
    });

    it('prices size and vase from the product (client prices ignored), express shipping, country default', async () => {
      const p = await product({ price: 100000 });
      const res = await place(
        shopper.token,
        [{ product: p.id, quantity: 1, size: { name: 'deluxe', price: 1 }, vase: 'premium' }],
        {
          shippingMethod: 'express',
          shippingAddress: { ...ADDRESS, country: undefined, phone: undefined },
          paymentInfo: { method: 'razorpay' },
          notes: 'Ring twice',
        },
      );
      expect(res.statusCode, res.body).to.equal(201);
      const order = res.json().data.order;
      expect(order.items[0].size).to.deep.equal({ name: 'deluxe', price: 500 });
      expect(order.items[0].vase).to.deep.equal({ name: 'premium', price: 300 });
      expect(order.items[0].price).to.equal(1000);
      expect(order.subtotal).to.equal(1800);
      expect(order.shippingFee).to.equal(15);
      expect(order.tax).to.equal(144);
      expect(order.total).to.equal(1959);
      expect(order.shippingAddress.country).to.equal('United States');
      expect(order.shippingAddress).to.not.have.property('phone');
      expect(order.paymentInfo.method).to.equal('razorpay');
      expect(order.notes).to.equal('Ring twice');
    });

    it('400 on bad input, before any stock moves', async () => {
      const p = await product();
      const cases: [string, unknown][] = [
        [
          'missing zipCode',
          { items: [{ product: p.id, quantity: 1 }], shippingAddress: { ...ADDRESS, zipCode: undefined } },
        ],
        [
          'blank city',
          { items: [{ product: p.id, quantity: 1 }], shippingAddress: { ...ADDRESS, city: '   ' } },
        ],
        ['no shippingAddress', { items: [{ product: p.id, quantity: 1 }] }],
        ['quantity as text', { items: [{ product: p.id, quantity: '2' }], shippingAddress: ADDRESS }],
        ['quantity operator', { items: [{ product: p.id, quantity: { $gt: 0 } }], shippingAddress: ADDRESS }],
        ['product operator', { items: [{ product: { $gt: '' }, quantity: 1 }], shippingAddress: ADDRESS }],
        ['quantity 0', { items: [{ product: p.id, quantity: 0 }], shippingAddress: ADDRESS }],
        ['malformed product id', { items: [{ product: 'abc', quantity: 1 }], shippingAddress: ADDRESS }],
        [
          'unknown top-level field',
          { items: [{ product: p.id, quantity: 1 }], shippingAddress: ADDRESS, hack: 1 },
        ],
        [
          'unknown item field',
          { items: [{ product: p.id, quantity: 1, evil: true }], shippingAddress: ADDRESS },
        ],
        [
          'unknown address field',
          { items: [{ product: p.id, quantity: 1 }], shippingAddress: { ...ADDRESS, x: 1 } },
        ],
        [
          'bad shipping method',
          { items: [{ product: p.id, quantity: 1 }], shippingAddress: ADDRESS, shippingMethod: 'teleport' },
        ],
        ['items not an array', { items: 'all', shippingAddress: ADDRESS }],
        ['total as text', { items: [{ product: p.id, quantity: 1 }], shippingAddress: ADDRESS, total: '12' }],
      ];
      for (const [name, body] of cases) {
        const res = await t.request({ method: 'POST', url: '/api/orders', token: shopper.token, body });
        expect(res.statusCode, `${name}: ${res.body}`).to.equal(400);
        expect(res.json().status, name).to.equal('error');
        expect(res.json().code, name).to.equal('VALIDATION_FAILED');
      }
      const missing = await t.request({
        method: 'POST',
        url: '/api/orders',
        token: shopper.token,
        body: {
          items: [{ product: p.id, quantity: 1 }],
          shippingAddress: { ...ADDRESS, zipCode: undefined },
        },
      });
      expect(missing.json().message).to.contain('zipCode');
      expect(await stockOf(p.id)).to.equal(20);
    });

    it('404 for an unknown product, 400 for an unknown option and for insufficient stock', async () => {
      const p = await product({
        name: 'Scarce',
        inventory: { stock: 1, lowStockThreshold: 1, isAvailable: true },
      });
      const ghost = testId();
      const notFound = await place(shopper.token, [{ product: ghost, quantity: 1 }]);
      expect(notFound.statusCode).to.equal(404);
      expect(notFound.json()).to.deep.include({ status: 'error', message: `Product ${ghost} not found` });

      const option = await place(shopper.token, [{ product: p.id, quantity: 1, size: 'gigantic' }]);
      expect(option.statusCode).to.equal(400);
      expect(option.json().code).to.equal('UNKNOWN_OPTION');

      const short = await place(shopper.token, [{ product: p.id, quantity: 2 }]);
      expect(short.statusCode).to.equal(400);
      expect(short.json()).to.deep.include({
        status: 'error',
        code: 'INSUFFICIENT_STOCK',
        message: 'Insufficient stock for Scarce',
      });
      expect(await stockOf(p.id)).to.equal(1);
    });

    it('places from the server cart when a line has no product id, and empties the cart', async () => {
      const buyer = await registerUser(t);
      const p = await product({ name: 'Moved from wishlist', price: 50000 });
      const added = await t.request({
        method: 'POST',
        url: '/api/cart',
        token: buyer.token,
        body: { productId: p.id, quantity: 2 },
      });
      expect(added.statusCode, added.body).to.be.oneOf([200, 201]);
      const res = await place(buyer.token, [
        { productId: p.id, quantity: 1, price: 500, name: 'x', image: 'y' },
      ]);
      expect(res.statusCode, res.body).to.equal(201);
      const data = res.json().data;
      expect(data.source).to.equal('cart');
      expect(data.items.map((i: { name: string; quantity: number }) => [i.name, i.quantity])).to.deep.equal([
        ['Moved from wishlist', 2],
      ]);
      expect(data.subtotal).to.equal(1000);
      expect(await stockOf(p.id)).to.equal(18);
      const cart = await t.request({ method: 'GET', url: '/api/cart', token: buyer.token });
      expect(cart.json().data.cart.items).to.deep.equal([]);

      const empty = await place(buyer.token, []);
      expect(empty.statusCode).to.equal(400);
      expect(empty.json()).to.deep.include({ code: 'EMPTY_ORDER', message: 'No items to order' });
      const none = await t.request({
        method: 'POST',
        url: '/api/orders',
        token: buyer.token,
        body: { shippingAddress: ADDRESS },
      });
      expect(none.statusCode).to.equal(400);
      expect(none.json().code).to.equal('EMPTY_ORDER');
    });
  });

  describe('GET /api/orders/my-orders and /api/orders', () => {
    it('401 without a token', async () => {
      expect((await t.request({ method: 'GET', url: '/api/orders/my-orders' })).statusCode).to.equal(401);
      expect((await t.request({ method: 'GET', url: '/api/orders' })).statusCode).to.equal(401);
    });

    it("lists only the caller's orders, newest first, with products populated", async () => {
      const buyer = await registerUser(t);
      const p = await product({ name: 'Tulips' });
      const first = await placeOk(buyer.token, p.id, 1);
      await new Promise((r) => setTimeout(r, 5));
      const second = await placeOk(buyer.token, p.id, 2);
      await placeOk(other.token, p.id, 1);
      for (const url of ['/api/orders/my-orders', '/api/orders', '/api/api/orders/my-orders']) {
        const res = await t.request({ method: 'GET', url, token: buyer.token });
        expect(res.statusCode, url).to.equal(200);
        const body = res.json();
        expect(body.status).to.equal('success');
        expect(body.count).to.equal(2);
        expect(body.data.orders.map((o: { _id: string }) => o._id)).to.deep.equal([second._id, first._id]);
        const item = body.data.orders[0].items[0];
        expect(item.product).to.deep.equal({
          _id: p.id,
          name: 'Tulips',
          images: [
            { _id: p.images[0]!.id, url: 'https://img.example/roses.jpg', alt: 'Roses', isPrimary: true },
          ],
        });
        expect(item.quantity).to.equal(2);
        expect(body.data.orders[0].totalAmount).to.equal(body.data.orders[0].total);
      }
    });
  });

  describe('GET /api/orders/:id', () => {
    it('answers the owner and admins in the dual shape; others, unknown ids 404; malformed 400', async () => {
      const p = await product();
      const order = await placeOk(shopper.token, p.id);
      const own = await t.request({ method: 'GET', url: `/api/orders/${order._id}`, token: shopper.token });
      expect(own.statusCode).to.equal(200);
      const { order: nested, ...top } = own.json().data;
      expect(nested).to.deep.equal(order);
      expect(top).to.deep.equal(order);

      const byAdmin = await t.request({ method: 'GET', url: `/api/orders/${order._id}`, token: admin });
      expect(byAdmin.statusCode).to.equal(200);
      expect(byAdmin.json().data._id).to.equal(order._id);

      const stranger = await t.request({
        method: 'GET',
        url: `/api/orders/${order._id}`,
        token: other.token,
      });
      expect(stranger.statusCode).to.equal(404);
      expect(stranger.json()).to.deep.include({ status: 'error', message: 'Order not found' });

      const unknown = await t.request({
        method: 'GET',
        url: `/api/orders/${testId()}`,
        token: shopper.token,
      });
      expect(unknown.statusCode).to.equal(404);
      const malformed = await t.request({
        method: 'GET',
        url: '/api/orders/not-an-id',
        token: shopper.token,
      });
      expect(malformed.statusCode).to.equal(400);
      const noToken = await t.request({ method: 'GET', url: `/api/orders/${order._id}` });
      expect(noToken.statusCode).to.equal(401);
    });
  });

  describe('PUT /api/orders/:id/cancel', () => {
    it("404 for someone else's order; owner cancels, stock returns; second cancel 400", async () => {
      const p = await product();
      const order = await placeOk(shopper.token, p.id, 3);
      expect(await stockOf(p.id)).to.equal(17);

      const stranger = await t.request({
        method: 'PUT',
        url: `/api/orders/${order._id}/cancel`,
        token: other.token,
        body: {},
      });
      expect(stranger.statusCode).to.equal(404);
      expect(stranger.json().message).to.equal('Order not found');
      const byAdmin = await t.request({
        method: 'PUT',
        url: `/api/orders/${order._id}/cancel`,
        token: admin,
        body: {},
      });
      expect(byAdmin.statusCode).to.equal(404);
      expect(await stockOf(p.id)).to.equal(17);

      const unknownField = await t.request({
        method: 'PUT',
        url: `/api/orders/${order._id}/cancel`,
        token: shopper.token,
        body: { reason: 'x', status: 'delivered' },
      });
      expect(unknownField.statusCode).to.equal(400);

      const res = await t.request({
        method: 'PUT',
        url: `/api/orders/${order._id}/cancel`,
        token: shopper.token,
        body: { reason: 'Wrong address' },
      });
      expect(res.statusCode, res.body).to.equal(200);
      const cancelled = res.json().data.order;
      expect(cancelled.status).to.equal('cancelled');
      expect(cancelled.orderStatus).to.equal('cancelled');
      expect(cancelled.statusHistory.at(-1)).to.deep.include({
        status: 'cancelled',
        changedBy: shopper.user._id,
        note: 'Cancelled by customer: Wrong address',
      });
      expect(await stockOf(p.id)).to.equal(20);

      const again = await t.request({
        method: 'PUT',
        url: `/api/orders/${order._id}/cancel`,
        token: shopper.token,
      });
      expect(again.statusCode).to.equal(400);
      expect(again.json()).to.deep.include({
        status: 'error',
        message: 'Cannot cancel order in current status',
      });
      expect(await stockOf(p.id)).to.equal(20);
    });

    it('400 once the order is processing; 401 without token; 400 malformed id', async () => {
      const p = await product();
      const order = await placeOk(shopper.token, p.id);
      for (const status of ['confirmed', 'processing']) {
        const moved = await t.request({
          method: 'PUT',
          url: `/api/orders/${order._id}/status`,
          token: admin,
          body: { status },
        });
        expect(moved.statusCode, moved.body).to.equal(200);
      }
      const res = await t.request({
        method: 'PUT',
        url: `/api/orders/${order._id}/cancel`,
        token: shopper.token,
      });
      expect(res.statusCode).to.equal(400);
      expect(res.json().code).to.equal('ORDER_NOT_CANCELLABLE');
      expect(await stockOf(p.id)).to.equal(19);
      expect(
        (await t.request({ method: 'PUT', url: `/api/orders/${order._id}/cancel` })).statusCode,
      ).to.equal(401);
      expect(
        (await t.request({ method: 'PUT', url: '/api/orders/zzz/cancel', token: shopper.token })).statusCode,
      ).to.equal(400);
    });
  });

  describe('admin routes under /api/orders', () => {
    it('GET /api/orders/admin/all: 401, 403 for shoppers, 200 for admins with a status filter', async () => {
      expect((await t.request({ method: 'GET', url: '/api/orders/admin/all' })).statusCode).to.equal(401);
      const forbidden = await t.request({
        method: 'GET',
        url: '/api/orders/admin/all',
        token: shopper.token,
      });
      expect(forbidden.statusCode).to.equal(403);
      const p = await product();
      const order = await placeOk(other.token, p.id);
      const res = await t.request({
        method: 'GET',
        url: '/api/orders/admin/all?status=pending&limit=100',
        token: admin,
      });
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body.data.orders.map((o: { _id: string }) => o._id)).to.include(order._id);
      expect(body.data.orders.every((o: { status: string }) => o.status === 'pending')).to.equal(true);
      expect(body.count).to.equal(body.data.orders.length);
      expect(body.data.pagination).to.deep.include({ page: 1, limit: 100 });
      const bad = await t.request({ method: 'GET', url: '/api/orders/admin/all?status=lost', token: admin });
      expect(bad.statusCode).to.equal(400);
    });

    it('PUT /api/orders/:id/status: 403 for shoppers, tracking for admins, invalid transition 400, 404', async () => {
      const p = await product();
      const order = await placeOk(shopper.token, p.id);
      const url = `/api/orders/${order._id}/status`;
      const forbidden = await t.request({
        method: 'PUT',
        url,
        token: shopper.token,
        body: { status: 'confirmed' },
      });
      expect(forbidden.statusCode).to.equal(403);
      const invalid = await t.request({ method: 'PUT', url, token: admin, body: { status: 'shipped' } });
      expect(invalid.statusCode).to.equal(400);
      expect(invalid.json()).to.deep.include({
        code: 'INVALID_STATUS_TRANSITION',
        message: 'Cannot change order status from pending to shipped',
      });
      const badValue = await t.request({ method: 'PUT', url, token: admin, body: { status: 'lost' } });
      expect(badValue.statusCode).to.equal(400);
      const ok = await t.request({
        method: 'PUT',
        url,
        token: admin,
        body: { status: 'confirmed', trackingNumber: 'TRK-1', statusMessage: 'Packed with love' },
      });
      expect(ok.statusCode, ok.body).to.equal(200);
      expect(ok.json().data.order).to.deep.include({
        status: 'confirmed',
        orderStatus: 'confirmed',
        trackingNumber: 'TRK-1',
        statusMessage: 'Packed with love',
      });
      const missing = await t.request({
        method: 'PUT',
        url: `/api/orders/${testId()}/status`,
        token: admin,
        body: { status: 'confirmed' },
      });
      expect(missing.statusCode).to.equal(404);
    });
  });
});
