import { expect } from 'chai';
import type { OrderSlots, PlacedOrders, SlotCapacityStore } from '../../../application/delivery/ports.js';
import { ReleaseAbandonedSlots, SettleInterruptedMoves } from '../../../application/delivery/use-cases.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemorySlotCapacityStore } from '../../../adapters/persistence/memory/delivery-slot-capacity.js';
import { MongoSlotCapacityStore } from '../../../adapters/persistence/mongo/delivery-slot-capacity.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, TestClock, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

const KEY = '2026-06-02|09:00-12:00';
const OTHER = '2026-06-02|12:00-15:00';
const THIRD = '2026-06-03|09:00-12:00';

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

  it('a move holds both places until commit, which frees the old one; abort frees the new one', async () => {
    const a = testId();
    await store.book(KEY, a, 5, FIXED_NOW);
    expect(await store.hold(OTHER, a, 5, FIXED_NOW)).to.equal('taken');
    expect([await taken(), await taken(OTHER)]).to.deep.equal([1, 1]);
    // one move in flight per order
    expect(await store.hold(THIRD, a, 5, FIXED_NOW)).to.equal('busy');
    expect(await taken(THIRD)).to.equal(0);
    await store.commitMove(a, OTHER);
    await store.commitMove(a, OTHER);
    expect([await taken(), await taken(OTHER)]).to.deep.equal([0, 1]);
    expect(await store.bookingOf(a)).to.deep.include({ key: OTHER });

    expect(await store.hold(KEY, a, 5, FIXED_NOW)).to.equal('taken');
    await store.abortMove(a, KEY);
    await store.abortMove(a, KEY);
    expect([await taken(), await taken(OTHER)]).to.deep.equal([0, 1]);
    expect(await store.bookingOf(a)).to.deep.include({ key: OTHER });
    // the move is over: another may start; release gives back what the order holds now
    expect(await store.hold(KEY, a, 5, FIXED_NOW)).to.equal('taken');
    await store.commitMove(a, KEY);
    expect(await store.release(a)).to.equal(true);
    expect([await taken(), await taken(OTHER)]).to.deep.equal([0, 0]);
  });

  it('a move into a full slot keeps nothing; parallel moves into the last place: one takes it', async () => {
    const [a, b, c] = [testId(), testId(), testId()];
    await store.book(KEY, a, 5, FIXED_NOW);
    await store.book(OTHER, c, 2, FIXED_NOW);
    expect(await store.hold(OTHER, b, 1, FIXED_NOW)).to.equal('full');
    expect(await store.bookingOf(b)).to.equal(null);
    const movers = [a, b, ...Array.from({ length: 6 }, () => testId())];
    const results = await Promise.all(movers.map((id) => store.hold(OTHER, id, 2, FIXED_NOW)));
    expect(results.filter((r) => r === 'taken')).to.have.length(1);
    expect(await taken(OTHER)).to.equal(2);
    await Promise.all(movers.map((id, i) => (results[i] === 'taken' ? store.abortMove(id, OTHER) : null)));
    expect(await taken(OTHER)).to.equal(1);
    expect(await taken()).to.equal(1);
    // an order placed without a slot moves into one: a plain booking afterwards
    expect(await store.hold(KEY, b, 5, FIXED_NOW)).to.equal('taken');
    await store.commitMove(b, KEY);
    expect(await store.bookingOf(b)).to.deep.include({ key: KEY });
    expect(await taken()).to.equal(2);
  });

  it('a release during a move frees both places, and a late commit or abort frees nothing twice', async () => {
    const [a, b] = [testId(), testId()];
    await store.book(KEY, a, 5, FIXED_NOW);
    await store.book(KEY, b, 5, FIXED_NOW);
    expect(await store.hold(OTHER, a, 5, FIXED_NOW)).to.equal('taken');
    expect(await store.hold(OTHER, b, 5, FIXED_NOW)).to.equal('taken');
    expect(await store.release(a)).to.equal(true);
    expect(await store.release(b)).to.equal(true);
    expect([await taken(), await taken(OTHER)]).to.deep.equal([0, 0]);
    await store.commitMove(a, OTHER);
    await store.abortMove(b, OTHER);
    expect([await taken(), await taken(OTHER)]).to.deep.equal([0, 0]);
    expect(await store.bookingOf(a)).to.equal(null);
  });

  it('one slot per order: booking another slot for an order holding one is refused', async () => {
    const a = testId();
    await store.book(KEY, a, 5, FIXED_NOW);
    expect(await store.book(OTHER, a, 5, FIXED_NOW)).to.equal(false);
    expect([await taken(), await taken(OTHER)]).to.deep.equal([1, 0]);
    expect(await store.bookingOf(a)).to.deep.include({ key: KEY });
  });

  it('moves whose process died are settled by the stored order: committed when it holds the new slot, else aborted', async () => {
    const clock = new TestClock(FIXED_NOW);
    const [landed, lost, young] = [testId(), testId(), testId()];
    for (const id of [landed, lost, young]) await store.book(KEY, id, 10, FIXED_NOW);
    await store.hold(OTHER, landed, 10, FIXED_NOW);
    await store.hold(OTHER, lost, 10, FIXED_NOW);
    await store.hold(OTHER, young, 10, new Date(FIXED_NOW.getTime() + 50_000));
    expect([await taken(), await taken(OTHER)]).to.deep.equal([3, 3]);
    const orders: OrderSlots = { heldSlotOf: async (id) => (id === lost ? KEY : OTHER) };
    const sweep = new SettleInterruptedMoves(store, orders, clock, { abandonAfterMs: 60_000 });
    clock.advance(60_000);
    expect(await sweep.execute()).to.deep.equal({ committed: 1, aborted: 1 });
    expect([await taken(), await taken(OTHER)]).to.deep.equal([2, 2]);
    expect(await store.bookingOf(landed)).to.deep.include({ key: OTHER });
    expect(await store.bookingOf(lost)).to.deep.include({ key: KEY });
    // settled moves are over: the order may move again
    expect(await store.hold(THIRD, lost, 10, FIXED_NOW)).to.equal('taken');
    await store.abortMove(lost, THIRD);
    expect(await sweep.execute()).to.deep.equal({ committed: 0, aborted: 0 });
    clock.advance(60_000);
    expect(await sweep.execute()).to.deep.equal({ committed: 1, aborted: 0 });
    expect(await store.staleMoves(clock.now(), 10)).to.deep.equal([]);
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
