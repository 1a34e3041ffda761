import { expect } from 'chai';
import {
  nextEntry,
  NO_STANDING,
  pointsForOrder,
  pointsToTakeBack,
  standingAfter,
  tierFor,
} from '../../../domain/loyalty/points.js';

const at = new Date('2026-06-01T10:00:00.000Z');
const draft = (requested: number, reason: 'order-delivered' | 'order-refunded' | 'adjustment') => ({
  id: `e${requested}`,
  userId: 'u1',
  requested,
  reason,
  orderId: 'o1',
  at,
});

describe('domain/loyalty points', () => {
  it('earns 1 point per full rupee of the order total (minor units), nothing for nothing', () => {
    expect(pointsForOrder(129_999)).to.equal(1299);
    expect(pointsForOrder(99)).to.equal(0);
    expect(pointsForOrder(0)).to.equal(0);
    expect(pointsForOrder(-100)).to.equal(0);
  });

  it('takes back points in proportion to what was refunded, less what earlier refunds took', () => {
    expect(
      pointsToTakeBack({ earned: 1000, orderTotal: 100_000, refundedTotal: 25_000, alreadyTakenBack: 0 }),
    ).to.equal(250);
    // A second partial refund: 60 % refunded in all, 250 already taken.
    expect(
      pointsToTakeBack({ earned: 1000, orderTotal: 100_000, refundedTotal: 60_000, alreadyTakenBack: 250 }),
    ).to.equal(350);
    // The full refund takes back the rest, exactly what the order earned.
    expect(
      pointsToTakeBack({ earned: 999, orderTotal: 99_950, refundedTotal: 99_950, alreadyTakenBack: 600 }),
    ).to.equal(399);
    // Rounded down: a refund of a third of 10 points takes 3.
    expect(
      pointsToTakeBack({ earned: 10, orderTotal: 3000, refundedTotal: 1000, alreadyTakenBack: 0 }),
    ).to.equal(3);
    // Never delivered: nothing earned, nothing taken.
    expect(
      pointsToTakeBack({ earned: 0, orderTotal: 3000, refundedTotal: 3000, alreadyTakenBack: 0 }),
    ).to.equal(0);
  });

  it('tiers: bronze below 5,000 lifetime points, silver from 5,000, gold from 20,000', () => {
    expect(tierFor(0)).to.equal('bronze');
    expect(tierFor(4999)).to.equal('bronze');
    expect(tierFor(5000)).to.equal('silver');
    expect(tierFor(19_999)).to.equal('silver');
    expect(tierFor(20_000)).to.equal('gold');
  });

  it('an entry follows its head: seq + 1, balance and lifetime after', () => {
    const first = nextEntry(NO_STANDING, draft(500, 'order-delivered'));
    expect(first).to.deep.include({
      seq: 1,
      delta: 500,
      requested: 500,
      balanceAfter: 500,
      lifetimeAfter: 500,
    });
    const adjusted = nextEntry(standingAfter(first), draft(-200, 'adjustment'));
    // Adjustments change the balance, never the lifetime points the tier follows.
    expect(adjusted).to.deep.include({ seq: 2, delta: -200, balanceAfter: 300, lifetimeAfter: 500 });
  });

  it('a take-back above the balance empties it, never below zero; the shortfall is recorded as requested', () => {
    const head = { points: 100, lifetimePoints: 500, seq: 4 };
    const entry = nextEntry(head, draft(-500, 'order-refunded'));
    expect(entry).to.deep.include({
      seq: 5,
      delta: -100,
      requested: -500,
      balanceAfter: 0,
      lifetimeAfter: 0,
    });
  });
});
