import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../../adapters/persistence/mongo/connection.js';
import {
  CATEGORY_REPOSITORY,
  PRODUCT_REPOSITORY,
  type CategoryRepository,
  type ProductRepository,
} from '../../../../application/catalog/ports.js';
import {
  STOCK_RESERVATION_REPOSITORY,
  STOCK_STORE,
  type StockReservationRepository,
  type StockStore,
} from '../../../../application/inventory/ports.js';
import { Ok } from '../../../../domain/shared/result.js';
import type { SweepStockReservations } from '../../../../application/ordering/sweep-stock-reservations.js';
import { ReservationSweepSchedule } from '../../../../bootstrap/modules/stock-reservations.js';
import { buildTestApp, registerUser, type TestApp } from '../../../support/harness.js';
import { describeWith, mongoTestUri } from '../../../support/services.js';
import { aProduct } from '../../../support/kit.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(20);
  }
  return check();
}

/** Leaves what a process that died after reserving leaves: stock taken, a marker, an expired intent. */
async function abandonedReservation(t: TestApp, productId: string, quantity: number): Promise<void> {
  const stock = t.container.get<StockStore>(STOCK_STORE);
  const reservations = t.container.get<StockReservationRepository>(STOCK_RESERVATION_REPOSITORY);
  const rid = 'dead00000000000000000001';
  await reservations.record([
    { id: rid, orderId: 'dead00000000000000000002', productId, quantity, expiresAt: new Date(0) },
  ]);
  expect(await stock.reserveStock(productId, quantity, rid)).to.equal(true);
}

describe('http/ordering reservations: the sweep schedule', () => {
  it('runs once at start, then on its interval, never overlapping, and stops for good', async () => {
    let calls = 0;
    let active = 0;
    let overlapped = false;
    const sweeper = {
      execute: async () => {
        calls += 1;
        active += 1;
        if (active > 1) overlapped = true;
        await sleep(15);
        active -= 1;
        return Ok({ committed: 0, released: 0, dropped: 0 });
      },
    } as unknown as SweepStockReservations;
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const schedule = new ReservationSweepSchedule(sweeper, { ttlMs: 1000, sweepIntervalMs: 5 }, logger);
    await schedule.run();
    expect(calls).to.equal(1);
    await Promise.all([schedule.sweepOnce(), schedule.sweepOnce()]);
    await sleep(80);
    expect(calls).to.be.greaterThan(3);
    expect(overlapped).to.equal(false);
    await schedule.stop();
    const stoppedAt = calls;
    await sleep(50);
    expect(calls).to.equal(stoppedAt);
    await schedule.run();
    expect(calls).to.equal(stoppedAt);
  });

  it('does not hold the start: run() returns while the first sweep is still under way', async () => {
    // After a crash the first sweep took 7-8 s, and the server listened only after it.
    let finish!: () => void;
    const sweeping = new Promise<void>((r) => (finish = r));
    let calls = 0;
    const sweeper = {
      execute: async () => {
        calls += 1;
        await sweeping;
        return Ok({ committed: 0, released: 0, dropped: 0 });
      },
    } as unknown as SweepStockReservations;
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const schedule = new ReservationSweepSchedule(sweeper, { ttlMs: 1000, sweepIntervalMs: 60_000 }, logger);
    const outcome = await Promise.race([
      schedule.run().then(() => 'returned'),
      sleep(1000).then(() => 'held'),
    ]);
    expect(outcome).to.equal('returned');
    expect(calls).to.equal(1); // the sweep did start
    finish();
    await schedule.stop();
  });

  it('in the app: an abandoned reservation is put back by the scheduled sweep', async () => {
    const t = await buildTestApp({ STOCK_SWEEP_INTERVAL_MS: '100' });
    try {
      const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
      const p = await products.create(
        aProduct({ inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true } }),
      );
      await abandonedReservation(t, p.id, 3);
      expect((await products.findById(p.id))!.inventory.stock).to.equal(2);
      expect(await until(async () => (await products.findById(p.id))!.inventory.stock === 5)).to.equal(true);
      expect(await t.container.get<StockStore>(STOCK_STORE).pendingReservations(p.id)).to.deep.equal([]);
    } finally {
      await t.close();
    }
  });
});

describeWith(
  ['mongo'],
  'http/ordering reservations: catalog and reservations on Mongo across restarts',
  function () {
    this.timeout(60_000);
    const uri = mongoTestUri('restart');

    it('seeds an empty database once, settles what a dead process left at the next start, and places orders', async () => {
      const first = await buildTestApp({ MONGODB_URI: uri });
      let productId: string;
      let expectedStock: number;
      try {
        const products = first.container.get<ProductRepository>(PRODUCT_REPOSITORY);
        const categories = first.container.get<CategoryRepository>(CATEGORY_REPOSITORY);
        const seeded = await products.all();
        expect(seeded).to.have.length(34);
        const categoryCount = (await categories.list()).length;
        expect(categoryCount).to.be.greaterThan(0);

        // an order through the API on Mongo takes stock and leaves nothing pending
        const target = seeded.find((p) => p.inventory.isAvailable && p.inventory.stock >= 5)!;
        productId = target.id;
        const { token } = await registerUser(first);
        const res = await first.request({
          method: 'POST',
          url: '/api/orders',
          token,
          body: {
            items: [{ product: target.id, quantity: 2 }],
            shippingAddress: { fullName: 'A B', street: '1 St', city: 'C', state: 'S', zipCode: '10001' },
          },
        });
        expect(res.statusCode, res.body).to.equal(201);
        expectedStock = target.inventory.stock - 2;
        expect((await products.findById(target.id))!.inventory.stock).to.equal(expectedStock);
        expect(
          await first.container.get<StockStore>(STOCK_STORE).pendingReservations(target.id),
        ).to.deep.equal([]);

        // the process "dies" holding 1 unit
        await abandonedReservation(first, target.id, 1);
        expect((await products.findById(target.id))!.inventory.stock).to.equal(expectedStock - 1);
      } finally {
        await first.close();
      }

      const second = await buildTestApp({ MONGODB_URI: uri });
      try {
        const products = second.container.get<ProductRepository>(PRODUCT_REPOSITORY);
        expect(await products.all()).to.have.length(34); // not seeded again
        // the start-up sweep (started at start, not awaited by it) puts the abandoned unit back;
        // the placed order keeps its 2
        const reservations = second.container.get<StockReservationRepository>(STOCK_RESERVATION_REPOSITORY);
        expect(
          await until(async () => (await reservations.expired(new Date(8.64e15), 10)).length === 0, 15_000),
        ).to.equal(true);
        expect(
          await second.container.get<StockStore>(STOCK_STORE).pendingReservations(productId),
        ).to.deep.equal([]);
        const after = (await products.findById(productId))!;
        expect(after.inventory.stock).to.equal(expectedStock);
      } finally {
        await second.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
        await second.close();
      }
    });
  },
);
