import { expect } from 'chai';
import type { LoyaltyLedger } from '../../../application/loyalty/ports.js';
import type { UserRepository } from '../../../application/identity/ports.js';
import type { OrderRepository } from '../../../application/ordering/ports.js';
import { LoyaltyAccount } from '../../../application/loyalty/account.js';
import {
  AwardPointsWhenOrderDelivered,
  TakeBackPointsWhenOrderRefunded,
} from '../../../application/loyalty/handlers.js';
import type { OrderRefunded, OrderStatusChanged } from '../../../domain/ordering/events.js';
import type { Order } from '../../../domain/ordering/order.js';
import { nextEntry, NO_STANDING, standingAfter } from '../../../domain/loyalty/points.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryLoyaltyLedger } from '../../../adapters/persistence/memory/loyalty-ledger.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { MongoLoyaltyLedger } from '../../../adapters/persistence/mongo/loyalty-ledger.js';
import { MongoUserRepository } from '../../../adapters/persistence/mongo/identity-user-repository.js';
import { describeWith } from '../../support/services.js';
import { aUser, FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { testPiiCipher } from '../../support/pii.js';

interface Subject {
  ledger: LoyaltyLedger;
  users: UserRepository;
}

/** Orders the handlers read: only the fields they use. */
function ordersOf(list: Array<Pick<Order, 'id' | 'userId' | 'total'>>): OrderRepository {
  const byId = new Map(list.map((o) => [o.id, o]));
  return { findById: async (id: string) => byId.get(id) ?? null } as unknown as OrderRepository;
}

const delivered = (orderId: string, userId: string, id = testId()): OrderStatusChanged => ({
  id,
  type: 'ordering.order-status-changed',
  aggregateId: orderId,
  occurredAt: FIXED_NOW,
  payload: {
    orderId,
    orderNumber: 'AF-1',
    userId,
    from: 'out_for_delivery' as never,
    to: 'delivered',
    changedBy: 'a',
  },
});
const refunded = (orderId: string, userId: string, amount: number, refundedTotal: number): OrderRefunded => ({
  id: testId(),
  type: 'ordering.order-refunded',
  aggregateId: orderId,
  occurredAt: FIXED_NOW,
  payload: { orderId, orderNumber: 'AF-1', userId, amount, refundedTotal },
});

function contract(make: () => Promise<Subject>): void {
  let ledger: LoyaltyLedger;
  let users: UserRepository;
  beforeEach(async () => {
    ({ ledger, users } = await make());
  });
  const draft = (userId: string, requested: number, id = testId()) => ({
    id,
    userId,
    requested,
    reason: 'order-delivered' as const,
    orderId: 'o1',
    at: FIXED_NOW,
  });

  it('inserts one entry per (user, seq) and per id; head, findById, forOrder and list read them', async () => {
    const userId = testId();
    const first = nextEntry(NO_STANDING, draft(userId, 100));
    expect(await ledger.insert(first)).to.equal(true);
    expect(await ledger.insert(nextEntry(NO_STANDING, draft(userId, 5)))).to.equal(false);
    expect(
      await ledger.insert({ ...nextEntry(standingAfter(first), draft(userId, 5)), id: first.id }),
    ).to.equal(false);
    const second = nextEntry(standingAfter(first), { ...draft(userId, 50), orderId: 'o2' });
    expect(await ledger.insert(second)).to.equal(true);
    expect(await ledger.head(userId)).to.deep.equal(second);
    expect(await ledger.head(testId())).to.equal(null);
    expect(await ledger.findById(first.id)).to.deep.equal(first);
    expect(await ledger.forOrder(userId, 'o1')).to.deep.equal([first]);
    expect(await ledger.list(userId, 1, 1)).to.deep.equal({ items: [second], total: 2 });
    expect(await ledger.list(userId, 2, 1)).to.deep.equal({ items: [first], total: 2 });
  });

  it('LoyaltyAccount: the same event delivered twice counts once; the user mirrors the ledger', async () => {
    const user = aUser();
    await users.create(user);
    const orderId = testId();
    const award = new AwardPointsWhenOrderDelivered(
      ordersOf([{ id: orderId, userId: user.id, total: 1_234_599 }]),
      new LoyaltyAccount(ledger, users),
    );
    const event = delivered(orderId, user.id);
    await award.handle(event);
    await award.handle(event);
    await Promise.all([award.handle(event), award.handle(event)]);
    expect((await ledger.list(user.id, 1, 10)).total).to.equal(1);
    expect(await users.findById(user.id)).to.deep.include({
      loyaltyPoints: 12_345,
      lifetimePoints: 12_345,
      membershipTier: 'silver',
      loyaltySeq: 1,
    });
    // Another status change awards nothing.
    await award.handle({ ...delivered(orderId, user.id), payload: { ...event.payload, to: 'shipped' } });
    expect((await ledger.list(user.id, 1, 10)).total).to.equal(1);
  });

  it('parallel events of one user: every one counted once, balances in sequence, the user at the head', async () => {
    const user = aUser();
    await users.create(user);
    const orders = Array.from({ length: 8 }, (_, i) => ({
      id: testId(),
      userId: user.id,
      total: (i + 1) * 100_000,
    }));
    const award = new AwardPointsWhenOrderDelivered(ordersOf(orders), new LoyaltyAccount(ledger, users));
    const events = orders.map((o) => delivered(o.id, user.id));
    await Promise.all([...events, ...events].map((e) => award.handle(e)));
    const { items, total } = await ledger.list(user.id, 1, 20);
    expect(total).to.equal(8);
    expect(items.map((e) => e.seq)).to.deep.equal([8, 7, 6, 5, 4, 3, 2, 1]);
    let balance = 0;
    for (const e of [...items].reverse()) {
      balance += e.delta;
      expect(e.balanceAfter).to.equal(balance);
    }
    expect(balance).to.equal(36 * 1000);
    expect(await users.findById(user.id)).to.deep.include({
      loyaltyPoints: 36_000,
      membershipTier: 'gold',
      loyaltySeq: 8,
    });
  });

  it('refunds take back proportionally, in parallel too, never more than earned, never below zero', async () => {
    const user = aUser();
    await users.create(user);
    const order = { id: testId(), userId: user.id, total: 200_000 }; // 2,000 points
    const orders = ordersOf([order]);
    const account = new LoyaltyAccount(ledger, users);
    const award = new AwardPointsWhenOrderDelivered(orders, account);
    const takeBack = new TakeBackPointsWhenOrderRefunded(orders, ledger, account);
    // A refund before delivery takes nothing (nothing earned).
    await takeBack.handle(refunded(order.id, user.id, 10_000, 10_000));
    expect(await ledger.head(user.id)).to.equal(null);
    await award.handle(delivered(order.id, user.id));
    // Two partial refunds delivered in parallel: 25 % then 50 % in all.
    const r1 = refunded(order.id, user.id, 50_000, 50_000);
    const r2 = refunded(order.id, user.id, 50_000, 100_000);
    await Promise.all([takeBack.handle(r1), takeBack.handle(r2), takeBack.handle(r1)]);
    expect((await users.findById(user.id))?.loyaltyPoints).to.equal(1000);
    // An adjustment spends most of the balance; the full refund then empties it and stops at 0.
    await account.record({
      id: testId(),
      userId: user.id,
      requested: -900,
      reason: 'adjustment',
      at: FIXED_NOW,
    });
    await takeBack.handle(refunded(order.id, user.id, 100_000, 200_000));
    const head = (await ledger.head(user.id))!;
    expect(head).to.deep.include({
      reason: 'order-refunded',
      requested: -1000,
      delta: -100,
      balanceAfter: 0,
    });
    expect(await users.findById(user.id)).to.deep.include({ loyaltyPoints: 0, lifetimePoints: 0 });
  });

  it('a user left behind the ledger (a crash after the insert) catches up on redelivery', async () => {
    const user = aUser();
    await users.create(user);
    const orderId = testId();
    const event = delivered(orderId, user.id);
    await ledger.insert(nextEntry(NO_STANDING, { ...draft(user.id, 700, event.id), orderId }));
    expect((await users.findById(user.id))?.loyaltyPoints).to.equal(0);
    const award = new AwardPointsWhenOrderDelivered(
      ordersOf([{ id: orderId, userId: user.id, total: 70_000 }]),
      new LoyaltyAccount(ledger, users),
    );
    await award.handle(event);
    expect((await ledger.list(user.id, 1, 10)).total).to.equal(1);
    expect((await users.findById(user.id))?.loyaltyPoints).to.equal(700);
  });
}

describe('contract/loyalty LoyaltyLedger (with LoyaltyAccount and its handlers)', () => {
  describe('memory', () => {
    contract(async () => {
      const db = new MemoryDatabase();
      return { ledger: new MemoryLoyaltyLedger(db), users: new MemoryUserRepository(db) };
    });
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('loyalty');
    contract(async () => {
      const subject = {
        ledger: new MongoLoyaltyLedger(mongo.connection()),
        users: new MongoUserRepository(mongo.connection(), testPiiCipher(mongo.connection())),
      };
      await mongo.reset();
      return subject;
    });
  });
});
