import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct } from '../../support/kit.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

/** The product exists in this app's catalog (the catalog may still be the in-memory one). */
async function ensureProduct(t: TestApp, product: Product): Promise<void> {
  const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
  if (!(await products.findById(product.id))) await products.create(product);
}

describeWith(['mongo'], 'the app on MongoDB: identity, wishlist, cart and ordering persist', () => {
  const uri = mongoTestUri('app');
  const roses = aProduct({ name: 'Mongo Roses', price: 50000 });
  const lilies = aProduct({ name: 'Mongo Lilies', price: 20000 });
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  let shopper: { token: string; user: { _id: string; email: string }; password: string };
  let loggedOut: string;
  let cancelledId: string;
  let keptId: string;

  after(async () => {
    const app = second ?? first;
    if (app) await app.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await second?.close();
    if (first && first !== second) await first.close().catch(() => undefined);
  });

  it('register, login, wishlist add/remove, cart add, place order, my-orders, cancel', async () => {
    first = await buildTestApp({ MONGODB_URI: uri });
    const t = first;
    await ensureProduct(t, roses);
    await ensureProduct(t, lilies);
    shopper = await registerUser(t);
    const login = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: shopper.user.email.toUpperCase(), password: shopper.password },
    });
    expect(login.statusCode, login.body).to.equal(200);
    expect(login.json().data.user._id).to.equal(shopper.user._id);
    // Another account's session is the one logged out (a second token of the same user issued in
    // the same second would be the same JWT, hence revoked with it).
    loggedOut = (await registerUser(t)).token;
    const dup = await t.request({
      method: 'POST',
      url: '/api/auth/register',
      body: {
        fullName: 'Again',
        email: shopper.user.email,
        password: 'another-pass',
        phone: '',
        birthday: '',
      },
    });
    expect(dup.statusCode).to.equal(400);

    const token = shopper.token;
    for (const id of [roses.id, lilies.id]) {
      const added = await t.request({ method: 'POST', url: `/api/wishlist/${id}`, token });
      expect(added.statusCode, added.body).to.be.oneOf([200, 201]);
    }
    const again = await t.request({ method: 'POST', url: `/api/wishlist/${roses.id}`, token });
    expect(again.json().message).to.equal('Product already in wishlist');
    const removed = await t.request({ method: 'DELETE', url: `/api/wishlist/${lilies.id}`, token });
    expect(removed.statusCode, removed.body).to.equal(200);
    const wishlist = await t.request({ method: 'GET', url: '/api/wishlist', token });
    expect(wishlist.json().data.wishlist.map((p: { _id: string }) => p._id)).to.deep.equal([roses.id]);

    const cart = await t.request({
      method: 'POST',
      url: '/api/cart',
      token,
      body: { productId: lilies.id, quantity: 2 },
    });
    expect(cart.statusCode, cart.body).to.be.oneOf([200, 201]);

    const placed = await t.request({
      method: 'POST',
      url: '/api/orders',
      token,
      body: { items: [{ product: roses.id, quantity: 1 }], shippingAddress: ADDRESS },
    });
    expect(placed.statusCode, placed.body).to.equal(201);
    cancelledId = placed.json().data._id;
    const kept = await t.request({
      method: 'POST',
      url: '/api/orders',
      token,
      body: { items: [{ product: roses.id, quantity: 2 }], shippingAddress: ADDRESS },
    });
    expect(kept.statusCode, kept.body).to.equal(201);
    keptId = kept.json().data._id;

    const mine = await t.request({ method: 'GET', url: '/api/orders/my-orders', token });
    expect(mine.json().data.orders.map((o: { _id: string }) => o._id)).to.deep.equal([keptId, cancelledId]);
    const cancel = await t.request({
      method: 'PUT',
      url: `/api/orders/${cancelledId}/cancel`,
      token,
      body: {},
    });
    expect(cancel.statusCode, cancel.body).to.equal(200);
    const twice = await t.request({
      method: 'PUT',
      url: `/api/orders/${cancelledId}/cancel`,
      token,
      body: {},
    });
    expect(twice.statusCode).to.equal(400);

    const logout = await t.request({ method: 'POST', url: '/api/auth/logout', token: loggedOut });
    expect(logout.statusCode, logout.body).to.equal(200);
    expect((await t.request({ method: 'GET', url: '/api/auth/me', token: loggedOut })).statusCode).to.equal(
      401,
    );

    expect((await t.request({ method: 'GET', url: '/api/auth/me', token })).statusCode).to.equal(200);

    // What the app wrote really is in MongoDB.
    const db = t.container.get<Connection>(MONGO_CONNECTION).db!;
    expect(await db.collection('users').countDocuments({ email: shopper.user.email })).to.equal(1);
    expect(await db.collection('carts').countDocuments({ userId: shopper.user._id })).to.equal(1);
    expect(await db.collection('orders').countDocuments({ userId: shopper.user._id })).to.equal(2);
    expect(await db.collection('revoked_tokens').countDocuments()).to.equal(1);
  });

  it('a restarted app on the same database keeps users, sessions, revocations, wishlist, cart and orders', async () => {
    expect(first, 'the first test ran').to.not.equal(undefined);
    await first!.close();
    second = await buildTestApp({ MONGODB_URI: uri });
    const t = second;
    await ensureProduct(t, roses);
    await ensureProduct(t, lilies);
    const token = shopper.token;

    const me = await t.request({ method: 'GET', url: '/api/auth/me', token });
    expect(me.statusCode, me.body).to.equal(200);
    expect(me.json().data.user.email).to.equal(shopper.user.email);
    expect((await t.request({ method: 'GET', url: '/api/auth/me', token: loggedOut })).statusCode).to.equal(
      401,
    );
    const login = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: shopper.user.email, password: shopper.password },
    });
    expect(login.statusCode).to.equal(200);

    const wishlist = await t.request({ method: 'GET', url: '/api/wishlist', token });
    expect(wishlist.json().data.wishlist.map((p: { _id: string }) => p._id)).to.deep.equal([roses.id]);
    const cart = await t.request({ method: 'GET', url: '/api/cart', token });
    expect(
      cart
        .json()
        .data.cart.items.map((i: { product: { _id: string } | string; quantity: number }) => [
          typeof i.product === 'string' ? i.product : i.product._id,
          i.quantity,
        ]),
    ).to.deep.equal([[lilies.id, 2]]);
    const mine = await t.request({ method: 'GET', url: '/api/orders/my-orders', token });
    const orders = mine.json().data.orders as Array<{ _id: string; status: string }>;
    expect(orders.map((o) => [o._id, o.status])).to.deep.equal([
      [keptId, 'pending'],
      [cancelledId, 'cancelled'],
    ]);
    const cancel = await t.request({ method: 'PUT', url: `/api/orders/${keptId}/cancel`, token, body: {} });
    expect(cancel.statusCode, cancel.body).to.equal(200);
  });
});
