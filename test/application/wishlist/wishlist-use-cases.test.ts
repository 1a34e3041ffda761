import { expect } from 'chai';
import sinon from 'sinon';
import { AddToCart, GetCart } from '../../../application/cart/use-cases.js';
import {
  AddToWishlist,
  ClearWishlist,
  GetWishlist,
  MoveWishlistItemToCart,
  RemoveFromWishlist,
} from '../../../application/wishlist/use-cases.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import type { Product } from '../../../domain/catalog/product.js';
import type { User } from '../../../domain/identity/user.js';
import { aProduct, testId } from '../../support/kit.js';
import { makeKit, type Kit } from '../cart/kit.js';

describe('application/wishlist use cases', () => {
  let k: Kit;
  let user: User;
  let userId: string;
  let getWishlist: GetWishlist;
  let addToWishlist: AddToWishlist;
  let removeFromWishlist: RemoveFromWishlist;
  let clearWishlist: ClearWishlist;
  let moveToCart: MoveWishlistItemToCart;
  let addToCart: AddToCart;
  let getCart: GetCart;
  let p: Product[];

  const ids = async () => (await getWishlist.execute({ userId })).unwrap().map((x) => x.id);

  beforeEach(async () => {
    k = makeKit();
    user = k.addUser();
    userId = user.id;
    getWishlist = new GetWishlist(k.wishlist, k.products);
    addToWishlist = new AddToWishlist(k.wishlist, k.products);
    removeFromWishlist = new RemoveFromWishlist(k.wishlist, k.products);
    clearWishlist = new ClearWishlist(k.wishlist);
    moveToCart = new MoveWishlistItemToCart(k.wishlist, k.carts, k.products, k.clock, k.ids, k.bus, k.logger);
    addToCart = new AddToCart(k.carts, k.products, k.clock, k.ids, k.bus);
    getCart = new GetCart(k.carts, k.products, k.clock, k.ids, k.bus);
    p = [];
    for (let i = 0; i < 4; i += 1) {
      p.push(
        await k.products.create(
          aProduct({
            name: `Bouquet ${i}`,
            price: 10000 * (i + 1),
            categoryId: testId(),
            inventory: { stock: 3, lowStockThreshold: 1, isAvailable: true },
          }),
        ),
      );
    }
  });

  afterEach(() => sinon.restore());

  describe('GetWishlist', () => {
    it('answers the products in insertion order, dropping deleted ones', async () => {
      for (const i of [2, 0, 3]) (await addToWishlist.execute({ userId, productId: p[i]!.id })).unwrap();
      expect(await ids()).to.deep.equal([p[2]!.id, p[0]!.id, p[3]!.id]);
      await k.products.delete(p[0]!.id);
      const list = (await getWishlist.execute({ userId })).unwrap();
      expect(list.map((x) => [x.id, x.name, x.price])).to.deep.equal([
        [p[2]!.id, 'Bouquet 2', 30000],
        [p[3]!.id, 'Bouquet 3', 40000],
      ]);
    });

    it('is cheap: one batch product lookup, no per-item reads', async () => {
      for (const x of p) await addToWishlist.execute({ userId, productId: x.id });
      const findById = sinon.spy(k.products, 'findById');
      const findByIds = sinon.spy(k.products, 'findByIds');
      const get = sinon.spy(k.wishlist, 'get');
      await getWishlist.execute({ userId });
      expect(findById.callCount).to.equal(0);
      expect(findByIds.callCount).to.equal(1);
      expect(get.callCount).to.equal(1);
    });

    it('is empty for a user with no favorites and does not look products up', async () => {
      const findByIds = sinon.spy(k.products, 'findByIds');
      expect((await getWishlist.execute({ userId })).unwrap()).to.deep.equal([]);
      expect(findByIds.callCount).to.equal(0);
    });
  });

  describe('AddToWishlist / RemoveFromWishlist / ClearWishlist (compat rules 8-10)', () => {
    it('adding grows by exactly one; adding again changes nothing (no duplicate)', async () => {
      const first = (await addToWishlist.execute({ userId, productId: p[0]!.id })).unwrap();
      expect(first.added).to.equal(true);
      expect(first.wishlist.map((x) => x.id)).to.deep.equal([p[0]!.id]);
      const again = (await addToWishlist.execute({ userId, productId: p[0]!.id })).unwrap();
      expect(again.added).to.equal(false);
      expect(again.wishlist.map((x) => x.id)).to.deep.equal([p[0]!.id]);
      expect(k.users.get(userId)!.favorites).to.deep.equal([p[0]!.id]);
    });

    it('adding a non-existent or malformed product id changes nothing (rule 10)', async () => {
      await addToWishlist.execute({ userId, productId: p[1]!.id });
      const before = k.users.get(userId);
      for (const productId of [testId(), 'mock-1', '3', '']) {
        const r = await addToWishlist.execute({ userId, productId });
        expect(r.unwrapErr()).to.deep.include({ code: 'PRODUCT_NOT_FOUND', message: 'Product not found' });
      }
      expect(k.users.get(userId)).to.equal(before); // the very same record: nothing written
    });

    it('writes only favorites and updatedAt, never the version or other fields', async () => {
      k.clock.set('2026-07-01T00:00:00.000Z');
      await addToWishlist.execute({ userId, productId: p[0]!.id });
      const after = k.users.get(userId)!;
      expect(after).to.deep.equal({ ...user, favorites: [p[0]!.id], updatedAt: k.clock.now() });
      expect(after.version).to.equal(user.version);
    });

    it("a profile save with a stale favorites list does not undo a wishlist add (identity's update keeps favorites)", async () => {
      const repo = new MemoryUserRepository(k.db);
      const loaded = (await repo.findById(userId))!;
      await addToWishlist.execute({ userId, productId: p[0]!.id });
      (await repo.update({ ...loaded, fullName: 'Renamed' })).unwrap();
      expect(k.users.get(userId)!.favorites).to.deep.equal([p[0]!.id]);
      expect(k.users.get(userId)!.fullName).to.equal('Renamed');
    });

    it('removing shrinks by exactly one; absent ids are a no-op; removing all ends at 0', async () => {
      for (const x of p) await addToWishlist.execute({ userId, productId: x.id });
      const r = (await removeFromWishlist.execute({ userId, productId: p[1]!.id })).unwrap();
      expect(r.removed).to.equal(true);
      expect(r.wishlist.map((x) => x.id)).to.deep.equal([p[0]!.id, p[2]!.id, p[3]!.id]);
      const noop = (await removeFromWishlist.execute({ userId, productId: p[1]!.id })).unwrap();
      expect(noop.removed).to.equal(false);
      expect(noop.wishlist).to.have.length(3);
      for (const x of [p[0]!, p[2]!, p[3]!]) await removeFromWishlist.execute({ userId, productId: x.id });
      expect(await ids()).to.deep.equal([]);
    });

    it('clear empties the list', async () => {
      for (const x of p) await addToWishlist.execute({ userId, productId: x.id });
      expect((await clearWishlist.execute({ userId })).unwrap()).to.deep.equal([]);
      expect(k.users.get(userId)!.favorites).to.deep.equal([]);
    });

    it('concurrent add and remove leave n-1, n or n+1 entries and no duplicates (rule 10)', async () => {
      await addToWishlist.execute({ userId, productId: p[0]!.id });
      await addToWishlist.execute({ userId, productId: p[1]!.id });
      const n = 2;
      await Promise.all([
        addToWishlist.execute({ userId, productId: p[2]!.id }),
        removeFromWishlist.execute({ userId, productId: p[0]!.id }),
        addToWishlist.execute({ userId, productId: p[2]!.id }),
        addToWishlist.execute({ userId, productId: p[2]!.id }),
      ]);
      const stored = k.users.get(userId)!.favorites;
      expect(stored.length).to.be.within(n - 1, n + 1);
      expect(new Set(stored).size).to.equal(stored.length);
      // each of our atomic operations applied exactly once
      expect(stored).to.deep.equal([p[1]!.id, p[2]!.id]);
    });

    it("never sees another user's favorites", async () => {
      const other = k.addUser();
      await addToWishlist.execute({ userId: other.id, productId: p[3]!.id });
      await addToWishlist.execute({ userId, productId: p[0]!.id });
      expect(await ids()).to.deep.equal([p[0]!.id]);
      expect(k.users.get(other.id)!.favorites).to.deep.equal([p[3]!.id]);
    });
  });

  describe('MoveWishlistItemToCart', () => {
    beforeEach(async () => {
      await addToWishlist.execute({ userId, productId: p[0]!.id });
      await addToWishlist.execute({ userId, productId: p[1]!.id });
    });

    it('adds to the cart, removes from the wishlist and answers a transaction id', async () => {
      const r = (await moveToCart.execute({ userId, productId: p[0]!.id, quantity: 1 })).unwrap();
      expect(r.wishlist.map((x) => x.id)).to.deep.equal([p[1]!.id]);
      expect(r.cart.cart.items.map((i) => [i.productId, i.quantity, i.unitPrice])).to.deep.equal([
        [p[0]!.id, 1, 10000],
      ]);
      expect(r.cart.products.get(p[0]!.id)?.name).to.equal('Bouquet 0');
      expect(r.transactionId).to.match(/^[0-9a-f]{24}$/);
      expect(k.users.get(userId)!.favorites).to.deep.equal([p[1]!.id]);
      expect((await k.carts.findByUserId(userId))!.items).to.have.length(1);
    });

    it('merges into an existing cart line with the same configuration', async () => {
      (await addToCart.execute({ userId, productId: p[0]!.id, quantity: 1 })).unwrap();
      const r = (await moveToCart.execute({ userId, productId: p[0]!.id, quantity: 1 })).unwrap();
      expect(r.cart.cart.items.map((i) => i.quantity)).to.deep.equal([2]);
    });

    it('uses the options chosen by name', async () => {
      const r = (
        await moveToCart.execute({
          userId,
          productId: p[0]!.id,
          quantity: 1,
          size: 'deluxe',
          vase: 'premium',
          personalNote: 'Hi',
        })
      ).unwrap();
      expect(r.cart.cart.items[0]).to.deep.include({
        size: { name: 'deluxe', price: 50000 },
        vase: { name: 'premium', price: 30000 },
        personalNote: 'Hi',
      });
      expect(r.cart.subtotal).to.equal(10000 + 50000 + 30000);
    });

    async function expectAborted(
      input: { productId: string; quantity?: number; size?: string },
      code: string,
      message: string,
    ) {
      await addToCart.execute({ userId, productId: p[2]!.id, quantity: 1 });
      const cartBefore = await k.carts.findByUserId(userId);
      const userBefore = k.users.get(userId);
      const r = await moveToCart.execute({ userId, quantity: 1, ...input });
      expect(r.isErr()).to.equal(true);
      expect(r.unwrapErr()).to.deep.include({ code, message });
      expect(r.unwrapErr().details).to.deep.include({ transactionAborted: true });
      expect(await k.carts.findByUserId(userId)).to.deep.equal(cartBefore);
      expect(k.users.get(userId)).to.equal(userBefore);
    }

    it('unknown product: 404 Product not found, nothing changed', () =>
      expectAborted({ productId: testId() }, 'PRODUCT_NOT_FOUND', 'Product not found'));

    it('mock id: Product not found, nothing changed', () =>
      expectAborted({ productId: 'mock-1' }, 'PRODUCT_NOT_FOUND', 'Product not found'));

    it('product not in the wishlist: NOT_IN_WISHLIST, nothing changed', () =>
      expectAborted({ productId: p[3]!.id }, 'NOT_IN_WISHLIST', 'Product not found in wishlist'));

    it('stock below the quantity: Insufficient stock, nothing changed', () =>
      expectAborted({ productId: p[0]!.id, quantity: 4 }, 'INSUFFICIENT_STOCK', 'Insufficient stock'));

    it('cart already holding the stock: Insufficient stock, nothing changed', async () => {
      (await addToCart.execute({ userId, productId: p[0]!.id, quantity: 3 })).unwrap();
      await expectAborted({ productId: p[0]!.id, quantity: 1 }, 'INSUFFICIENT_STOCK', 'Insufficient stock');
    });

    it('unavailable product with stock: PRODUCT_UNAVAILABLE (as POST /cart), nothing changed', async () => {
      const current = (await k.products.findById(p[0]!.id))!;
      (
        await k.products.update({ ...current, inventory: { ...current.inventory, isAvailable: false } })
      ).unwrap();
      await expectAborted({ productId: p[0]!.id }, 'PRODUCT_UNAVAILABLE', 'Product is currently unavailable');
    });

    it('unknown option: UNKNOWN_OPTION, nothing changed', async () => {
      await addToCart.execute({ userId, productId: p[2]!.id, quantity: 1 });
      const r = await moveToCart.execute({ userId, productId: p[0]!.id, quantity: 1, size: 'gigantic' });
      expect(r.unwrapErr().code).to.equal('UNKNOWN_OPTION');
      expect(r.unwrapErr().details).to.deep.include({ transactionAborted: true, name: 'gigantic' });
      expect(k.users.get(userId)!.favorites).to.deep.equal([p[0]!.id, p[1]!.id]);
    });

    it('compensates: when the favorites removal fails after the cart write, the cart is restored', async () => {
      (await addToCart.execute({ userId, productId: p[2]!.id, quantity: 1 })).unwrap();
      const cartBefore = (await k.carts.findByUserId(userId))!;
      const save = sinon.spy(k.carts, 'save');
      const remove = sinon.stub(k.wishlist, 'remove').rejects(new Error('users store unavailable'));
      const r = await moveToCart.execute({ userId, productId: p[0]!.id, quantity: 1 });
      expect(remove.calledOnce).to.equal(true);
      // the cart WAS written (the line added) before the failure, then restored
      expect(save.callCount).to.equal(2);
      expect(save.firstCall.args[0].items.map((i) => i.productId)).to.deep.equal([p[2]!.id, p[0]!.id]);
      expect(r.unwrapErr()).to.deep.include({
        code: 'MOVE_TO_CART_FAILED',
        message: 'Could not move the product to the cart; nothing was changed',
      });
      expect(r.unwrapErr().details).to.deep.equal({ transactionAborted: true });
      const cartAfter = (await k.carts.findByUserId(userId))!;
      expect(cartAfter.items).to.deep.equal(cartBefore.items);
      expect(k.users.get(userId)!.favorites).to.deep.equal([p[0]!.id, p[1]!.id]);
    });

    it('compensates a merge: the merged line gets its old quantity back', async () => {
      (await addToCart.execute({ userId, productId: p[0]!.id, quantity: 2 })).unwrap();
      const before = (await k.carts.findByUserId(userId))!.items;
      sinon.stub(k.wishlist, 'remove').rejects(new Error('boom'));
      const r = await moveToCart.execute({ userId, productId: p[0]!.id, quantity: 1 });
      expect(r.isErr()).to.equal(true);
      expect((await k.carts.findByUserId(userId))!.items).to.deep.equal(before);
    });

    it('compensates when there was no cart before: the cart ends empty', async () => {
      sinon.stub(k.wishlist, 'remove').rejects(new Error('boom'));
      const r = await moveToCart.execute({ userId, productId: p[0]!.id, quantity: 1 });
      expect(r.unwrapErr().details).to.deep.equal({ transactionAborted: true });
      expect((await getCart.execute({ userId })).unwrap().cart.items).to.deep.equal([]);
    });

    it("compensation keeps a concurrent writer's cart change (undoes only its own line)", async () => {
      const realRemove = k.wishlist.remove.bind(k.wishlist);
      sinon.stub(k.wishlist, 'remove').callsFake(async () => {
        // another request adds to the cart between our cart write and our failure
        (await addToCart.execute({ userId, productId: p[3]!.id, quantity: 1 })).unwrap();
        void realRemove;
        throw new Error('boom');
      });
      const r = await moveToCart.execute({ userId, productId: p[0]!.id, quantity: 1 });
      expect(r.isErr()).to.equal(true);
      const items = (await k.carts.findByUserId(userId))!.items;
      expect(items.map((i) => [i.productId, i.quantity])).to.deep.equal([[p[3]!.id, 1]]);
      expect(k.users.get(userId)!.favorites).to.deep.equal([p[0]!.id, p[1]!.id]);
    });

    it('someone removed the id meanwhile: NOT_IN_WISHLIST and the cart is restored', async () => {
      sinon.stub(k.wishlist, 'remove').resolves(false);
      const r = await moveToCart.execute({ userId, productId: p[0]!.id, quantity: 1 });
      expect(r.unwrapErr()).to.deep.include({
        code: 'NOT_IN_WISHLIST',
        message: 'Product not found in wishlist',
      });
      expect(r.unwrapErr().details).to.deep.equal({ transactionAborted: true });
      expect((await k.carts.findByUserId(userId))!.items).to.deep.equal([]);
    });
  });
});
