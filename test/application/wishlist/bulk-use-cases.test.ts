import { expect } from 'chai';
import sinon from 'sinon';
import { AddToCart, GetCart } from '../../../application/cart/use-cases.js';
import { BulkMoveToCart, GetBulkOperation, RunBulkOperation } from '../../../application/wishlist/bulk.js';
import { MemoryBulkOperationStore } from '../../../adapters/persistence/memory/wishlist-bulk-operations.js';
import type { Product } from '../../../domain/catalog/product.js';
import { aProduct } from '../../support/kit.js';
import { makeKit, type Kit } from '../cart/kit.js';

describe('application/wishlist bulk use cases', () => {
  let k: Kit;
  let userId: string;
  let run: RunBulkOperation;
  let bulkMove: BulkMoveToCart;
  let getCart: GetCart;
  let p: Product[];

  const cart = async () =>
    (await getCart.execute({ userId }))
      .unwrap()
      .cart.items.map((i) => ({ id: i.productId, quantity: i.quantity }));

  beforeEach(async () => {
    k = makeKit();
    userId = k.addUser().id;
    const store = new MemoryBulkOperationStore(k.db);
    run = new RunBulkOperation(k.wishlist, k.carts, k.products, store, k.clock, k.ids, k.bus);
    bulkMove = new BulkMoveToCart(k.wishlist, k.carts, k.products, k.clock, k.ids, k.bus);
    getCart = new GetCart(k.carts, k.products, k.clock, k.ids, k.bus);
    p = [];
    for (let i = 0; i < 3; i += 1) {
      p.push(
        await k.products.create(
          aProduct({ inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true } }),
        ),
      );
    }
    await k.wishlist.addMany(
      userId,
      p.map((x) => x.id),
    );
  });
  afterEach(() => sinon.restore());

  it('a product another operation took off the wishlist meanwhile: the line this run added is taken back', async () => {
    sinon.stub(k.wishlist, 'remove').resolves(false);
    const r = (await run.execute({ userId, action: 'move-to-cart', productIds: [p[0]!.id] })).unwrap();
    expect(r.successful).to.deep.equal([]);
    expect(r.failed.map((f) => f.code)).to.deep.equal(['NOT_IN_WISHLIST']);
    expect(await cart()).to.deep.equal([]);
  });

  it('a product already in the cart keeps its line (per item and atomic): moving never doubles it', async () => {
    const addToCart = new AddToCart(k.carts, k.products, k.clock, k.ids, k.bus);
    (await addToCart.execute({ userId, productId: p[0]!.id, quantity: 2 })).unwrap();
    (await run.execute({ userId, action: 'move-to-cart', productIds: [p[0]!.id] })).unwrap();
    (await bulkMove.execute({ userId, productIds: [p[1]!.id] })).unwrap();
    expect(await cart()).to.deep.equal([
      { id: p[0]!.id, quantity: 2 },
      { id: p[1]!.id, quantity: 1 },
    ]);
    expect(await k.wishlist.get(userId)).to.deep.equal([p[2]!.id]);
  });

  it('an operation is read back by its owner only', async () => {
    const store = new MemoryBulkOperationStore(k.db);
    const get = new GetBulkOperation(store, k.clock);
    const r = (await run.execute({ userId, action: 'remove', productIds: [p[0]!.id] })).unwrap();
    expect((await get.execute({ userId, operationId: r.operationId })).unwrap().status).to.equal('completed');
    expect((await get.execute({ userId: k.addUser().id, operationId: r.operationId })).isErr()).to.equal(
      true,
    );
  });
});
