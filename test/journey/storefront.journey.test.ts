import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { buildTestApp, ADMIN_EMAIL, ADMIN_PASSWORD, type TestApp } from '../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../support/services.js';

/**
 * The storefront's live calls (compat 0.2, 13) over real HTTP, in the order a shopper makes them,
 * through the doubled /api/api prefix the storefront really sends — on the embedded default, and
 * again on MongoDB + Redis (the same journey must not be able to tell them apart).
 */
describe('journey on the embedded default', () => journey(() => ({})));

describeWith(['mongo', 'redis'], 'journey on MongoDB + Redis', () =>
  journey(() => ({ MONGODB_URI: mongoTestUri('journey'), REDIS_URL: serviceUrl('redis') })),
);

function journey(env: () => Record<string, string>): void {
  describe('a shopper and an admin through the storefront, over real HTTP', () => {
    let t: TestApp;
    let base: string;
    const origin = 'http://localhost:5173';

    before(async () => {
      t = await buildTestApp({ RATE_LIMIT_ENABLED: 'true', ...env() });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      base = `http://127.0.0.1:${address.port}/api`;
    });
    after(async () => {
      if (!t) return;
      if (t.container.isBound(MONGO_CONNECTION))
        await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await t.close();
    });

    async function call(method: string, path: string, token?: string, body?: unknown) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          origin,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    }

    it('walks browse, wishlist, move-to-cart, checkout, order history, profile and logout', async () => {
      // Login page "test connection" button.
      const health = await call('GET', '/api/health');
      expect(health.status).to.equal(200);
      expect(health.body.message).to.equal('Server is running!');
      expect(health.headers.get('access-control-allow-origin')).to.equal(origin);

      // Home page: suggested products, no token yet.
      const suggested = await call('GET', '/api/products/suggested');
      expect(suggested.status).to.equal(200);
      const products = suggested.body.data.products as Array<{
        _id: string;
        name: string;
        price: number;
        inStock: boolean;
      }>;
      expect(products.length).to.be.within(1, 8);
      const [first, second] = products;
      expect(first!.price).to.be.a('number');

      // Sign up (SignUpPage), then the app shell loads the wishlist.
      const email = `journey.${Date.now()}@example.com`;
      const signup = await call('POST', '/api/auth/register', undefined, {
        fullName: 'Journey Shopper',
        email,
        password: 'journey-pass',
        phone: '+91 98765-43210',
        birthday: '',
      });
      expect(signup.status).to.equal(201);
      const token: string = signup.body.token;
      const [, payload] = token.split('.');
      // Its sign-in session rides along (sid); the part still decodes with atob (compat 0.3).
      expect(payload).to.match(/^[A-Za-z0-9]+$/);
      expect(Object.keys(JSON.parse(atob(payload!)))).to.deep.equal(['id', 'sid', 'iat', 'exp']);

      // A bad token on a public endpoint is ignored (compat 0.3).
      expect((await call('GET', '/api/products/suggested', 'not.a.token')).status).to.equal(200);

      // Login (LoginPage) gives a fresh token.
      const login = await call('POST', '/api/auth/login', undefined, { email, password: 'journey-pass' });
      expect(login.status).to.equal(200);
      const shopper: string = login.body.token;

      const emptyWishlist = await call('GET', '/api/wishlist', shopper);
      expect(emptyWishlist.body.data.wishlist).to.deep.equal([]);

      // Heart two products, then move one to the cart.
      expect((await call('POST', `/api/wishlist/${first!._id}`, shopper)).body.data.wishlist).to.have.length(
        1,
      );
      const hearted = await call('POST', `/api/wishlist/${second!._id}`, shopper);
      expect(hearted.body.data.wishlist.map((p: { _id: string }) => p._id)).to.deep.equal([
        first!._id,
        second!._id,
      ]);
      // The wishlist page prints `category` as text: an id string (or null), never an object.
      const category = hearted.body.data.wishlist[0].category;
      expect(category === null || typeof category === 'string').to.equal(true);

      const moved = await call('POST', `/api/wishlist/${second!._id}/move-to-cart`, shopper, {
        quantity: 1,
        price: second!.price,
      });
      expect(moved.status).to.equal(200);
      expect(moved.body.data.transactionId).to.be.a('string').and.not.empty;
      expect(moved.body.data.wishlist.map((p: { _id: string }) => p._id)).to.deep.equal([first!._id]);
      expect(moved.body.data.cart.items).to.have.length(1);

      // Checkout: the local cart holds the moved line (productId only, no product field), so the
      // order is placed from the server cart (compat 13).
      const order = await call('POST', '/api/orders', shopper, {
        items: [{ quantity: 1, price: second!.price, personalNote: 'Happy birthday!' }],
        shippingAddress: {
          fullName: 'Journey Shopper',
          street: '12 MG Road',
          city: 'Pune',
          state: 'Maharashtra',
          zipCode: '411001',
          country: 'India',
          phone: '+91 98765-43210',
        },
        subtotal: 1,
        discount: 0,
        total: 1,
      });
      expect(order.status).to.equal(201);
      expect(order.body.data.source).to.equal('cart');
      expect(order.body.data._id).to.equal(order.body.data.order._id);
      expect(order.body.data.orderNumber).to.match(/^AF-\d{9}$/);
      const subtotal = second!.price;
      expect(order.body.data.subtotal).to.equal(subtotal);
      expect(order.body.data.shippingFee).to.equal(5);
      expect(order.body.data.tax).to.equal(Math.round(subtotal * 8) / 100);
      expect(order.body.data.totalAmount).to.equal(order.body.data.total);
      expect(order.body.data.total).to.be.closeTo(subtotal + 5 + subtotal * 0.08, 0.005);

      // Order confirmation page, then the profile's orders tab.
      const detail = await call('GET', `/api/orders/${order.body.data._id}`, shopper);
      expect(detail.status).to.equal(200);
      expect(detail.body.data.orderNumber).to.equal(order.body.data.orderNumber);
      const mine = await call('GET', '/api/orders/my-orders', shopper);
      expect(mine.body.data.orders.map((o: { _id: string }) => o._id)).to.deep.equal([order.body.data._id]);

      // Profile: me, update details.
      const me = await call('GET', '/api/auth/me', shopper);
      expect(me.body.data.user.email).to.equal(email);
      const updated = await call('PUT', '/api/auth/updatedetails', shopper, {
        fullName: 'Journey S. Shopper',
        email,
        phone: '+91 98765-43210',
        birthday: '1 May',
      });
      expect(updated.status).to.equal(200);
      expect(updated.body.data.user.fullName).to.equal('Journey S. Shopper');

      // Location provider (relative fetch on the storefront's origin).
      const serviceable = await call('POST', '/location/check-serviceable', undefined, { city: 'Pune' });
      expect(serviceable.body.isServiceable).to.equal(true);

      // Logout from the profile (GET) revokes the token.
      expect((await call('GET', '/api/auth/logout', shopper)).status).to.equal(200);
      expect((await call('GET', '/api/wishlist', shopper)).status).to.equal(401);
    });

    it('walks the admin area: login, guard, dashboard numbers, logout', async () => {
      const login = await call('POST', '/api/auth/login', undefined, {
        email: ADMIN_EMAIL,
        password: ADMIN_PASSWORD,
      });
      expect(login.status).to.equal(200);
      const admin: string = login.body.token;
      const test = await call('GET', '/api/admin/test', admin);
      expect(test.status).to.equal(200);
      expect(test.body.data.user.role).to.equal('admin');
      const me = await call('GET', '/api/auth/me', admin);
      expect(me.body.user.email).to.equal(ADMIN_EMAIL);
      const sales = await call('GET', '/api/admin/analytics/sales', admin);
      expect(sales.status).to.equal(200);
      expect(sales.body.totalProducts).to.be.greaterThan(29);
      expect(sales.body.totalOrders).to.be.a('number');
      expect((await call('POST', '/api/auth/logout', admin)).status).to.equal(200);
      expect((await call('GET', '/api/admin/test', admin)).status).to.equal(401);
    });
  });
}
