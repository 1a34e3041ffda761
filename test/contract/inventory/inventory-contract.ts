import { expect } from 'chai';
import fc from 'fast-check';
import type { ProductRepository } from '../../../application/catalog/ports.js';
import type { StockLedger, StockNotifyRepository } from '../../../application/inventory/ports.js';
import { VerifyStockLedger } from '../../../application/inventory/use-cases.js';
import { ledgerSum } from '../../../domain/inventory/movement.js';
import { aProduct, testId } from '../../support/kit.js';

export interface InventoryStores {
  products: ProductRepository;
  ledger: StockLedger;
  notify: StockNotifyRepository;
}

export interface InventoryContractOptions {
  runs: number;
  fresh(): Promise<InventoryStores>;
}

type Op =
  | { kind: 'reserve'; n: number; r: number }
  | { kind: 'commit'; r: number }
  | { kind: 'release'; r: number; n: number }
  | { kind: 'releaseStock'; n: number }
  | { kind: 'set'; n: number }
  | { kind: 'adjust'; n: number }
  | { kind: 'edit'; n: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('reserve' as const),
    n: fc.integer({ min: 1, max: 4 }),
    r: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('commit' as const), r: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constant('release' as const),
    r: fc.integer({ min: 0, max: 3 }),
    n: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ kind: fc.constant('releaseStock' as const), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('set' as const), n: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant('adjust' as const), n: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ kind: fc.constant('edit' as const), n: fc.integer({ min: 0, max: 6 }) }),
);

async function apply(products: ProductRepository, id: string, op: Op): Promise<void> {
  switch (op.kind) {
    case 'reserve':
      await products.reserveStock(id, op.n, `res-${op.r}`);
      return;
    case 'commit':
      await products.commitReservation(id, `res-${op.r}`);
      return;
    case 'release':
      await products.releaseReservation(id, `res-${op.r}`, op.n);
      return;
    case 'releaseStock':
      await products.releaseStock(id, op.n);
      return;
    case 'set':
      await products.setStock(id, op.n, { actor: 'admin-1' });
      return;
    case 'adjust':
      await products.adjustStock(id, op.n, { actor: 'admin-1', reason: 'restock', reference: 'po-1' });
      return;
    case 'edit': {
      const p = (await products.findById(id))!;
      await products.update({ ...p, inventory: { ...p.inventory, stock: op.n } });
      return;
    }
  }
}

export function inventoryContract(options: InventoryContractOptions): void {
  it('create records an initial movement equal to the stock', async () => {
    const { products, ledger } = await options.fresh();
    const p = aProduct({ inventory: { stock: 7, lowStockThreshold: 2, isAvailable: true } });
    await products.create(p);
    const ms = await ledger.all({ productId: p.id });
    expect(ms.map((m) => [m.reason, m.quantity])).to.deep.equal([['initial', 7]]);
  });

  it('each stock method records one movement with reason, actor and reference', async () => {
    const { products, ledger } = await options.fresh();
    const p = aProduct({ inventory: { stock: 5, lowStockThreshold: 2, isAvailable: true } });
    await products.create(p);
    expect(await products.reserveStock(p.id, 2, 'resA')).to.equal(true);
    expect(await products.commitReservation(p.id, 'resA')).to.equal(true);
    expect(await products.reserveStock(p.id, 1, 'resB')).to.equal(true);
    expect(await products.releaseReservation(p.id, 'resB', 1)).to.equal(true);
    await products.releaseStock(p.id, 2, { actor: 'system', reference: 'order-9' });
    expect(await products.setStock(p.id, 10, { actor: 'admin-1' })).to.equal(true);
    const adj = await products.adjustStock(p.id, -3, {
      actor: 'admin-1',
      reason: 'adjustment',
      reference: 'broken',
    });
    expect(adj).to.deep.equal({ ok: true, before: 10, after: 7 });
    expect(await products.adjustStock(p.id, -8)).to.deep.equal({ ok: false, reason: 'negative' });
    expect(await products.adjustStock(testId(), 1)).to.deep.equal({ ok: false, reason: 'not_found' });
    const ms = await ledger.all({ productId: p.id });
    expect(ms.map((m) => [m.reason, m.quantity, m.reference])).to.deep.equal([
      ['initial', 5, ''],
      ['sale', -2, 'resA'],
      ['sale', -1, 'resB'],
      ['reservation_release', 1, 'resB'],
      ['cancellation', 2, 'order-9'],
      ['adjustment', 5, ''],
      ['adjustment', -3, 'broken'],
    ]);
    expect(ms[5]!.actor).to.equal('admin-1');
    expect(ledgerSum(ms)).to.equal((await products.findById(p.id))!.inventory.stock);
    const page = await ledger.list({ productId: p.id }, 1, 2);
    expect(page.total).to.equal(7);
    expect(page.items.map((m) => m.quantity)).to.deep.equal([-3, 5]);
  });

  it('stock == sum of movements after any sequence of stock operations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        fc.array(opArb, { maxLength: 12 }),
        async (initial, ops) => {
          const { products, ledger } = await options.fresh();
          const p = aProduct({ inventory: { stock: initial, lowStockThreshold: 2, isAvailable: true } });
          await products.create(p);
          for (const op of ops) await apply(products, p.id, op);
          const stock = (await products.findById(p.id))!.inventory.stock;
          expect(stock).to.be.at.least(0);
          expect(ledgerSum(await ledger.all({ productId: p.id }))).to.equal(stock);
          const check = (await new VerifyStockLedger(products, ledger).execute()).unwrap();
          expect(check.mismatches).to.deep.equal([]);
        },
      ),
      { numRuns: options.runs },
    );
  });

  it('parallel restocks and reservations keep stock == sum of movements', async () => {
    const { products, ledger } = await options.fresh();
    const p = aProduct({ inventory: { stock: 3, lowStockThreshold: 1, isAvailable: true } });
    await products.create(p);
    const results = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => products.reserveStock(p.id, 1, `r${i}`)),
      ...Array.from({ length: 4 }, () => products.adjustStock(p.id, 2, { reason: 'restock' })),
      products.setStock(p.id, 4),
    ]);
    expect(results.length).to.equal(13);
    const stock = (await products.findById(p.id))!.inventory.stock;
    expect(stock).to.be.at.least(0);
    expect(ledgerSum(await ledger.all({ productId: p.id }))).to.equal(stock);
  });

  it('notify requests: one open per user and product, notified at most once', async () => {
    const { notify } = await options.fresh();
    const productId = testId();
    const base = { productId, userId: 'u1', email: 'a@b.co', createdAt: new Date(), notifiedAt: null };
    const first = await notify.add({ ...base, id: testId() });
    const again = await notify.add({ ...base, id: testId() });
    expect(again.id).to.equal(first.id);
    expect((await notify.open(productId)).map((r) => r.id)).to.deep.equal([first.id]);
    const marks = await Promise.all([1, 2, 3].map(() => notify.markNotified(first.id, new Date())));
    expect(marks.filter(Boolean)).to.have.length(1);
    expect(await notify.open(productId)).to.deep.equal([]);
    const later = await notify.add({ ...base, id: testId() });
    expect(later.id).to.not.equal(first.id);
  });
}
