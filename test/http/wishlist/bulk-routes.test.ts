import { expect } from 'chai';
import sinon from 'sinon';
import { CART_REPOSITORY, type CartRepository } from '../../../application/cart/ports.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import {
  BULK_OPERATION_STORE,
  WISHLIST_REPOSITORY,
  type BulkOperationStore,
  type WishlistRepository,
} from '../../../application/wishlist/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct } from '../../support/kit.js';

type CartLine = { product: { _id: string }; quantity: number };

describe('HTTP /api/wishlist/bulk', () => {
  let t: TestApp;
  let token: string;
  let products: ProductRepository;
  let p: Product[];

  before(async () => {
    t = await buildTestApp();
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
  });
  after(async () => t.close());
  afterEach(() => sinon.restore());

  beforeEach(async () => {
    token = (await registerUser(t)).token;
    p = [];
    for (let i = 0; i < 8; i += 1) {
      p.push(
        await products.create(
          aProduct({
            name: `Bulk ${i}`,
            price: 10000 + i,
            inventory: { stock: 3, lowStockThreshold: 1, isAvailable: true },
          }),
        ),
      );
    }
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, tk: string | null = token) =>
    t.request({
      method,
      url,
      ...(tk !== null ? { token: tk } : {}),
      ...(body !== undefined ? { body } : {}),
    });
  const wishlistIds = async (tk = token): Promise<string[]> =>
    (await call('GET', '/api/wishlist', undefined, tk))
      .json()
      .data.wishlist.map((x: { _id: string }) => x._id);
  const cartLines = async (tk = token): Promise<CartLine[]> =>
    (await call('GET', '/api/cart', undefined, tk)).json().data.cart.items;
  const cartState = async () =>
    (await cartLines())
      .map((l) => ({ id: l.product._id, quantity: l.quantity }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  const addAll = async (ids: string[]) => {
    const res = await call('POST', '/api/wishlist/bulk/add', { productIds: ids });
    expect(res.statusCode, res.body).to.equal(200);
  };
  const missingId = 'ab'.repeat(12);

  describe('route order: /wishlist/bulk/... is never captured by /wishlist/:productId', () => {
    for (const prefix of ['/api', '/api/api']) {
      for (const [method, path] of [
        ['POST', '/wishlist/bulk/add'],
        ['DELETE', '/wishlist/bulk/remove'],
        ['POST', '/wishlist/bulk/move-to-cart'],
        ['POST', '/wishlist/bulk/operations'],
      ] as const) {
        it(`${method} ${prefix}${path} reaches its own handler (400 naming body.productIds, not a product lookup)`, async () => {
          const res = await call(method, `${prefix}${path}`, {});
          expect(res.statusCode).to.equal(400);
          expect(res.json().code).to.equal('VALIDATION_FAILED');
          expect(res.json().message).to.contain('productIds');
        });
      }
      it(`GET ${prefix}/wishlist/bulk/operations/:id answers the operation`, async () => {
        await addAll([p[0]!.id]);
        const run = await call('POST', `${prefix}/wishlist/bulk/operations`, {
          action: 'remove',
          productIds: [p[0]!.id],
        });
        expect(run.statusCode).to.equal(200);
        const got = await call('GET', `${prefix}/wishlist/bulk/operations/${run.json().data.operationId}`);
        expect(got.statusCode).to.equal(200);
        expect(got.json().data.successful).to.deep.equal([p[0]!.id]);
      });
      it(`POST ${prefix}/wishlist/bulk/add adds (served under the mirror)`, async () => {
        const res = await call('POST', `${prefix}/wishlist/bulk/add`, { productIds: [p[1]!.id] });
        expect(res.statusCode).to.equal(200);
        expect(await wishlistIds()).to.deep.equal([p[1]!.id]);
      });
    }
  });

  describe('auth', () => {
    const ids = { productIds: ['a'.repeat(24)] };
    for (const [method, url, body] of [
      ['POST', '/api/wishlist/bulk/add', ids],
      ['DELETE', '/api/wishlist/bulk/remove', ids],
      ['POST', '/api/wishlist/bulk/move-to-cart', ids],
      ['POST', '/api/wishlist/bulk/operations', { action: 'remove', ...ids }],
      ['GET', `/api/wishlist/bulk/operations/${'a'.repeat(24)}`, undefined],
    ] as const) {
      it(`${method} ${url} without a token is 401`, async () => {
        expect((await call(method, url, body, null)).statusCode).to.equal(401);
      });
    }
  });

  describe('POST /wishlist/bulk/add', () => {
    it('adds the existing, available ones (duplicates once), lists refused ids with their reason', async () => {
      await products.update({ ...p[2]!, inventory: { ...p[2]!.inventory, isAvailable: false } });
      await addAll([p[3]!.id]);
      const res = await call('POST', '/api/wishlist/bulk/add', {
        productIds: [p[0]!.id, p[1]!.id, p[0]!.id, missingId, p[2]!.id, p[3]!.id],
      });
      expect(res.statusCode).to.equal(200);
      const data = res.json().data;
      expect(data.added).to.deep.equal([p[0]!.id, p[1]!.id]);
      expect(data.alreadyPresent).to.deep.equal([p[3]!.id]);
      expect(data.refused).to.deep.equal([
        { id: missingId, code: 'PRODUCT_NOT_FOUND', reason: 'Product not found' },
        { id: p[2]!.id, code: 'PRODUCT_UNAVAILABLE', reason: 'Product is currently unavailable' },
      ]);
      expect(data.wishlist.map((x: { _id: string }) => x._id)).to.deep.equal([p[3]!.id, p[0]!.id, p[1]!.id]);
      expect(await wishlistIds()).to.deep.equal([p[3]!.id, p[0]!.id, p[1]!.id]);
    });

    it('bad input is a 400 naming the field; nothing changes', async () => {
      const bad = async (body: unknown, field: string) => {
        const res = await call('POST', '/api/wishlist/bulk/add', body);
        expect(res.statusCode, JSON.stringify(body)).to.equal(400);
        expect(res.json().message).to.contain(field);
      };
      await bad({ productIds: [] }, 'productIds');
      await bad({ productIds: [p[0]!.id, 'mock-1'] }, 'body.productIds.1');
      await bad({ productIds: Array.from({ length: 101 }, () => p[0]!.id) }, 'productIds');
      await bad({ productIds: [p[0]!.id], extra: 1 }, 'extra');
      await bad({ productIds: p[0]!.id }, 'productIds');
      expect(await wishlistIds()).to.deep.equal([]);
    });
  });

  describe('DELETE /wishlist/bulk/remove', () => {
    it('removes them in one update and answers the operation shape with its progress', async () => {
      await addAll([p[0]!.id, p[1]!.id, p[2]!.id]);
      const res = await call('DELETE', '/api/wishlist/bulk/remove', {
        productIds: [p[0]!.id, p[2]!.id, p[5]!.id],
      });
      expect(res.statusCode).to.equal(200);
      const data = res.json().data;
      expect(data.successful).to.deep.equal([p[0]!.id, p[2]!.id]);
      expect(data.failed).to.deep.equal([
        { id: p[5]!.id, code: 'NOT_IN_WISHLIST', reason: 'Product not found in wishlist' },
      ]);
      expect(data.progress).to.deep.equal({ completed: 2, total: 3, percentage: 67 });
      expect(data.wishlist.map((x: { _id: string }) => x._id)).to.deep.equal([p[1]!.id]);
      expect(await wishlistIds()).to.deep.equal([p[1]!.id]);
      const got = await call('GET', `/api/wishlist/bulk/operations/${data.operationId}`);
      expect(got.json().data).to.include({ action: 'remove', status: 'completed' });
    });
  });

  describe('POST /wishlist/bulk/move-to-cart (atomic)', () => {
    it('moves every line in one cart write and removes them from the wishlist', async () => {
      await addAll([p[0]!.id, p[1]!.id, p[2]!.id]);
      const res = await call('POST', '/api/wishlist/bulk/move-to-cart', {
        productIds: [p[0]!.id, p[1]!.id],
        options: { quantity: 2 },
      });
      expect(res.statusCode, res.body).to.equal(200);
      expect(res.json().data.moved).to.deep.equal([p[0]!.id, p[1]!.id]);
      expect(await wishlistIds()).to.deep.equal([p[2]!.id]);
      expect(await cartState()).to.deep.equal([p[0]!.id, p[1]!.id].sort().map((id) => ({ id, quantity: 2 })));
    });

    it('one out-of-stock line changes nothing: 409 naming each failing id; cart and wishlist as before', async () => {
      await addAll([p[0]!.id, p[1]!.id, p[2]!.id, p[3]!.id]);
      // The cart already holds something, so "unchanged" is not just "empty".
      expect((await call('POST', '/api/cart', { productId: p[5]!.id, quantity: 1 })).statusCode).to.equal(
        200,
      );
      await products.update({ ...p[1]!, inventory: { ...p[1]!.inventory, stock: 0 } });
      await products.update({ ...p[2]!, inventory: { ...p[2]!.inventory, isAvailable: false } });
      const cartBefore = await cartLines();
      const wishlistBefore = await wishlistIds();
      const res = await call('POST', '/api/wishlist/bulk/move-to-cart', {
        productIds: [p[0]!.id, p[1]!.id, p[2]!.id, p[3]!.id],
      });
      expect(res.statusCode).to.equal(409);
      const body = res.json();
      expect(body.code).to.equal('BULK_MOVE_REFUSED');
      expect(body.failed.map((f: { id: string; code: string }) => [f.id, f.code])).to.deep.equal([
        [p[1]!.id, 'INSUFFICIENT_STOCK'],
        [p[2]!.id, 'PRODUCT_UNAVAILABLE'],
      ]);
      expect(body.failed[0].reason).to.equal('Insufficient stock');
      expect(await cartLines()).to.deep.equal(cartBefore);
      expect(await wishlistIds()).to.deep.equal(wishlistBefore);
    });

    it("a quantity above one line's stock, an id not on the wishlist or unknown: refused, nothing moves", async () => {
      await addAll([p[0]!.id, p[1]!.id]);
      await products.update({ ...p[1]!, inventory: { ...p[1]!.inventory, stock: 1 } });
      const res = await call('POST', '/api/wishlist/bulk/move-to-cart', {
        productIds: [p[0]!.id, p[1]!.id],
        options: { quantity: 2 },
      });
      expect(res.statusCode).to.equal(409);
      expect(res.json().failed.map((f: { id: string }) => f.id)).to.deep.equal([p[1]!.id]);
      const other = await call('POST', '/api/wishlist/bulk/move-to-cart', {
        productIds: [p[0]!.id, p[4]!.id, missingId],
      });
      expect(other.statusCode).to.equal(409);
      expect(other.json().failed.map((f: { id: string; code: string }) => [f.id, f.code])).to.deep.equal([
        [p[4]!.id, 'NOT_IN_WISHLIST'],
        [missingId, 'PRODUCT_NOT_FOUND'],
      ]);
      expect(await cartLines()).to.deep.equal([]);
      expect(await wishlistIds()).to.deep.equal([p[0]!.id, p[1]!.id]);
    });

    it('a crash between the cart write and the wishlist removal: the repeat finishes it without doubling lines', async () => {
      await addAll([p[0]!.id, p[1]!.id]);
      const wishlist = t.container.get<WishlistRepository>(WISHLIST_REPOSITORY);
      const crash = sinon.stub(wishlist, 'removeMany').rejects(new Error('process died'));
      const first = await call('POST', '/api/wishlist/bulk/move-to-cart', {
        productIds: [p[0]!.id, p[1]!.id],
      });
      expect(first.statusCode).to.equal(500);
      crash.restore();
      expect(await cartState()).to.deep.equal([p[0]!.id, p[1]!.id].sort().map((id) => ({ id, quantity: 1 })));
      expect(await wishlistIds()).to.deep.equal([p[0]!.id, p[1]!.id]);
      const again = await call('POST', '/api/wishlist/bulk/move-to-cart', {
        productIds: [p[0]!.id, p[1]!.id],
      });
      expect(again.statusCode).to.equal(200);
      expect(await cartState()).to.deep.equal([p[0]!.id, p[1]!.id].sort().map((id) => ({ id, quantity: 1 })));
      expect(await wishlistIds()).to.deep.equal([]);
    });

    it('cart changes made in parallel are never lost (version-guarded cart write, retried)', async () => {
      await addAll([p[0]!.id, p[1]!.id]);
      const [moved, ...added] = await Promise.all([
        call('POST', '/api/wishlist/bulk/move-to-cart', { productIds: [p[0]!.id, p[1]!.id] }),
        call('POST', '/api/cart', { productId: p[5]!.id, quantity: 1 }),
        call('POST', '/api/cart', { productId: p[6]!.id, quantity: 1 }),
        call('POST', '/api/cart', { productId: p[7]!.id, quantity: 1 }),
      ]);
      expect(moved!.statusCode).to.equal(200);
      for (const r of added) expect(r.statusCode).to.equal(200);
      expect((await cartState()).map((l) => l.id)).to.deep.equal(
        [p[0]!.id, p[1]!.id, p[5]!.id, p[6]!.id, p[7]!.id].sort(),
      );
    });

    it('bad options are a 400 naming the field', async () => {
      const res = await call('POST', '/api/wishlist/bulk/move-to-cart', {
        productIds: [p[0]!.id],
        options: { quantity: 0 },
      });
      expect(res.statusCode).to.equal(400);
      expect(res.json().message).to.contain('body.options.quantity');
    });
  });

  describe('POST /wishlist/bulk/operations (per item, with progress)', () => {
    it("answers exactly the seed's shape: partial success, failed with reasons, 2 of 3 = 67 %", async () => {
      await addAll([p[0]!.id, p[1]!.id, p[2]!.id]);
      await products.update({ ...p[2]!, inventory: { ...p[2]!.inventory, stock: 0 } });
      const res = await call('POST', '/api/wishlist/bulk/operations', {
        action: 'move-to-cart',
        productIds: [p[0]!.id, p[1]!.id, p[2]!.id],
        options: { quantity: 1, size: 'standard' },
      });
      expect(res.statusCode, res.body).to.equal(200);
      const body = res.json();
      expect(Object.keys(body)).to.deep.equal(['status', 'data']);
      expect(body.status).to.equal('success');
      expect(Object.keys(body.data)).to.deep.equal(['operationId', 'successful', 'failed', 'progress']);
      expect(body.data.operationId).to.match(/^[0-9a-f]{24}$/);
      expect(body.data.successful).to.deep.equal([p[0]!.id, p[1]!.id]);
      expect(body.data.failed).to.deep.equal([
        { id: p[2]!.id, code: 'INSUFFICIENT_STOCK', reason: 'Insufficient stock' },
      ]);
      expect(body.data.progress).to.deep.equal({ completed: 2, total: 3, percentage: 67 });
      expect(await wishlistIds()).to.deep.equal([p[2]!.id]);
      expect((await cartState()).map((l) => l.id)).to.deep.equal([p[0]!.id, p[1]!.id].sort());
    });

    it('GET during a long run shows partial progress (one step made slow through a seam); 2 of 3 = 67', async () => {
      await addAll([p[0]!.id, p[1]!.id, p[2]!.id]);
      const store = t.container.get<BulkOperationStore>(BULK_OPERATION_STORE);
      const carts = t.container.get<CartRepository>(CART_REPOSITORY);
      let operationId = '';
      const create = store.create.bind(store);
      sinon.stub(store, 'create').callsFake(async (op) => {
        operationId = op.id;
        return create(op);
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let reachedThird!: () => void;
      const third = new Promise<void>((resolve) => (reachedThird = resolve));
      const save = carts.save.bind(carts);
      let saves = 0;
      sinon.stub(carts, 'save').callsFake(async (cart) => {
        saves += 1;
        if (saves === 3) {
          reachedThird();
          await gate;
        }
        return save(cart);
      });
      const running = call('POST', '/api/wishlist/bulk/operations', {
        action: 'move-to-cart',
        productIds: [p[0]!.id, p[1]!.id, p[2]!.id],
      });
      await third;
      const mid = await call('GET', `/api/wishlist/bulk/operations/${operationId}`);
      expect(mid.statusCode).to.equal(200);
      expect(mid.json().data).to.deep.include({
        status: 'running',
        processed: 2,
        successful: [p[0]!.id, p[1]!.id],
        progress: { completed: 2, total: 3, percentage: 67 },
      });
      release();
      const done = await running;
      expect(done.json().data.progress).to.deep.equal({ completed: 3, total: 3, percentage: 100 });
      const after = await call('GET', `/api/wishlist/bulk/operations/${operationId}`);
      expect(after.json().data).to.deep.include({
        status: 'completed',
        action: 'move-to-cart',
        processed: 3,
      });
    });

    it("another user's operation is 404, like an unknown or malformed id", async () => {
      await addAll([p[0]!.id]);
      const run = await call('POST', '/api/wishlist/bulk/operations', {
        action: 'remove',
        productIds: [p[0]!.id],
      });
      const other = (await registerUser(t)).token;
      const id = run.json().data.operationId;
      expect(
        (await call('GET', `/api/wishlist/bulk/operations/${id}`, undefined, other)).statusCode,
      ).to.equal(404);
      expect((await call('GET', `/api/wishlist/bulk/operations/${missingId}`)).statusCode).to.equal(404);
      const bad = await call('GET', '/api/wishlist/bulk/operations/not-an-id');
      expect(bad.statusCode).to.equal(404);
      expect(bad.json().code).to.equal('BULK_OPERATION_NOT_FOUND');
    });

    it('bad input is a 400 naming the field', async () => {
      const bad = async (body: unknown, field: string) => {
        const res = await call('POST', '/api/wishlist/bulk/operations', body);
        expect(res.statusCode, JSON.stringify(body)).to.equal(400);
        expect(res.json().message).to.contain(field);
      };
      await bad({ action: 'explode', productIds: [p[0]!.id] }, 'action');
      await bad({ productIds: [p[0]!.id] }, 'action');
      await bad({ action: 'remove', productIds: ['x'] }, 'body.productIds.0');
      await bad(
        { action: 'remove', productIds: [p[0]!.id], options: { quantity: 'two' } },
        'body.options.quantity',
      );
    });

    it('parallel bulk operations on the same wishlist lose nothing and double nothing', async () => {
      await addAll(p.slice(0, 7).map((x) => x.id));
      const extra = await products.create(aProduct({ name: 'Extra' }));
      const results = await Promise.all([
        call('POST', '/api/wishlist/bulk/operations', {
          action: 'move-to-cart',
          productIds: [p[0]!.id, p[1]!.id, p[2]!.id],
        }),
        call('POST', '/api/wishlist/bulk/operations', {
          action: 'move-to-cart',
          productIds: [p[2]!.id, p[3]!.id],
        }),
        call('DELETE', '/api/wishlist/bulk/remove', { productIds: [p[4]!.id] }),
        call('POST', '/api/wishlist/bulk/move-to-cart', { productIds: [p[5]!.id] }),
        call('POST', '/api/wishlist/bulk/add', { productIds: [extra.id] }),
        call('POST', '/api/wishlist/bulk/operations', { action: 'remove', productIds: [p[4]!.id] }),
      ]);
      for (const r of results) expect(r.statusCode, r.body).to.equal(200);
      expect((await wishlistIds()).sort()).to.deep.equal([p[6]!.id, extra.id].sort());
      expect(await cartState()).to.deep.equal(
        [p[0]!.id, p[1]!.id, p[2]!.id, p[3]!.id, p[5]!.id].sort().map((id) => ({ id, quantity: 1 })),
      );
      // p2 was moved by exactly one of the two operations naming it; p4 removed by exactly one.
      const successes = results.flatMap((r) => (r.json().data.successful ?? []) as string[]);
      expect(successes.filter((id) => id === p[2]!.id)).to.have.length(1);
      expect(successes.filter((id) => id === p[4]!.id)).to.have.length(1);
    });
  });
});
