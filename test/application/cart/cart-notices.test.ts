import { expect } from 'chai';
import sinon from 'sinon';
import { AddToCart, ClearCart, GetCart, RemoveCartItem } from '../../../application/cart/use-cases.js';
import { MoveWishlistItemToCart } from '../../../application/wishlist/use-cases.js';
import { BulkMoveToCart } from '../../../application/wishlist/bulk.js';
import type { Product } from '../../../domain/catalog/product.js';
import type { DomainEvent } from '../../../domain/shared/events.js';
import type { OrderPlaced } from '../../../domain/ordering/events.js';
import { EmptyCartWhenOrderPlaced } from '../../../application/cart/handlers.js';
import { CartStore } from '../../../application/cart/cart-store.js';
import { aProduct } from '../../support/kit.js';
import { makeKit, type Kit } from './kit.js';
import { makeKit as makeOrderingKit } from '../ordering/kit.js';

/** Every cart write publishes one `cart.cart-changed` notice through the staged outbox. */
describe('application/cart: cart.cart-changed notices', () => {
  let k: Kit;
  let getCart: GetCart;
  let addToCart: AddToCart;
  let removeItem: RemoveCartItem;
  let clearCart: ClearCart;
  let roses: Product;
  let userId: string;

  const notices = (): DomainEvent[] => k.bus.ofType('cart.cart-changed');
  const staged = async (): Promise<DomainEvent[]> => k.bus.stagedOutbox.pending(new Date(8.64e15), 100);

  beforeEach(async () => {
    k = makeKit();
    userId = k.addUser().id;
    const deps = [k.carts, k.products, k.clock, k.ids, k.bus] as const;
    getCart = new GetCart(...deps);
    addToCart = new AddToCart(...deps);
    removeItem = new RemoveCartItem(...deps);
    clearCart = new ClearCart(...deps);
    roses = await k.products.create(
      aProduct({ inventory: { stock: 50, lowStockThreshold: 1, isAvailable: true } }),
    );
  });

  afterEach(() => sinon.restore());

  it('a write publishes one notice naming the cart and its user, and leaves nothing staged', async () => {
    const view = (await addToCart.execute({ userId, productId: roses.id, quantity: 1 })).unwrap();
    expect(notices().map((e) => e.payload)).to.deep.equal([{ cartId: view.cart.id, userId }]);
    expect(notices()[0]!.aggregateId).to.equal(view.cart.id);
    expect(await staged()).to.deep.equal([]);
    (await removeItem.execute({ userId, itemId: view.cart.items[0]!.id })).unwrap();
    (await clearCart.execute({ userId })).unwrap(); // already empty: writes nothing
    expect(notices()).to.have.length(2);
    expect(new Set(notices().map((e) => e.id)).size).to.equal(2);
  });

  it('a mutation that writes nothing publishes nothing (a read of a stored cart, removing an unknown line)', async () => {
    (await getCart.execute({ userId })).unwrap(); // first read creates the cart: one write
    expect(notices()).to.have.length(1);
    (await getCart.execute({ userId })).unwrap();
    (await removeItem.execute({ userId, itemId: 'unknown' })).unwrap();
    expect(notices()).to.have.length(1);
  });

  it('a refused change publishes nothing and discards its staged notice', async () => {
    (await getCart.execute({ userId })).unwrap();
    const r = await addToCart.execute({ userId, productId: roses.id, quantity: 51 });
    expect(r.isErr()).to.equal(true);
    expect(notices()).to.have.length(1);
    expect(await staged()).to.deep.equal([]);
  });

  it('a save refused by a conflict discards its notice; parallel adds publish one notice per stored version', async () => {
    (await getCart.execute({ userId })).unwrap();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => addToCart.execute({ userId, productId: roses.id, quantity: 1 })),
    );
    results.forEach((r) => r.unwrap());
    const cart = (await k.carts.findByUserId(userId))!;
    expect(cart.items[0]!.quantity).to.equal(6);
    expect(notices()).to.have.length(cart.version);
    expect(await staged()).to.deep.equal([]);
  });

  it('the wishlist move-to-cart writes through the cart store: its write and its compensation are notices', async () => {
    const move = new MoveWishlistItemToCart(k.wishlist, k.carts, k.products, k.clock, k.ids, k.bus, k.logger);
    await k.wishlist.add(userId, roses.id);
    (await move.execute({ userId, productId: roses.id, quantity: 1 })).unwrap();
    expect(notices()).to.have.length(1);

    await k.wishlist.add(userId, roses.id);
    sinon.stub(k.wishlist, 'remove').rejects(new Error('users store unavailable'));
    expect((await move.execute({ userId, productId: roses.id, quantity: 1 })).isErr()).to.equal(true);
    expect(notices()).to.have.length(3); // the line added, then taken back
  });

  it('the bulk move to the cart publishes a notice', async () => {
    await k.wishlist.add(userId, roses.id);
    const bulk = new BulkMoveToCart(k.wishlist, k.carts, k.products, k.clock, k.ids, k.bus);
    (await bulk.execute({ userId, productIds: [roses.id] })).unwrap();
    expect(notices()).to.have.length(1);
  });

  it('an order placed from the cart empties it through the cart store: one notice, none on a redelivery', async () => {
    const o = makeOrderingKit();
    const user = await o.addUser();
    const product = await o.addProduct();
    await o.addCart(user.id, [{ productId: product.id, quantity: 1, unitPrice: product.price }]);
    (await o.place.execute(o.input(user.id, { lines: { from: 'cart' } }))).unwrap();
    expect((await o.carts.findByUserId(user.id))!.items).to.deep.equal([]);
    const cartNotices = o.bus.ofType('cart.cart-changed');
    expect(cartNotices.map((e) => e.payload)).to.deep.equal([
      { cartId: (await o.carts.findByUserId(user.id))!.id, userId: user.id },
    ]);
    // The order-placed event delivered again (the sweeper, another instance): the cart is untouched.
    const placed = o.bus.ofType('ordering.order-placed') as OrderPlaced[];
    await o.bus.publish(placed);
    // And the handler itself run again (its claim lapsed): nothing left to take out, nothing written.
    const handler = new EmptyCartWhenOrderPlaced(new CartStore(o.carts, o.products, o.clock, o.ids, o.bus));
    await handler.handle(placed[0]!);
    expect(o.bus.ofType('cart.cart-changed')).to.have.length(1);
  });
});
