import { expect } from 'chai';
import type { PlacedOrders, SlotCapacityStore } from '../../../application/delivery/ports.js';
import { ReleaseAbandonedSlots } from '../../../application/delivery/use-cases.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemorySlotCapacityStore } from '../../../adapters/persistence/memory/delivery-slot-capacity.js';
import { MongoSlotCapacityStore } from '../../../adapters/persistence/mongo/delivery-slot-capacity.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, TestClock, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

const KEY = '2026-06-02|09:00-12:00';
const OTHER = '2026-06-02|12:00-15:00';

function contract(fresh: () => Promise<SlotCapacityStore>): void {
  let store: SlotCapacityStore;
  beforeEach(async () => {
    store = await fresh();
  });
  const taken = async (key = KEY) => (await store.taken([key])).get(key) ?? 0;

  it('books up to the capacity, then refuses; booking again for the same order is a no-op', async () => {
    const a = testId();
    expect(await store.book(KEY, a, 2, FIXED_NOW)).to.equal(true);
    expect(await store.book(KEY, a, 2, FIXED_NOW)).to.equal(true);
    expect(await taken()).to.equal(1);
    expect(await store.book(KEY, testId(), 2, FIXED_NOW)).to.equal(true);
    const refused = testId();
    expect(await store.book(KEY, refused, 2, FIXED_NOW)).to.equal(false);
    expect(await store.bookingOf(refused)).to.equal(null);
    expect(await taken()).to.equal(2);
    expect(await taken(OTHER)).to.equal(0);
    expect(await store.bookingOf(a)).to.deep.include({ orderId: a, key: KEY });
  });

  it('parallel bookings of one slot: exactly the capacity succeed', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.book(KEY, testId(), 5, FIXED_NOW)),
    );
    expect(results.filter(Boolean)).to.have.length(5);
    expect(await taken()).to.equal(5);
  });

  it('release gives the place back once, even when called in parallel', async () => {
    const a = testId();
    await store.book(KEY, a, 1, FIXED_NOW);
    const freed = await Promise.all([store.release(a), store.release(a), store.release(a)]);
    expect(freed.filter(Boolean)).to.have.length(1);
    expect(await taken()).to.equal(0);
    expect(await store.bookingOf(a)).to.equal(null);
    expect(await store.release(testId())).to.equal(false);
    expect(await store.book(KEY, testId(), 1, FIXED_NOW)).to.equal(true);
  });

  it('the sweep releases old bookings without an order, confirms those with one, leaves young ones', async () => {
    const clock = new TestClock(FIXED_NOW);
    const dead = testId();
    const placed = testId();
    const young = testId();
    await store.book(KEY, dead, 10, FIXED_NOW);
    await store.book(KEY, placed, 10, FIXED_NOW);
    await store.book(KEY, young, 10, new Date(FIXED_NOW.getTime() + 50_000));
    const orders: PlacedOrders = { hasOrder: async (id) => id === placed };
    const sweep = new ReleaseAbandonedSlots(store, orders, clock, { abandonAfterMs: 60_000 });
    clock.advance(60_000);
    expect(await sweep.execute()).to.deep.equal({ released: 1, confirmed: 1 });
    expect(await taken()).to.equal(2);
    expect(await store.bookingOf(dead)).to.equal(null);
    expect(await store.unconfirmed(FIXED_NOW, 10)).to.deep.equal([]);
    expect(await sweep.execute()).to.deep.equal({ released: 0, confirmed: 0 });
    clock.advance(60_000);
    expect(await sweep.execute()).to.deep.equal({ released: 1, confirmed: 0 });
    expect(await taken()).to.equal(1);
  });
}

describe('contract/delivery memory SlotCapacityStore', () =>
  contract(async () => new MemorySlotCapacityStore(new MemoryDatabase())));

describeWith(['mongo'], 'contract/delivery mongo SlotCapacityStore', function () {
  this.timeout(60_000);
  const mongo = useMongo('delivery_slots');
  contract(async () => {
    const store = new MongoSlotCapacityStore(mongo.connection());
    await mongo.reset();
    return store;
  });
});
