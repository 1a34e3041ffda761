import { expect } from 'chai';
import type {
  OrderRepository,
  UnpaidOrderSlot,
  UnpaidOrderSlotRepository,
} from '../../../application/ordering/ports.js';
import { UnpaidOrderCap } from '../../../application/ordering/unpaid-order-cap.js';
import { changeStatus, type Order } from '../../../domain/ordering/order.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryUnpaidOrderSlotRepository } from '../../../adapters/persistence/memory/ordering-unpaid-slots.js';
import { MongoOrderRepository } from '../../../adapters/persistence/mongo/ordering-order-repository.js';
import { MongoUnpaidOrderSlotRepository } from '../../../adapters/persistence/mongo/ordering-unpaid-slots.js';
import { describeWith } from '../../support/services.js';
import { anOrder, FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { testPiiCipher } from '../../support/pii.js';

const STALE_MS = 15 * 60_000;
const at = (ms: number) => new Date(FIXED_NOW.getTime() + ms);
const silent = { warn: () => undefined };
const random = { int: (n: number) => Math.floor(Math.random() * n) };

interface Stores {
  slots: UnpaidOrderSlotRepository;
  orders: OrderRepository;
}

function contract(fresh: () => Promise<Stores>): void {
  let slots: UnpaidOrderSlotRepository;
  let orders: OrderRepository;
  beforeEach(async () => {
    ({ slots, orders } = await fresh());
  });
  const cap = (n: number) => new UnpaidOrderCap(slots, orders, random, silent, n, STALE_MS);
  const slot = (
    userId: string,
    index: number,
    orderId = testId(),
    claimedAt = FIXED_NOW,
  ): UnpaidOrderSlot => ({
    userId,
    index,
    orderId,
    claimedAt,
  });
  const store = async (order: Order) => (await orders.create(order, [])).unwrap();
  const confirm = async (order: Order) => {
    const change = changeStatus(order, { to: 'confirmed', by: 'admin', at: at(1) }).unwrap();
    (await orders.update(change.order, change.events)).unwrap();
  };

  it('of 20 parallel inserts of one slot exactly one succeeds; held lists the slots by index, field for field', async () => {
    const user = testId();
    const tries = Array.from({ length: 20 }, () => slot(user, 0));
    const won = await Promise.all(tries.map((s) => slots.insert(s)));
    expect(won.filter(Boolean)).to.have.length(1);
    const winner = tries[won.indexOf(true)]!;
    const second = slot(user, 1, testId(), at(5));
    expect(await slots.insert(second)).to.equal(true);
    expect(await slots.insert(slot(testId(), 0))).to.equal(true); // another user's slot 0
    expect(await slots.held(user)).to.deep.equal([winner, second]);
    expect(await slots.held(testId())).to.deep.equal([]);
  });

  it("heldIndexes lists the indexes of the user's slots (only theirs), and follows release", async () => {
    const user = testId();
    const five = slot(user, 5);
    for (const s of [five, slot(user, 2), slot(user, 9), slot(testId(), 4)]) await slots.insert(s);
    expect((await slots.heldIndexes(user)).sort((a, b) => a - b)).to.deep.equal([2, 5, 9]);
    expect(await slots.release(user, 5, five.orderId)).to.equal(true);
    expect((await slots.heldIndexes(user)).sort((a, b) => a - b)).to.deep.equal([2, 9]);
    expect(await slots.heldIndexes(testId())).to.deep.equal([]);
  });

  it("release frees a slot only for its holder's order: never one re-claimed by another order", async () => {
    const user = testId();
    const a = slot(user, 0);
    const b = slot(user, 0);
    await slots.insert(a);
    expect(await slots.release(user, 0, b.orderId)).to.equal(false);
    expect(await slots.held(user)).to.deep.equal([a]);
    expect(await slots.release(user, 0, a.orderId)).to.equal(true);
    expect(await slots.insert(b)).to.equal(true);
    // A's late compensation (or a second freer that also found A stale) leaves B's claim alone.
    expect(await slots.release(user, 0, a.orderId)).to.equal(false);
    expect(await slots.held(user)).to.deep.equal([b]);
    expect(await slots.release(user, 7, b.orderId)).to.equal(false);
  });

  it('20 parallel claims by one shopper with a cap of 3: exactly 3 succeed, on distinct slots', async () => {
    const user = testId();
    const limit = cap(3);
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => limit.claim(user, testId(), FIXED_NOW)),
    );
    const won = claims.filter((c): c is UnpaidOrderSlot => c !== null);
    expect(won).to.have.length(3);
    expect(won.map((c) => c.index).sort()).to.deep.equal([0, 1, 2]);
    expect((await slots.held(user)).map((s) => s.orderId).sort()).to.deep.equal(
      won.map((c) => c.orderId).sort(),
    );
    // Another shopper is not affected.
    expect(await limit.claim(testId(), testId(), FIXED_NOW)).to.not.equal(null);
  });

  it('a slot is reclaimed once stale: its order no longer awaits payment, or never appeared and the claim outlived the TTL', async () => {
    const user = testId();
    const limit = cap(2);
    const awaiting = await store(anOrder({ userId: user }));
    const paidLater = await store(anOrder({ userId: user }));
    expect(await limit.claim(user, awaiting.id, FIXED_NOW)).to.not.equal(null);
    const second = (await limit.claim(user, paidLater.id, FIXED_NOW))!;
    expect(await limit.claim(user, testId(), at(1))).to.equal(null); // full

    await confirm(paidLater);
    const third = (await limit.claim(user, testId(), at(2)))!; // placement that dies: no order
    expect(third.index).to.equal(second.index);
    expect(await limit.claim(user, testId(), at(2 + STALE_MS - 1))).to.equal(null); // may still be placing
    const fourth = (await limit.claim(user, testId(), at(2 + STALE_MS)))!;
    expect(fourth.index).to.equal(third.index);
    expect((await slots.held(user)).map((s) => s.orderId).sort()).to.deep.equal(
      [awaiting.id, fourth.orderId].sort(),
    );
  });

  it('parallel claimers that all find the same stale slot: exactly one takes it', async () => {
    const user = testId();
    const limit = cap(1);
    const done = await store(anOrder({ userId: user }));
    await limit.claim(user, done.id, FIXED_NOW);
    await confirm(done);
    const claims = await Promise.all(Array.from({ length: 10 }, () => limit.claim(user, testId(), at(10))));
    expect(claims.filter((c) => c !== null)).to.have.length(1);
    expect(await slots.held(user)).to.have.length(1);
  });

  it('release by the cap gives a failed placement its slot back at once', async () => {
    const user = testId();
    const limit = cap(1);
    const mine = (await limit.claim(user, testId(), FIXED_NOW))!;
    expect(await limit.claim(user, testId(), FIXED_NOW)).to.equal(null);
    await limit.release(mine);
    expect(await limit.claim(user, testId(), FIXED_NOW)).to.not.equal(null);
  });
}

describe('contract/ordering memory UnpaidOrderSlotRepository + UnpaidOrderCap', () =>
  contract(async () => {
    const db = new MemoryDatabase();
    return { slots: new MemoryUnpaidOrderSlotRepository(db), orders: new MemoryOrderRepository(db) };
  }));

describeWith(['mongo'], 'contract/ordering mongo UnpaidOrderSlotRepository + UnpaidOrderCap', function () {
  this.timeout(30_000);
  const mongo = useMongo('unpaid_slots');
  contract(async () => {
    const stores = {
      slots: new MongoUnpaidOrderSlotRepository(mongo.connection()),
      orders: new MongoOrderRepository(mongo.connection(), testPiiCipher(mongo.connection())),
    };
    await mongo.reset();
    return stores;
  });
});
