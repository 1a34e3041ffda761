import { expect } from 'chai';
import sinon from 'sinon';
import { ChangeStock, NotifyBackInStock } from '../../../application/inventory/use-cases.js';
import { MemoryStockNotifyRepository } from '../../../adapters/persistence/memory/inventory-notify-requests.js';
import { aProduct, SequentialIds } from '../../support/kit.js';
import { catalogKit } from './kit.js';

const FOREVER = new Date(8.64e15);
const MISSING = 'f00000000000000000000abc';

/**
 * The catalog's notices go through the write-ahead outbox: staged before the write, published
 * after it (and then out of the outbox), discarded when the write was refused or changed nothing.
 */
describe('application/catalog notices: staged before the write', () => {
  afterEach(() => sinon.restore());

  const kit = async () => {
    const k = catalogKit();
    const p = await k.products.create(
      aProduct({ price: 100, inventory: { stock: 3, lowStockThreshold: 0, isAvailable: true } }),
    );
    (await k.createCategory.execute({ name: 'Bouquets' })).unwrap();
    const notify = new NotifyBackInStock(
      new MemoryStockNotifyRepository(k.db),
      { send: async () => undefined },
      k.clock,
      { info() {}, warn() {}, error() {} },
    );
    const change = new ChangeStock(k.products, k.stock, k.bus, k.clock, new SequentialIds(), notify);
    k.bus.published.length = 0;
    return { k, p, change, staged: () => k.bus.stagedOutbox.pending(FOREVER, 100) };
  };

  it('a refused or empty write leaves nothing staged and publishes nothing', async () => {
    const { k, p, change, staged } = await kit();
    expect((await k.update.execute({ id: MISSING, patch: { price: 5 } })).isErr()).to.equal(true);
    expect((await k.update.execute({ id: p.id, patch: { price: 100 } })).isOk()).to.equal(true); // unchanged
    expect((await k.remove.execute({ id: MISSING })).isErr()).to.equal(true);
    expect((await k.createCategory.execute({ name: 'Bouquets' })).isErr()).to.equal(true); // slug taken
    expect((await k.updateCategory.execute({ id: MISSING, patch: { name: 'x' } })).isErr()).to.equal(true);
    expect(
      (await change.execute({ productId: p.id, adjust: -10, actor: 'admin' })).isErr(),
      'below zero',
    ).to.equal(true);
    expect(
      (await k.bulk.execute({ productIds: [p.id], updates: { price: 100 } })).unwrap().modifiedCount,
    ).to.equal(0);
    expect(await staged()).to.deep.equal([]);
    expect(k.bus.published).to.deep.equal([]);
  });

  it('a write whose dispatch dies leaves its notices staged, as published later; a delivered one leaves none', async () => {
    const { k, p, change, staged } = await kit();
    sinon.stub(k.bus, 'publish').rejects(new Error('process killed'));
    let failed = false;
    await k.update.execute({ id: p.id, patch: { price: 150, inventory: { stock: 9 } } }).catch(() => {
      failed = true;
    });
    expect(failed).to.equal(true);
    expect((await k.products.findById(p.id))!.price).to.equal(150); // the write landed
    expect((await staged()).map((e) => [e.type, e.payload])).to.deep.equal([
      ['catalog.product-updated', { productId: p.id }],
      ['catalog.stock-changed', { productId: p.id, stock: 9 }],
    ]);
    sinon.restore();

    const left = await staged();
    await k.bus.publish(left); // what the sweeper does
    await k.bus.drain();
    expect(await staged()).to.deep.equal([]);

    // A stock movement publishes the stock it ended with, under the id it staged.
    const moved = (await change.execute({ productId: p.id, adjust: 2, actor: 'admin' })).unwrap();
    await k.bus.drain();
    expect(moved.after).to.equal(11);
    expect(k.bus.published.at(-1)!.payload).to.deep.equal({ productId: p.id, stock: 11 });
    expect(await staged()).to.deep.equal([]);
  });
});
