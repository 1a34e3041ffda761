import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct, testId } from '../../support/kit.js';

describe('HTTP /api/cart', () => {
  let t: TestApp;
  let token: string;
  let userId: string;
  let products: ProductRepository;
  let roses: Product;
  let lilies: Product;

  before(async () => {
    t = await buildTestApp();
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
  });
  after(async () => t.close());

  beforeEach(async () => {
    const u = await registerUser(t);
    token = u.token;
    userId = u.user._id;
    roses = await products.create(
      aProduct({
        name: 'Cart Roses',
        price: 129950,
        sizes: [
          { id: testId(), name: 'standard', price: 0 },
          { id: testId(), name: 'deluxe', price: 50000 },
        ],
        vases: [{ id: testId(), name: 'premium', price: 30025 }],
        inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true },
        categoryId: testId(),
      }),
    );
    lilies = await products.create(aProduct({ name: 'Cart Lilies', price: 49900 }));
  });

  const get = (tk = token) => t.request({ method: 'GET', url: '/api/cart', token: tk });
  const add = (body: unknown, tk = token) => t.request({ method: 'POST', url: '/api/cart', token: tk, body });

  describe('auth', () => {
    for (const [method, url, body] of [
      ['GET', '/api/cart', undefined],
      ['POST', '/api/cart', { productId: 'a'.repeat(24) }],
      ['PUT', `/api/cart/${'a'.repeat(24)}`, { quantity: 1 }],
      ['DELETE', `/api/cart/${'a'.repeat(24)}`, undefined],
      ['DELETE', '/api/cart', undefined],
    ] as const) {
      it(`${method} ${url} without a token is 401`, async () => {
        const res = await t.request({ method, url, ...(body ? { body } : {}) });
        expect(res.statusCode).to.equal(401);
        expect(res.json().status).to.equal('error');
        expect(res.json().message).to.contain('Not authorized');
      });
    }

    it('a bad token is 401 too', async () => {
      const res = await get('not.a.token');
      expect(res.statusCode).to.equal(401);
    });
  });

  describe('GET /cart', () => {
    it('creates an empty cart on first read and answers the same one afterwards', async () => {
      const res = await get();
      expect(res.statusCode).to.equal(200);
      const { status, data } = res.json();
      expect(status).to.equal('success');
      expect(data.cart).to.include({ user: userId, subtotal: 0, total: 0 });
      expect(data.cart._id).to.match(/^[0-9a-f]{24}$/);
      expect(data.cart.items).to.deep.equal([]);
      expect(new Date(data.cart.createdAt).toISOString()).to.equal(data.cart.createdAt);
      const again = (await get()).json();
      expect(again.data.cart._id).to.equal(data.cart._id);
    });

    it('is served under the doubled prefix /api/api/cart', async () => {
      const res = await t.request({ method: 'GET', url: '/api/api/cart', token });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data.cart.user).to.equal(userId);
    });
  });

  describe('POST /cart', () => {
    it('adds a line: product populated (category id only), money in major units, options by name', async () => {
      const res = await add({
        productId: roses.id,
        quantity: 2,
        size: 'deluxe',
        vase: { name: 'premium', price: 0.01 },
        personalNote: 'For you',
      });
      expect(res.statusCode).to.equal(200);
      const cart = res.json().data.cart;
      expect(cart.items).to.have.length(1);
      const item = cart.items[0];
      expect(item._id).to.match(/^[0-9a-f]{24}$/);
      expect(item.product._id).to.equal(roses.id);
      expect(item.product.name).to.equal('Cart Roses');
      expect(item.product.price).to.equal(1299.5);
      expect(item.product.category).to.equal(roses.categoryId);
      expect(item).to.deep.include({
        quantity: 2,
        size: { name: 'deluxe', price: 500 },
        vase: { name: 'premium', price: 300.25 }, // the client's 0.01 is ignored
        personalNote: 'For you',
        price: 1299.5,
      });
      expect(cart.subtotal).to.equal((1299.5 + 500 + 300.25) * 2);
      expect(cart.total).to.equal(cart.subtotal);
    });

    it('defaults the quantity to 1 and omits unset size/vase/note (never {})', async () => {
      const res = await add({ productId: lilies.id });
      expect(res.statusCode).to.equal(200);
      const item = res.json().data.cart.items[0];
      expect(item.quantity).to.equal(1);
      expect(item).to.not.have.any.keys('size', 'vase', 'personalNote');
      expect(res.json().data.cart.subtotal).to.equal(499);
    });

    it('merges the same configuration into one line and keeps a different one apart', async () => {
      await add({ productId: roses.id, size: 'deluxe' });
      await add({ productId: roses.id, size: { name: 'deluxe' }, quantity: 2 });
      const res = await add({ productId: roses.id, size: 'standard' });
      const items = res.json().data.cart.items;
      expect(
        items.map((i: { size: { name: string }; quantity: number }) => [i.size.name, i.quantity]),
      ).to.deep.equal([
        ['deluxe', 3],
        ['standard', 1],
      ]);
    });

    it('404 Product not found for an unknown product', async () => {
      const res = await add({ productId: testId() });
      expect(res.statusCode).to.equal(404);
      expect(res.json()).to.include({ status: 'error', message: 'Product not found' });
    });

    it('400 Insufficient stock beyond the stock over all lines, cart unchanged', async () => {
      await add({ productId: roses.id, quantity: 4, size: 'deluxe' });
      const res = await add({ productId: roses.id, quantity: 2, size: 'standard' });
      expect(res.statusCode).to.equal(400);
      expect(res.json()).to.include({ status: 'error', message: 'Insufficient stock' });
      const items = (await get()).json().data.cart.items;
      expect(items).to.have.length(1);
      expect(items[0].quantity).to.equal(4);
    });

    it('400 PRODUCT_UNAVAILABLE (not Insufficient stock) for an unavailable product with stock, cart unchanged', async () => {
      const hidden = await products.create(
        aProduct({
          name: 'Paused Tulips',
          inventory: { stock: 40, lowStockThreshold: 1, isAvailable: false },
        }),
      );
      const res = await add({ productId: hidden.id, quantity: 1 });
      expect(res.statusCode).to.equal(400);
      expect(res.json()).to.deep.equal({
        status: 'error',
        code: 'PRODUCT_UNAVAILABLE',
        message: 'Product is currently unavailable',
        productId: hidden.id,
      });
      expect((await get()).json().data.cart.items).to.deep.equal([]);
    });

    it('400 UNKNOWN_OPTION naming the unknown size', async () => {
      const res = await add({ productId: roses.id, size: 'grand' });
      expect(res.statusCode).to.equal(400);
      expect(res.json().code).to.equal('UNKNOWN_OPTION');
      expect(res.json().message).to.contain("'grand'");
    });

    for (const [label, body] of [
      ['quantity as a string', { quantity: '2' }],
      ['an operator object as quantity', { quantity: { $gt: 0 } }],
      ['quantity 0', { quantity: 0 }],
      ['a fractional quantity', { quantity: 1.5 }],
      ['an unknown field', { price: 1 }],
      ['an operator object as productId', { productId: { $gt: '' } }],
      ['a malformed productId', { productId: 'mock-1' }],
      ['size as a number', { size: 3 }],
      ['size object with an unknown field', { size: { name: 'deluxe', extra: 1 } }],
      ['a 501-character note', { personalNote: 'x'.repeat(501) }],
    ] as const) {
      it(`400 for ${label}`, async () => {
        const res = await add({ productId: roses.id, ...body });
        expect(res.statusCode).to.equal(400);
        expect(res.json().status).to.equal('error');
        expect(res.json().message).to.be.a('string').and.not.equal('');
        expect((await get()).json().data.cart.items).to.deep.equal([]);
      });
    }

    it('400 without productId', async () => {
      const res = await add({ quantity: 1 });
      expect(res.statusCode).to.equal(400);
      expect(res.json().message).to.contain('productId');
    });
  });

  describe('PUT /cart/:itemId', () => {
    it('changes the quantity and the note', async () => {
      const itemId = (await add({ productId: roses.id })).json().data.cart.items[0]._id;
      const res = await t.request({
        method: 'PUT',
        url: `/api/cart/${itemId}`,
        token,
        body: { quantity: 3, personalNote: 'Happy day' },
      });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data.cart.items[0]).to.include({ quantity: 3, personalNote: 'Happy day' });
      expect(res.json().data.cart.subtotal).to.equal(1299.5 * 3);
    });

    it('400 Insufficient stock above the stock', async () => {
      const itemId = (await add({ productId: roses.id })).json().data.cart.items[0]._id;
      const res = await t.request({
        method: 'PUT',
        url: `/api/cart/${itemId}`,
        token,
        body: { quantity: 6 },
      });
      expect(res.statusCode).to.equal(400);
      expect(res.json().message).to.equal('Insufficient stock');
    });

    it('404 Item not found in cart for an unknown item', async () => {
      const res = await t.request({
        method: 'PUT',
        url: `/api/cart/${testId()}`,
        token,
        body: { quantity: 1 },
      });
      expect(res.statusCode).to.equal(404);
      expect(res.json()).to.include({ status: 'error', message: 'Item not found in cart' });
    });

    for (const [label, url, body] of [
      ['a malformed item id', '/api/cart/not-an-id', { quantity: 1 }],
      ['an operator object as quantity', null, { quantity: { $gt: 0 } }],
      ['quantity as a string', null, { quantity: '2' }],
      ['an unknown field', null, { quantity: 1, size: 'deluxe' }],
    ] as const) {
      it(`400 for ${label}`, async () => {
        const itemId = (await add({ productId: roses.id })).json().data.cart.items[0]._id;
        const res = await t.request({ method: 'PUT', url: url ?? `/api/cart/${itemId}`, token, body });
        expect(res.statusCode).to.equal(400);
        expect(res.json().status).to.equal('error');
        expect((await get()).json().data.cart.items[0].quantity).to.equal(1);
      });
    }
  });

  describe('DELETE /cart/:itemId and DELETE /cart', () => {
    it('removes a line; an unknown line is a no-op', async () => {
      await add({ productId: roses.id });
      const items = (await add({ productId: lilies.id })).json().data.cart.items;
      const noop = await t.request({ method: 'DELETE', url: `/api/cart/${testId()}`, token });
      expect(noop.statusCode).to.equal(200);
      expect(noop.json().data.cart.items).to.have.length(2);
      const res = await t.request({ method: 'DELETE', url: `/api/cart/${items[0]._id}`, token });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data.cart.items.map((i: { _id: string }) => i._id)).to.deep.equal([items[1]._id]);
      expect(res.json().data.cart.subtotal).to.equal(499);
    });

    it('400 for a malformed item id', async () => {
      const res = await t.request({ method: 'DELETE', url: '/api/cart/xyz', token });
      expect(res.statusCode).to.equal(400);
    });

    it('empties the cart', async () => {
      await add({ productId: roses.id });
      const res = await t.request({ method: 'DELETE', url: '/api/cart', token });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data.cart).to.include({ subtotal: 0, total: 0 });
      expect(res.json().data.cart.items).to.deep.equal([]);
    });
  });

  describe('isolation', () => {
    it("never shows or changes another user's cart", async () => {
      const itemId = (await add({ productId: roses.id, quantity: 2 })).json().data.cart.items[0]._id;
      const other = await registerUser(t);
      const theirs = (await get(other.token)).json().data.cart;
      expect(theirs.items).to.deep.equal([]);
      expect(theirs.user).to.equal(other.user._id);
      const put = await t.request({
        method: 'PUT',
        url: `/api/cart/${itemId}`,
        token: other.token,
        body: { quantity: 1 },
      });
      expect(put.statusCode).to.equal(404);
      await t.request({ method: 'DELETE', url: `/api/cart/${itemId}`, token: other.token });
      await t.request({ method: 'DELETE', url: '/api/cart', token: other.token });
      const mine = (await get()).json().data.cart;
      expect(mine.items).to.have.length(1);
      expect(mine.items[0].quantity).to.equal(2);
    });
  });
});
