import { expect } from 'chai';
import fc from 'fast-check';
import type { ProductRepository } from '../../../application/catalog/ports.js';
import type { StockLedger, StockNotifyRepository, StockStore } from '../../../application/inventory/ports.js';
import { VerifyStockLedger } from '../../../application/inventory/use-cases.js';
import { ledgerSum } from '../../../domain/inventory/movement.js';
import { aProduct, testId } from '../../support/kit.js';

/** Fresh, empty stores over one database (the stock store changes the products' stock). */
export interface InventoryStores {
  products: ProductRepository;
  stock: StockStore;
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

async function apply(products: ProductRepository, stock: StockStore, id: string, op: Op): Promise<void> {
  switch (op.kind) {
    case 'reserve':
      await stock.reserveStock(id, op.n, `res-${op.r}`);
      return;
    case 'commit':
      await stock.commitReservation(id, `res-${op.r}`);
      return;
    case 'release':
      await stock.releaseReservation(id, `res-${op.r}`, op.n);
      return;
    case 'releaseStock':
      await stock.releaseStock(id, op.n);
      return;
    case 'set':
      await stock.setStock(id, op.n, { actor: 'admin-1' });
      return;
    case 'adjust':
      await stock.adjustStock(id, op.n, { actor: 'admin-1', reason: 'restock', reference: 'po-1' });
      return;
    case 'edit': {
      const p = (await products.findById(id))!;
      await products.update({ ...p, inventory: { ...p.inventory, stock: op.n } });
      return;
    }
  }
}

const MISSING = 'f00000000000000000000000';

export function inventoryContract(options: InventoryContractOptions): void {
  describe('StockStore', () => {
    let stores: InventoryStores;
    beforeEach(async () => {
      stores = await options.fresh();
    });

    it('reserveStock never oversells under concurrent callers and refuses unavailable products', async () => {
      const p = await stores.products.create(
        aProduct({ inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true } }),
      );
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => stores.stock.reserveStock(p.id, 1, `r${i}`)),
      );
      expect(results.filter(Boolean)).to.have.length(5);
      expect((await stores.products.findById(p.id))!.inventory.stock).to.equal(0);
      expect((await stores.stock.pendingReservations(p.id)).sort()).to.deep.equal(
        results.flatMap((ok, i) => (ok ? [`r${i}`] : [])).sort(),
      );
      expect(await stores.stock.reserveStock(p.id, 1, 'late')).to.equal(false);
      await stores.stock.releaseStock(p.id, 2);
      expect((await stores.products.findById(p.id))!.inventory.stock).to.equal(2);
      expect(await stores.stock.reserveStock(p.id, 3, 'big')).to.equal(false);
      expect(await stores.stock.reserveStock(p.id, 0, 'zero')).to.equal(false);
      expect(await stores.stock.reserveStock(p.id, -1, 'neg')).to.equal(false);
      expect(await stores.stock.reserveStock(MISSING, 1, 'ghost')).to.equal(false);
      const off = await stores.products.create(
        aProduct({ inventory: { stock: 9, lowStockThreshold: 1, isAvailable: false } }),
      );
      expect(await stores.stock.reserveStock(off.id, 1, 'off')).to.equal(false);
      expect((await stores.products.findById(off.id))!.inventory.stock).to.equal(9);
      expect(await stores.stock.pendingReservations(off.id)).to.deep.equal([]);
    });

    it('a reservation is taken once, committed or released at most once, and only by its own id', async () => {
      const p = await stores.products.create(
        aProduct({ inventory: { stock: 10, lowStockThreshold: 1, isAvailable: true } }),
      );
      const onHand = async () => (await stores.products.findById(p.id))!.inventory.stock;
      expect(await stores.stock.reserveStock(p.id, 3, 'a')).to.equal(true);
      expect(await stores.stock.reserveStock(p.id, 3, 'a')).to.equal(false); // a retry is a no-op
      expect(await stores.stock.reserveStock(p.id, 2, 'b')).to.equal(true);
      expect(await onHand()).to.equal(5);
      expect(await stores.stock.pendingReservations(p.id)).to.deep.equal(['a', 'b']);

      // commit keeps the stock taken and forgets the marker, once
      expect(await stores.stock.commitReservation(p.id, 'a')).to.equal(true);
      expect(await stores.stock.commitReservation(p.id, 'a')).to.equal(false);
      expect(await stores.stock.releaseReservation(p.id, 'a', 3)).to.equal(false);
      expect(await onHand()).to.equal(5);

      // release puts it back at most once, even when two callers race
      const races = await Promise.all([
        stores.stock.releaseReservation(p.id, 'b', 2),
        stores.stock.releaseReservation(p.id, 'b', 2),
        stores.stock.releaseReservation(p.id, 'b', 2),
      ]);
      expect(races.filter(Boolean)).to.have.length(1);
      expect(await onHand()).to.equal(7);
      expect(await stores.stock.commitReservation(p.id, 'b')).to.equal(false);
      expect(await stores.stock.pendingReservations(p.id)).to.deep.equal([]);

      // unknown ids and products change nothing
      expect(await stores.stock.releaseReservation(p.id, 'never', 4)).to.equal(false);
      expect(await stores.stock.releaseReservation(MISSING, 'a', 4)).to.equal(false);
      expect(await stores.stock.commitReservation(MISSING, 'a')).to.equal(false);
      expect(await stores.stock.pendingReservations(MISSING)).to.deep.equal([]);
      expect(await onHand()).to.equal(7);

      // the same id may hold stock again once settled; a reservation survives a product edit
      expect(await stores.stock.reserveStock(p.id, 1, 'a')).to.equal(true);
      const current = (await stores.products.findById(p.id))!;
      expect((await stores.products.update({ ...current, name: 'Edited' })).isOk()).to.equal(true);
      expect(await stores.stock.pendingReservations(p.id)).to.deep.equal(['a']);
      expect(await stores.stock.releaseReservation(p.id, 'a', 1)).to.equal(true);
      expect(await onHand()).to.equal(7);
    });

    it('stock changes bump the product version, so a product edit read before them is refused', async () => {
      const p = await stores.products.create(aProduct());
      expect(await stores.stock.reserveStock(p.id, 1, 'r1')).to.equal(true);
      expect((await stores.products.findById(p.id))!.version).to.equal(p.version + 1);
      const stale = await stores.products.update({ ...p, name: 'B' });
      expect(stale.isErr() && stale.error.code).to.equal('CONFLICT');
      expect(await stores.stock.setStock(p.id, 42)).to.equal(true);
      expect(await stores.stock.setStock(p.id, -1)).to.equal(false);
      expect(await stores.stock.setStock(p.id, 1.5)).to.equal(false);
      expect(await stores.stock.setStock(MISSING, 1)).to.equal(false);
      const now = (await stores.products.findById(p.id))!;
      expect([now.inventory.stock, now.name]).to.deep.equal([42, p.name]);
    });
  });

  it('create records an initial movement equal to the stock', async () => {
    const { products, ledger } = await options.fresh();
    const p = aProduct({ inventory: { stock: 7, lowStockThreshold: 2, isAvailable: true } });
    await products.create(p);
    const ms = await ledger.all({ productId: p.id });
    expect(ms.map((m) => [m.reason, m.quantity])).to.deep.equal([['initial', 7]]);
  });

  it('each stock method records one movement with reason, actor and reference', async () => {
    const { products, stock, ledger } = await options.fresh();
    const p = aProduct({ inventory: { stock: 5, lowStockThreshold: 2, isAvailable: true } });
    await products.create(p);
    expect(await stock.reserveStock(p.id, 2, 'resA')).to.equal(true);
    expect(await stock.commitReservation(p.id, 'resA')).to.equal(true);
    expect(await stock.reserveStock(p.id, 1, 'resB')).to.equal(true);
    expect(await stock.releaseReservation(p.id, 'resB', 1)).to.equal(true);
    await stock.releaseStock(p.id, 2, { actor: 'system', reference: 'order-9' });
    expect(await stock.setStock(p.id, 10, { actor: 'admin-1' })).to.equal(true);
    const adj = await stock.adjustStock(p.id, -3, {
      actor: 'admin-1',
      reason: 'adjustment',
      reference: 'broken',
    });
    expect(adj).to.deep.equal({ ok: true, before: 10, after: 7 });
    expect(await stock.adjustStock(p.id, -8)).to.deep.equal({ ok: false, reason: 'negative' });
    expect(await stock.adjustStock(testId(), 1)).to.deep.equal({ ok: false, reason: 'not_found' });
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
          const { products, stock, ledger } = await options.fresh();
          const p = aProduct({ inventory: { stock: initial, lowStockThreshold: 2, isAvailable: true } });
          await products.create(p);
          for (const op of ops) await apply(products, stock, p.id, op);
          const onHand = (await products.findById(p.id))!.inventory.stock;
          expect(onHand).to.be.at.least(0);
          expect(ledgerSum(await ledger.all({ productId: p.id }))).to.equal(onHand);
          const check = (await new VerifyStockLedger(products, ledger).execute()).unwrap();
          expect(check.mismatches).to.deep.equal([]);
        },
      ),
      { numRuns: options.runs },
    );
  });

  it('parallel restocks and reservations keep stock == sum of movements', async () => {
    const { products, stock, ledger } = await options.fresh();
    const p = aProduct({ inventory: { stock: 3, lowStockThreshold: 1, isAvailable: true } });
    await products.create(p);
    const results = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => stock.reserveStock(p.id, 1, `r${i}`)),
      ...Array.from({ length: 4 }, () => stock.adjustStock(p.id, 2, { reason: 'restock' })),
      stock.setStock(p.id, 4),
    ]);
    expect(results.length).to.equal(13);
    const onHand = (await products.findById(p.id))!.inventory.stock;
    expect(onHand).to.be.at.least(0);
    expect(ledgerSum(await ledger.all({ productId: p.id }))).to.equal(onHand);
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
