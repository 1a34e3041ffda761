import { expect } from 'chai';
import type { CartRepository } from '../../../application/cart/ports.js';
import type { Cart } from '../../../domain/cart/cart.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryCartRepository } from '../../../adapters/persistence/memory/cart-repository.js';
import { MongoCartRepository } from '../../../adapters/persistence/mongo/cart-repository.js';
import { describeWith } from '../../support/services.js';
import { aCart, FIXED_NOW, testId, type CartSpec } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

/** A cart with two lines, one with every option, as the repository must round-trip it. */
function newCart(overrides: CartSpec = {}): Cart {
  return aCart({
    items: [
      {
        productId: testId(),
        quantity: 2,
        unitPrice: 129900,
        size: { name: 'deluxe', price: 50000 },
        vase: { name: 'premium', price: 30000 },
        personalNote: 'Happy birthday',
      },
      { productId: testId(), quantity: 1, unitPrice: 999 },
    ],
    ...overrides,
  });
}

function contract(make: () => Promise<CartRepository>): void {
  it('a user without a cart has none; the first save (version 0) stores version 1, every field kept', async () => {
    const carts = await make();
    const cart = newCart();
    expect(await carts.findByUserId(cart.userId)).to.equal(null);
    const saved = await carts.save(cart);
    expect(saved.isOk() && saved.value).to.deep.equal({ ...cart, version: 1 });
    expect(await carts.findByUserId(cart.userId)).to.deep.equal({ ...cart, version: 1 });
  });

  it('saves optimistically: the stored version must match; a stale or a premature save is a CONFLICT', async () => {
    const carts = await make();
    const cart = newCart();
    const v1 = (await carts.save(cart)).unwrap();
    const later = new Date(FIXED_NOW.getTime() + 1000);
    const v2 = await carts.save({ ...v1, items: v1.items.slice(1), updatedAt: later });
    expect(v2.isOk() && v2.value.version).to.equal(2);
    expect(await carts.findByUserId(cart.userId)).to.deep.equal({
      ...cart,
      items: cart.items.slice(1),
      updatedAt: later,
      version: 2,
    });
    const stale = await carts.save({ ...v1, items: [] });
    expect(stale.isErr() && stale.error).to.deep.equal({
      code: 'CONFLICT',
      message: 'The cart was changed by another request; please retry',
    });
    const again = await carts.save({ ...cart, version: 0 });
    expect(again.isErr() && again.error.code).to.equal('CONFLICT');
    const premature = await carts.save(newCart({ version: 3 }));
    expect(premature.isErr() && premature.error.code).to.equal('CONFLICT');
    expect((await carts.findByUserId(cart.userId))?.version).to.equal(2);
  });

  it('an emptied cart is stored with no items', async () => {
    const carts = await make();
    const v1 = (await carts.save(newCart())).unwrap();
    const v2 = (await carts.save({ ...v1, items: [] })).unwrap();
    expect((await carts.findByUserId(v2.userId))?.items).to.deep.equal([]);
  });

  it('parallel first saves for one user (even with different cart ids): exactly one wins', async () => {
    const carts = await make();
    const userId = testId();
    const results = await Promise.all(Array.from({ length: 6 }, () => carts.save(newCart({ userId }))));
    expect(results.filter((r) => r.isOk())).to.have.length(1);
    const winner = results.find((r) => r.isOk())!.unwrap();
    expect(await carts.findByUserId(userId)).to.deep.equal(winner);
  });

  it('parallel saves at the same version: exactly one wins, the rest CONFLICT', async () => {
    const carts = await make();
    const v1 = (await carts.save(newCart())).unwrap();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        carts.save({ ...v1, items: [{ ...v1.items[0]!, quantity: i + 1 }] }),
      ),
    );
    expect(results.filter((r) => r.isOk())).to.have.length(1);
    expect(results.filter((r) => r.isErr() && r.error.code === 'CONFLICT')).to.have.length(5);
    const winner = results.find((r) => r.isOk())!.unwrap();
    expect(await carts.findByUserId(v1.userId)).to.deep.equal(winner);
  });
}

describe('contract/cart CartRepository', () => {
  describe('memory', () => {
    contract(async () => new MemoryCartRepository(new MemoryDatabase()));
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('carts');
    contract(async () => {
      const repo = new MongoCartRepository(mongo.connection());
      await mongo.reset();
      return repo;
    });
  });
});
