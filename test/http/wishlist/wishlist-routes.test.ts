import { expect } from 'chai';
import {
  CATEGORY_REPOSITORY,
  PRODUCT_REPOSITORY,
  type CategoryRepository,
  type ProductRepository,
} from '../../../application/catalog/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct, testId } from '../../support/kit.js';

type Item = { _id: string; name: string; price: number; category: unknown; images: { url: string }[] };

describe('HTTP /api/wishlist', () => {
  let t: TestApp;
  let token: string;
  let products: ProductRepository;
  let p: Product[];
  let categoryId: string;

  before(async () => {
    t = await buildTestApp();
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const categories = await t.container.get<CategoryRepository>(CATEGORY_REPOSITORY).list();
    expect(categories.length, 'the demo seed provides categories').to.be.greaterThan(0);
    categoryId = categories[0]!.id;
  });
  after(async () => t.close());

  beforeEach(async () => {
    token = (await registerUser(t)).token;
    p = [];
    for (let i = 0; i < 4; i += 1) {
      p.push(
        await products.create(
          aProduct({
            name: `Wish ${i}`,
            price: 99950 + i * 100,
            originalPrice: 120000,
            categoryId,
            inventory: { stock: 2, lowStockThreshold: 1, isAvailable: true },
          }),
        ),
      );
    }
  });

  const list = async (tk = token): Promise<Item[]> => {
    const res = await t.request({ method: 'GET', url: '/api/wishlist', token: tk });
    expect(res.statusCode).to.equal(200);
    return res.json().data.wishlist;
  };
  const ids = async (tk = token) => (await list(tk)).map((x) => x._id);
  const addReq = (id: string, tk = token) =>
    t.request({ method: 'POST', url: `/api/wishlist/${id}`, token: tk });
  const removeReq = (id: string, tk = token) =>
    t.request({ method: 'DELETE', url: `/api/wishlist/${id}`, token: tk });
  const move = (id: string, body: unknown = { quantity: 1, price: 999.5 }) =>
    t.request({ method: 'POST', url: `/api/wishlist/${id}/move-to-cart`, token, body });
  const cartItems = async () =>
    (await t.request({ method: 'GET', url: '/api/cart', token })).json().data.cart.items as {
      _id: string;
      quantity: number;
      product: { _id: string };
    }[];

  describe('auth', () => {
    const id = 'a'.repeat(24);
    for (const [method, url] of [
      ['GET', '/api/wishlist'],
      ['POST', `/api/wishlist/${id}`],
      ['DELETE', `/api/wishlist/${id}`],
      ['DELETE', '/api/wishlist'],
      ['POST', `/api/wishlist/${id}/move-to-cart`],
      ['GET', '/api/users/favorites'],
      ['POST', `/api/users/favorites/${id}`],
      ['DELETE', `/api/users/favorites/${id}`],
    ] as const) {
      it(`${method} ${url} without a token is 401`, async () => {
        const res = await t.request({
          method,
          url,
          ...(url.endsWith('move-to-cart') ? { body: { quantity: 1 } } : {}),
        });
        expect(res.statusCode).to.equal(401);
        expect(res.json().message).to.contain('Not authorized');
      });
    }
  });

  describe('GET /wishlist', () => {
    it('starts empty', async () => {
      const res = await t.request({ method: 'GET', url: '/api/wishlist', token });
      expect(res.json()).to.deep.equal({ status: 'success', data: { wishlist: [] } });
    });

    it('answers products in insertion order with category as a plain id string', async () => {
      for (const i of [3, 1, 2]) expect((await addReq(p[i]!.id)).statusCode).to.equal(200);
      const items = await list();
      expect(items.map((x) => x._id)).to.deep.equal([p[3]!.id, p[1]!.id, p[2]!.id]);
      expect(items[0]).to.include({ name: 'Wish 3', price: 1002.5, originalPrice: 1200 });
      expect(items[0]!.images[0]!.url).to.equal('https://img.example/roses.jpg');
      for (const item of items) {
        expect(item.category).to.be.a('string');
        expect(item.category).to.equal(categoryId);
      }
    });

    it('drops deleted products', async () => {
      await addReq(p[0]!.id);
      await addReq(p[1]!.id);
      await products.delete(p[0]!.id);
      expect(await ids()).to.deep.equal([p[1]!.id]);
    });

    it('works under the doubled prefix /api/api/wishlist', async () => {
      await t.request({ method: 'POST', url: `/api/api/wishlist/${p[0]!.id}`, token });
      const res = await t.request({ method: 'GET', url: '/api/api/wishlist', token });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data.wishlist.map((x: Item) => x._id)).to.deep.equal([p[0]!.id]);
    });

    it("never shows another user's wishlist", async () => {
      await addReq(p[0]!.id);
      const other = await registerUser(t);
      await addReq(p[1]!.id, other.token);
      expect(await ids()).to.deep.equal([p[0]!.id]);
      expect(await ids(other.token)).to.deep.equal([p[1]!.id]);
      await t.request({ method: 'DELETE', url: '/api/wishlist', token: other.token });
      await removeReq(p[0]!.id, other.token);
      expect(await ids()).to.deep.equal([p[0]!.id]);
    });
  });

  describe('add / remove / clear (compat rules 5, 6, 8, 9)', () => {
    it('add grows by exactly one and the id becomes a member; re-adding does not duplicate', async () => {
      const res = await addReq(p[0]!.id);
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.include({ status: 'success', message: 'Product added to wishlist' });
      expect(res.json().data.wishlist.map((x: Item) => x._id)).to.deep.equal([p[0]!.id]);
      const second = await addReq(p[1]!.id);
      expect(second.json().data.wishlist).to.have.length(2);
      const again = await addReq(p[0]!.id);
      expect(again.statusCode).to.equal(200);
      expect(again.json().message).to.equal('Product already in wishlist');
      expect(again.json().data.wishlist.map((x: Item) => x._id)).to.deep.equal([p[0]!.id, p[1]!.id]);
    });

    it('add takes no body (the storefront sends none) and the answer is populated', async () => {
      const res = await addReq(p[2]!.id);
      const item = res.json().data.wishlist[0];
      expect(item).to.include({ _id: p[2]!.id, name: 'Wish 2', price: 1001.5 });
      expect(item.category).to.equal(categoryId);
    });

    it('remove shrinks by exactly one and the id stops being a member', async () => {
      for (const x of p) await addReq(x.id);
      const res = await removeReq(p[1]!.id);
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.include({ status: 'success', message: 'Product removed from wishlist' });
      expect(res.json().data.wishlist.map((x: Item) => x._id)).to.deep.equal([p[0]!.id, p[2]!.id, p[3]!.id]);
    });

    it('removing an absent (or mock) id is a 200 no-op', async () => {
      await addReq(p[0]!.id);
      for (const id of [p[1]!.id, testId(), 'mock-1']) {
        const res = await removeReq(id);
        expect(res.statusCode).to.equal(200);
        expect(res.json().message).to.equal('Product removed from wishlist');
        expect(res.json().data.wishlist.map((x: Item) => x._id)).to.deep.equal([p[0]!.id]);
      }
    });

    it('a sequence of adds then removes ends empty', async () => {
      for (const x of p) await addReq(x.id);
      expect(await ids()).to.have.length(4);
      for (const [i, x] of p.entries()) {
        const res = await removeReq(x.id);
        expect(res.json().data.wishlist).to.have.length(3 - i);
      }
      expect(await ids()).to.deep.equal([]);
    });

    it('clear empties it', async () => {
      for (const x of p) await addReq(x.id);
      const res = await t.request({ method: 'DELETE', url: '/api/wishlist', token });
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.deep.equal({
        status: 'success',
        message: 'Wishlist cleared',
        data: { wishlist: [] },
      });
      expect(await ids()).to.deep.equal([]);
    });

    it('a failed add leaves the same ids in the same order (unknown id 404, mock ids 404)', async () => {
      await addReq(p[2]!.id);
      await addReq(p[0]!.id);
      for (const id of [testId(), 'mock-1', '3']) {
        const res = await addReq(id);
        expect(res.statusCode).to.equal(404);
        expect(res.json()).to.include({ status: 'error', message: 'Product not found' });
        expect(await ids()).to.deep.equal([p[2]!.id, p[0]!.id]);
      }
    });

    it('add tolerates an empty body sent with Content-Type: application/json', async () => {
      const res = await t.request({
        method: 'POST',
        url: `/api/wishlist/${p[0]!.id}`,
        token,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data.wishlist.map((x: Item) => x._id)).to.deep.equal([p[0]!.id]);
    });

    it('malformed JSON is still a 400 (not a 500)', async () => {
      await addReq(p[0]!.id);
      const res = await t.request({
        method: 'POST',
        url: `/api/wishlist/${p[0]!.id}/move-to-cart`,
        token,
        headers: { 'content-type': 'application/json' },
        body: '{"quantity": 1,',
      });
      expect(res.statusCode).to.equal(400);
      expect(res.json().status).to.equal('error');
      expect(await ids()).to.deep.equal([p[0]!.id]);
    });

    it('an over-long id is a 400 with a message, nothing changed', async () => {
      await addReq(p[0]!.id);
      const res = await addReq('x'.repeat(150));
      expect(res.statusCode).to.equal(400);
      expect(res.json().message).to.be.a('string').and.contain('productId');
      expect(await ids()).to.deep.equal([p[0]!.id]);
    });

    it('concurrent add and remove leave n-1, n or n+1 items and no duplicates', async () => {
      await addReq(p[0]!.id);
      await addReq(p[1]!.id);
      await Promise.all([addReq(p[2]!.id), removeReq(p[0]!.id), addReq(p[2]!.id), addReq(p[3]!.id)]);
      const now = await ids();
      expect(new Set(now).size).to.equal(now.length);
      expect(now).to.deep.equal([p[1]!.id, p[2]!.id, p[3]!.id]);
    });
  });

  describe('POST /wishlist/:productId/move-to-cart', () => {
    it('moves atomically: success shape, item leaves the wishlist and is in the server cart', async () => {
      await addReq(p[0]!.id);
      await addReq(p[1]!.id);
      const res = await move(p[0]!.id, { quantity: 1, price: 999.5 });
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body.status).to.equal('success');
      expect(body.message).to.equal('Product moved from wishlist to cart atomically');
      expect(body.data.transactionId).to.match(/^[0-9a-f]{24}$/);
      expect(body.data.wishlist.map((x: Item) => x._id)).to.deep.equal([p[1]!.id]);
      expect(body.data.wishlist[0].category).to.equal(categoryId);
      const item = body.data.cart.items[0];
      expect(item._id).to.match(/^[0-9a-f]{24}$/);
      expect(item.product._id).to.equal(p[0]!.id);
      expect(item.product.name).to.equal('Wish 0');
      expect(item).to.include({ quantity: 1, price: 999.5 });
      expect(body.data.cart.subtotal).to.equal(999.5);
      expect(await ids()).to.deep.equal([p[1]!.id]);
      expect((await cartItems()).map((i) => i.product._id)).to.deep.equal([p[0]!.id]);
    });

    it('accepts size, vase and personalNote as on POST /cart', async () => {
      await addReq(p[0]!.id);
      const res = await move(p[0]!.id, {
        quantity: 1,
        price: 1,
        size: 'deluxe',
        vase: { name: 'premium', price: 0 },
        personalNote: 'x',
      });
      expect(res.statusCode).to.equal(200);
      expect(res.json().data.cart.items[0]).to.deep.include({
        size: { name: 'deluxe', price: 500 },
        vase: { name: 'premium', price: 300 },
        personalNote: 'x',
      });
    });

    async function expectAborted(res: Awaited<ReturnType<typeof move>>, status: number, message?: string) {
      expect(res.statusCode).to.equal(status);
      const body = res.json();
      expect(body.status).to.equal('error');
      expect(body.transactionAborted).to.equal(true);
      expect(body.message).to.be.a('string').and.not.equal('');
      if (message !== undefined) expect(body.message).to.equal(message);
    }

    describe('failures answer transactionAborted and change nothing', () => {
      beforeEach(async () => {
        await addReq(p[0]!.id);
        await addReq(p[1]!.id);
        await t.request({ method: 'POST', url: '/api/cart', token, body: { productId: p[3]!.id } });
      });
      afterEach(async () => {
        expect(await ids()).to.deep.equal([p[0]!.id, p[1]!.id]);
        const items = await cartItems();
        expect(items.map((i) => [i.product._id, i.quantity])).to.deep.equal([[p[3]!.id, 1]]);
      });

      it('404 Product not found (unknown id)', async () =>
        expectAborted(await move(testId()), 404, 'Product not found'));
      it('404 Product not found (mock id)', async () =>
        expectAborted(await move('mock-1'), 404, 'Product not found'));
      it('400 Product not found in wishlist', async () =>
        expectAborted(await move(p[2]!.id), 400, 'Product not found in wishlist'));
      it('400 Insufficient stock', async () =>
        expectAborted(await move(p[0]!.id, { quantity: 3, price: 1 }), 400, 'Insufficient stock'));
      it('400 PRODUCT_UNAVAILABLE for an unavailable product with stock (the cart rule)', async () => {
        const current = (await products.findById(p[0]!.id))!;
        (
          await products.update({ ...current, inventory: { ...current.inventory, isAvailable: false } })
        ).unwrap();
        const res = await move(p[0]!.id);
        await expectAborted(res, 400, 'Product is currently unavailable');
        expect(res.json().code).to.equal('PRODUCT_UNAVAILABLE');
        expect(res.json()).to.not.have.property('available');
      });
      it('400 for quantity as a string', async () =>
        expectAborted(await move(p[0]!.id, { quantity: '1' }), 400));
      it('400 for an operator object', async () =>
        expectAborted(await move(p[0]!.id, { quantity: { $gt: 0 } }), 400));
      it('400 for an unknown field', async () =>
        expectAborted(await move(p[0]!.id, { quantity: 1, userId: 'x' }), 400));
      it('400 for an unknown size', async () =>
        expectAborted(await move(p[0]!.id, { quantity: 1, size: 'giant' }), 400));
    });
  });

  describe('/api/users/favorites', () => {
    it('GET answers count and favorites (same data as the wishlist)', async () => {
      await addReq(p[1]!.id);
      await addReq(p[0]!.id);
      const res = await t.request({ method: 'GET', url: '/api/users/favorites', token });
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body.status).to.equal('success');
      expect(body.count).to.equal(2);
      expect(body.data.favorites.map((x: Item) => x._id)).to.deep.equal([p[1]!.id, p[0]!.id]);
      expect(body.data.favorites[0].category).to.equal(categoryId);
    });

    it('POST and DELETE change the wishlist', async () => {
      const added = await t.request({ method: 'POST', url: `/api/users/favorites/${p[2]!.id}`, token });
      expect(added.statusCode).to.equal(200);
      expect(added.json().data.favorites.map((x: Item) => x._id)).to.deep.equal([p[2]!.id]);
      expect(await ids()).to.deep.equal([p[2]!.id]);
      const dup = await t.request({ method: 'POST', url: `/api/users/favorites/${p[2]!.id}`, token });
      expect(dup.json().data.favorites).to.have.length(1);
      const removed = await t.request({ method: 'DELETE', url: `/api/users/favorites/${p[2]!.id}`, token });
      expect(removed.statusCode).to.equal(200);
      expect(removed.json()).to.deep.include({ status: 'success' });
      expect(removed.json().data.favorites).to.deep.equal([]);
      expect(await ids()).to.deep.equal([]);
    });

    it('POST of an unknown product is 404 Product not found', async () => {
      const res = await t.request({ method: 'POST', url: `/api/users/favorites/${testId()}`, token });
      expect(res.statusCode).to.equal(404);
      expect(res.json().message).to.equal('Product not found');
    });
  });
});

describe('HTTP /api/wishlist rate limiting (compat 13)', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '30',
      RATE_LIMIT_AUTH_MAX: '30',
      RATE_LIMIT_WISHLIST_MAX: '20',
      RATE_LIMIT_WISHLIST_WINDOW_MS: '60000',
    });
  });
  after(async () => t.close());

  it('polling GET /wishlist has its own budget and never starves the other routes', async () => {
    const { token } = await registerUser(t);
    const statuses: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      statuses.push((await t.request({ method: 'GET', url: '/api/api/wishlist', token })).statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).to.equal(true);
    expect(statuses.slice(20).every((s) => s === 429)).to.equal(true);
    // 50 wishlist polls spent nothing of the general budget (30): other routes still answer
    for (let i = 0; i < 5; i += 1) {
      expect((await t.request({ method: 'GET', url: '/api/cart', token })).statusCode).to.equal(200);
    }
  });
});
