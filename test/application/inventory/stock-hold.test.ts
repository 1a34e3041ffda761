import { expect } from 'chai';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryStockReservationRepository } from '../../../adapters/persistence/memory/inventory-stock-reservations.js';
import { MemoryStockStore } from '../../../adapters/persistence/memory/inventory-stock-store.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { StockHold } from '../../../application/inventory/stock-hold.js';
import { FIXED_NOW, aProduct, testId } from '../../support/kit.js';

function setup() {
  const db = new MemoryDatabase();
  const products = new MemoryProductRepository(db);
  const stock = new MemoryStockStore(db);
  const reservations = new MemoryStockReservationRepository(db);
  const logger = { info() {}, warn() {}, error() {} };
  const hold = new StockHold(stock, reservations, { next: testId }, logger, { ttlMs: 60_000 });
  const onHand = async (id: string) => (await products.findById(id))!.inventory.stock;
  const intents = () => reservations.expired(new Date(8.64e15), 100);
  return { products, stock, hold, onHand, intents };
}

describe('application/inventory StockHold', () => {
  it('holds every need (lines of one product summed) under intents, then commit keeps the stock', async () => {
    const s = setup();
    const p = await s.products.create(
      aProduct({ inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true } }),
    );
    const lines = [
      { productId: p.id, quantity: 1, name: 'A' },
      { productId: p.id, quantity: 2, name: 'A' },
    ];
    const held = (await s.hold.hold('order-1', lines, FIXED_NOW)).unwrap();
    expect(held.map((h) => h.quantity)).to.deep.equal([3]);
    expect(await s.onHand(p.id)).to.equal(2);
    expect((await s.intents()).map((i) => [i.orderId, i.quantity])).to.deep.equal([['order-1', 3]]);
    await s.hold.commit('order-1', held);
    expect(await s.onHand(p.id)).to.equal(2);
    expect(await s.stock.pendingReservations(p.id)).to.deep.equal([]);
    expect(await s.intents()).to.deep.equal([]);
  });

  it('a short product refuses the hold with nothing taken and no intents left', async () => {
    const s = setup();
    const a = await s.products.create(
      aProduct({ inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true } }),
    );
    const b = await s.products.create(
      aProduct({ inventory: { stock: 1, lowStockThreshold: 1, isAvailable: true } }),
    );
    const result = await s.hold.hold(
      'order-2',
      [
        { productId: a.id, quantity: 2, name: 'A' },
        { productId: b.id, quantity: 2, name: 'B' },
      ],
      FIXED_NOW,
    );
    expect(result.unwrapErr()).to.deep.equal({
      code: 'INSUFFICIENT_STOCK',
      message: 'Insufficient stock for B',
    });
    expect([await s.onHand(a.id), await s.onHand(b.id)]).to.deep.equal([5, 1]);
    expect(await s.intents()).to.deep.equal([]);
  });

  it('settle keeps the stock of a stored order, returns it otherwise, once, and deletes the intent', async () => {
    const s = setup();
    const p = await s.products.create(
      aProduct({ inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true } }),
    );
    const kept = (
      await s.hold.hold('stored', [{ productId: p.id, quantity: 1, name: 'A' }], FIXED_NOW)
    ).unwrap();
    const lost = (
      await s.hold.hold('lost', [{ productId: p.id, quantity: 2, name: 'A' }], FIXED_NOW)
    ).unwrap();
    const [i1, i2] = [...(await s.intents())].sort((x, y) => (x.orderId < y.orderId ? -1 : 1));
    expect([i1!.orderId, i2!.orderId]).to.deep.equal(['lost', 'stored']);
    expect(await s.hold.settle(i2!, true)).to.equal('committed');
    expect(await s.hold.settle(i1!, false)).to.equal('released');
    expect(await s.hold.settle(i1!, false)).to.equal('dropped');
    expect(await s.onHand(p.id)).to.equal(4);
    expect(await s.intents()).to.deep.equal([]);
    expect(kept[0]!.reservationId).to.equal(i2!.id);
    expect(lost[0]!.reservationId).to.equal(i1!.id);
  });
});
