import { expect } from 'chai';
import fc from 'fast-check';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryStockLedger } from '../../../adapters/persistence/memory/inventory-ledger.js';
import { MemoryStockNotifyRepository } from '../../../adapters/persistence/memory/inventory-notify-requests.js';
import { MemoryStockStore } from '../../../adapters/persistence/memory/inventory-stock-store.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import {
  ChangeStock,
  NotifyBackInStock,
  RequestStockNotification,
  RestockProduct,
  VerifyStockLedger,
} from '../../../application/inventory/use-cases.js';
import type { BackInStockMessage, BackInStockMessages } from '../../../application/inventory/ports.js';
import { aProduct, RecordingBus, SequentialIds, testId } from '../../support/kit.js';

function setup() {
  const db = new MemoryDatabase();
  const products = new MemoryProductRepository(db);
  const stock = new MemoryStockStore(db);
  const ledger = new MemoryStockLedger(db);
  const notifyRepo = new MemoryStockNotifyRepository(db);
  // Like the notification system's: one message per request, however often it is sent.
  const sent: BackInStockMessage[] = [];
  const messages: BackInStockMessages = {
    send: async (m) => {
      if (!sent.some((s) => s.requestId === m.requestId)) sent.push(m);
    },
  };
  const clock = { now: () => new Date() };
  const events = new RecordingBus();
  const logger = { info() {}, warn() {}, error() {} };
  const ids = new SequentialIds();
  const notify = new NotifyBackInStock(notifyRepo, messages, clock, logger);
  return {
    products,
    stock,
    ledger,
    sent,
    change: new ChangeStock(products, stock, events, clock, ids, notify),
    restock: new RestockProduct(products, stock, events, clock, ids, notify),
    ask: new RequestStockNotification(products, notifyRepo, clock, ids),
    verify: new VerifyStockLedger(products, ledger),
  };
}

describe('application/inventory', () => {
  it('ledger sum == stock after random reserve/commit/release/set/adjust/restock sequences', async () => {
    type Op = [kind: number, n: number, r: number];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 5 }),
            fc.integer({ min: -4, max: 6 }),
            fc.integer({ min: 0, max: 2 }),
          ),
          {
            maxLength: 20,
          },
        ),
        async (ops: Op[]) => {
          const s = setup();
          const p = aProduct({ inventory: { stock: 2, lowStockThreshold: 1, isAvailable: true } });
          await s.products.create(p);
          for (const [kind, n, r] of ops) {
            if (kind === 0) await s.stock.reserveStock(p.id, Math.abs(n) || 1, `r${r}`);
            if (kind === 1) await s.stock.commitReservation(p.id, `r${r}`);
            if (kind === 2) await s.stock.releaseReservation(p.id, `r${r}`, Math.abs(n) || 1);
            if (kind === 3) await s.change.execute({ productId: p.id, set: Math.abs(n), actor: 'admin' });
            if (kind === 4)
              await s.change.execute({ productId: p.id, adjust: n, reason: 'count', actor: 'admin' });
            if (kind === 5)
              await s.restock.execute({ productId: p.id, quantity: Math.abs(n) || 1, actor: 'admin' });
          }
          const check = (await s.verify.execute()).unwrap();
          expect(check).to.deep.equal({ settled: 0, checked: 1, mismatches: [] });
          expect((await s.products.findById(p.id))!.inventory.stock).to.be.at.least(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('back-in-stock: one mail per request, only on 0 -> >0, never twice', async () => {
    const s = setup();
    const p = aProduct({
      name: 'Tulips',
      inventory: { stock: 0, lowStockThreshold: 1, isAvailable: true },
    });
    await s.products.create(p);
    (await s.ask.execute({ productId: p.id, userId: 'u1', email: 'a@x.co' })).unwrap();
    (await s.ask.execute({ productId: p.id, userId: 'u1', email: 'a@x.co' })).unwrap();
    (await s.ask.execute({ productId: p.id, userId: 'u2', email: 'b@x.co' })).unwrap();
    const results = await Promise.all([
      s.restock.execute({ productId: p.id, quantity: 2, actor: 'a' }),
      s.change.execute({ productId: p.id, set: 3, actor: 'a' }),
    ]);
    expect(results.every((r) => r.isOk())).to.equal(true);
    expect(s.sent.map((m) => m.email).sort()).to.deep.equal(['a@x.co', 'b@x.co']);
    expect(s.sent[0]!.productName).to.equal('Tulips');
    await s.change.execute({ productId: p.id, set: 0, actor: 'a' });
    await s.restock.execute({ productId: p.id, quantity: 1, actor: 'a' });
    expect(s.sent).to.have.length(2);
  });

  it('validation: ids, exactly one of set/adjust, positive restock quantity, negative results', async () => {
    const s = setup();
    const p = aProduct({ inventory: { stock: 1, lowStockThreshold: 1, isAvailable: true } });
    await s.products.create(p);
    const code = async (r: Promise<{ isErr(): boolean; error?: unknown }>) => {
      const x = (await r) as { isErr(): boolean; error: { code: string } };
      return x.isErr() ? x.error.code : 'OK';
    };
    expect(await code(s.change.execute({ productId: 'x', set: 1, actor: 'a' }))).to.equal(
      'VALIDATION_FAILED',
    );
    expect(await code(s.change.execute({ productId: p.id, actor: 'a' }))).to.equal('VALIDATION_FAILED');
    expect(await code(s.change.execute({ productId: p.id, set: 1, adjust: 1, actor: 'a' }))).to.equal(
      'VALIDATION_FAILED',
    );
    expect(await code(s.change.execute({ productId: p.id, adjust: -2, actor: 'a' }))).to.equal(
      'NEGATIVE_STOCK',
    );
    expect(await code(s.change.execute({ productId: p.id, set: -1, actor: 'a' }))).to.equal('NEGATIVE_STOCK');
    expect(await code(s.change.execute({ productId: testId(), set: 1, actor: 'a' }))).to.equal(
      'PRODUCT_NOT_FOUND',
    );
    expect(await code(s.restock.execute({ productId: p.id, quantity: 0, actor: 'a' }))).to.equal(
      'INVALID_QUANTITY',
    );
    expect((await s.products.findById(p.id))!.inventory.stock).to.equal(1);
  });
});
