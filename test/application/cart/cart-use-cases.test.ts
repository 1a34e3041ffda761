import { expect } from 'chai';
import sinon from 'sinon';
import {
  AddToCart,
  ClearCart,
  GetCart,
  RemoveCartItem,
  UpdateCartItem,
} from '../../../application/cart/use-cases.js';
import type { Product } from '../../../domain/catalog/product.js';
import { aProduct, testId } from '../../support/kit.js';
import { makeKit, type Kit } from './kit.js';

describe('application/cart use cases', () => {
  let k: Kit;
  let getCart: GetCart;
  let addToCart: AddToCart;
  let updateItem: UpdateCartItem;
  let removeItem: RemoveCartItem;
  let clearCart: ClearCart;
  let roses: Product;
  let tulips: Product;
  const userId = testId();

  beforeEach(async () => {
    k = makeKit();
    const deps = [k.carts, k.products, k.clock, k.ids, k.bus] as const;
    getCart = new GetCart(...deps);
    addToCart = new AddToCart(...deps);
    updateItem = new UpdateCartItem(...deps);
    removeItem = new RemoveCartItem(...deps);
    clearCart = new ClearCart(...deps);
    roses = await k.products.create(
      aProduct({
        price: 129900,
        sizes: [
          { id: testId(), name: 'standard', price: 0 },
          { id: testId(), name: 'deluxe', price: 50000 },
        ],
        vases: [{ id: testId(), name: 'premium', price: 30000 }],
        inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true },
      }),
    );
    tulips = await k.products.create(aProduct({ name: 'Tulips', price: 49950 }));
  });

  afterEach(() => sinon.restore());

  describe('GetCart', () => {
    it('creates and stores an empty cart on first read, then answers the same cart', async () => {
      const first = (await getCart.execute({ userId })).unwrap();
      expect(first.cart.items).to.deep.equal([]);
      expect(first.cart.userId).to.equal(userId);
      expect(first.cart.version).to.equal(1);
      expect({ subtotal: first.subtotal, total: first.total }).to.deep.equal({ subtotal: 0, total: 0 });
      const second = (await getCart.execute({ userId })).unwrap();
      expect(second.cart.id).to.equal(first.cart.id);
      expect(second.cart.version).to.equal(1); // a read with nothing to re-price writes nothing
    });

    it('re-prices lines from the current product and stores the new prices', async () => {
      (await addToCart.execute({ userId, productId: roses.id, quantity: 2, size: 'deluxe' })).unwrap();
      const stored = (await k.products.findById(roses.id))!;
      (
        await k.products.update({
          ...stored,
          price: 140000,
          sizes: [{ id: 'x', name: 'deluxe', price: 55000 }],
        })
      ).unwrap();
      const view = (await getCart.execute({ userId })).unwrap();
      expect(view.cart.items[0]).to.deep.include({
        unitPrice: 140000,
        size: { name: 'deluxe', price: 55000 },
      });
      expect(view.subtotal).to.equal((140000 + 55000) * 2);
      expect((await k.carts.findByUserId(userId))!.items[0]!.unitPrice).to.equal(140000);
    });

    it('drops lines whose product was deleted', async () => {
      (await addToCart.execute({ userId, productId: roses.id, quantity: 1 })).unwrap();
      (await addToCart.execute({ userId, productId: tulips.id, quantity: 1 })).unwrap();
      await k.products.delete(roses.id);
      const view = (await getCart.execute({ userId })).unwrap();
      expect(view.cart.items.map((i) => i.productId)).to.deep.equal([tulips.id]);
      expect(view.subtotal).to.equal(49950);
      expect([...view.products.keys()]).to.deep.equal([tulips.id]);
    });
  });

  describe('AddToCart', () => {
    it('adds a line priced from the product (client prices never enter)', async () => {
      const view = (
        await addToCart.execute({
          userId,
          productId: roses.id,
          quantity: 2,
          size: 'deluxe',
          vase: 'premium',
          personalNote: 'Love',
        })
      ).unwrap();
      expect(view.cart.items).to.have.length(1);
      expect(view.cart.items[0]).to.deep.include({
        productId: roses.id,
        quantity: 2,
        unitPrice: 129900,
        size: { name: 'deluxe', price: 50000 },
        vase: { name: 'premium', price: 30000 },
        personalNote: 'Love',
      });
      expect(view.subtotal).to.equal(419800);
      expect(view.total).to.equal(419800);
      expect(view.products.get(roses.id)?.name).to.equal(roses.name);
    });

    it('merges the same configuration and splits a different one', async () => {
      await addToCart.execute({ userId, productId: roses.id, quantity: 1, size: 'deluxe' });
      await addToCart.execute({ userId, productId: roses.id, quantity: 1, size: 'deluxe' });
      const view = (
        await addToCart.execute({ userId, productId: roses.id, quantity: 1, size: 'standard' })
      ).unwrap();
      expect(view.cart.items.map((i) => [i.size?.name, i.quantity])).to.deep.equal([
        ['deluxe', 2],
        ['standard', 1],
      ]);
    });

    it('refuses more than the stock over all lines, and changes nothing', async () => {
      (await addToCart.execute({ userId, productId: roses.id, quantity: 3, size: 'deluxe' })).unwrap();
      const before = await k.carts.findByUserId(userId);
      const r = await addToCart.execute({ userId, productId: roses.id, quantity: 3, size: 'standard' });
      expect(r.unwrapErr()).to.deep.include({ code: 'INSUFFICIENT_STOCK', message: 'Insufficient stock' });
      expect(await k.carts.findByUserId(userId)).to.deep.equal(before);
    });

    it('checks the CURRENT stock (stock dropped since the first add)', async () => {
      (await addToCart.execute({ userId, productId: roses.id, quantity: 2 })).unwrap();
      await k.stock.setStock(roses.id, 2);
      const r = await addToCart.execute({ userId, productId: roses.id, quantity: 1 });
      expect(r.unwrapErr().code).to.equal('INSUFFICIENT_STOCK');
    });

    it('answers UNKNOWN_OPTION naming the option', async () => {
      const r = await addToCart.execute({ userId, productId: roses.id, quantity: 1, size: 'grand' });
      expect(r.unwrapErr().code).to.equal('UNKNOWN_OPTION');
      expect(r.unwrapErr().message).to.contain('grand');
    });

    it('answers PRODUCT_NOT_FOUND for an unknown or malformed id and stores nothing', async () => {
      for (const productId of [testId(), 'mock-1', '3']) {
        const r = await addToCart.execute({ userId, productId, quantity: 1 });
        expect(r.unwrapErr()).to.deep.include({ code: 'PRODUCT_NOT_FOUND', message: 'Product not found' });
      }
      expect(await k.carts.findByUserId(userId)).to.equal(null);
    });

    it('concurrent adds all land (optimistic retries), none lost', async () => {
      const save = sinon.spy(k.carts, 'save');
      await Promise.all(
        Array.from({ length: 5 }, () => addToCart.execute({ userId, productId: roses.id, quantity: 1 })),
      );
      const view = (await getCart.execute({ userId })).unwrap();
      expect(view.cart.items).to.have.length(1);
      expect(view.cart.items[0]!.quantity).to.equal(5);
      expect(save.callCount).to.be.greaterThan(5); // some saves conflicted and were retried
    });

    it("never touches another user's cart", async () => {
      const other = testId();
      (await addToCart.execute({ userId: other, productId: tulips.id, quantity: 1 })).unwrap();
      (await addToCart.execute({ userId, productId: roses.id, quantity: 1 })).unwrap();
      const mine = (await getCart.execute({ userId })).unwrap();
      const theirs = (await getCart.execute({ userId: other })).unwrap();
      expect(mine.cart.items.map((i) => i.productId)).to.deep.equal([roses.id]);
      expect(theirs.cart.items.map((i) => i.productId)).to.deep.equal([tulips.id]);
      expect(mine.cart.id).to.not.equal(theirs.cart.id);
    });
  });

  describe('UpdateCartItem', () => {
    it('sets quantity within stock and refuses beyond it', async () => {
      const added = (await addToCart.execute({ userId, productId: roses.id, quantity: 1 })).unwrap();
      const itemId = added.cart.items[0]!.id;
      const ok = (await updateItem.execute({ userId, itemId, quantity: 5 })).unwrap();
      expect(ok.cart.items[0]!.quantity).to.equal(5);
      expect(ok.subtotal).to.equal(129900 * 5);
      const over = await updateItem.execute({ userId, itemId, quantity: 6 });
      expect(over.unwrapErr().code).to.equal('INSUFFICIENT_STOCK');
      expect((await k.carts.findByUserId(userId))!.items[0]!.quantity).to.equal(5);
    });

    it('updates the note', async () => {
      const added = (await addToCart.execute({ userId, productId: roses.id, quantity: 1 })).unwrap();
      const view = (
        await updateItem.execute({ userId, itemId: added.cart.items[0]!.id, personalNote: 'For mum' })
      ).unwrap();
      expect(view.cart.items[0]!.personalNote).to.equal('For mum');
    });

    it('answers CART_ITEM_NOT_FOUND for an unknown line', async () => {
      const r = await updateItem.execute({ userId, itemId: testId(), quantity: 1 });
      expect(r.unwrapErr()).to.deep.include({
        code: 'CART_ITEM_NOT_FOUND',
        message: 'Item not found in cart',
      });
    });
  });

  describe('RemoveCartItem and ClearCart', () => {
    it('removes a line; an unknown line is a no-op', async () => {
      await addToCart.execute({ userId, productId: roses.id, quantity: 1 });
      const added = (await addToCart.execute({ userId, productId: tulips.id, quantity: 2 })).unwrap();
      const [first, second] = added.cart.items;
      const noop = (await removeItem.execute({ userId, itemId: testId() })).unwrap();
      expect(noop.cart.items).to.have.length(2);
      expect(noop.cart.version).to.equal(added.cart.version);
      const view = (await removeItem.execute({ userId, itemId: first!.id })).unwrap();
      expect(view.cart.items.map((i) => i.id)).to.deep.equal([second!.id]);
      expect(view.subtotal).to.equal(99900);
    });

    it('clears the cart', async () => {
      await addToCart.execute({ userId, productId: roses.id, quantity: 1 });
      const view = (await clearCart.execute({ userId })).unwrap();
      expect(view.cart.items).to.deep.equal([]);
      expect(view.total).to.equal(0);
      expect((await k.carts.findByUserId(userId))!.items).to.deep.equal([]);
    });
  });

  describe('MemoryCartRepository', () => {
    it('saves optimistically: a stale version is a CONFLICT', async () => {
      const view = (await getCart.execute({ userId })).unwrap();
      const stale = { ...view.cart, version: 0 };
      const r = await k.carts.save(stale);
      expect(r.unwrapErr().code).to.equal('CONFLICT');
      const ok = await k.carts.save(view.cart);
      expect(ok.unwrap().version).to.equal(2);
    });
  });
});
