import { expect } from 'chai';
import {
  affinity,
  boughtTogether,
  dayKey,
  isEmptyProfile,
  tasteProfile,
  trendingScores,
} from '../../../domain/discovery/scoring.js';
import { aProduct } from '../../support/kit.js';

const NOW = new Date('2026-06-01T10:00:00.000Z');
const DAY = 86_400_000;

describe('domain: discovery scoring', () => {
  it('keys days in UTC', () => {
    expect(dayKey(new Date('2026-06-01T23:59:59.999Z'))).to.equal('2026-06-01');
    expect(dayKey(new Date('2026-06-02T00:00:00.000Z'))).to.equal('2026-06-02');
    // the formatted day is remembered: going back, forth and before 1970 still keys each day right
    expect(dayKey(new Date('2026-06-01T00:00:00.000Z'))).to.equal('2026-06-01');
    expect(dayKey(new Date('2026-06-01T12:00:00.000Z'))).to.equal('2026-06-01');
    expect(dayKey(new Date('2026-06-02T12:00:00.000Z'))).to.equal('2026-06-02');
    expect(dayKey(new Date('1969-12-31T23:59:59.999Z'))).to.equal('1969-12-31');
    expect(dayKey(new Date('1970-01-01T00:00:00.000Z'))).to.equal('1970-01-01');
    expect(() => dayKey(new Date(Number.NaN))).to.throw(RangeError);
  });

  it('counts orders containing both products once each', () => {
    const counts = boughtTogether('a', [
      ['a', 'b', 'b'],
      ['b', 'a', 'c'],
      ['c', 'b'],
    ]);
    expect([...counts.entries()].sort()).to.deep.equal([
      ['b', 2],
      ['c', 1],
    ]);
  });

  it('decays by half every 3 days and ignores the outside of the 14-day window and the future', () => {
    const s = { windowDays: 14, halfLifeDays: 3, orderWeight: 5, viewWeight: 1 };
    const scores = trendingScores(
      [
        { productId: 'now', quantity: 1, at: NOW },
        { productId: 'three', quantity: 2, at: new Date(NOW.getTime() - 3 * DAY) },
        { productId: 'old', quantity: 9, at: new Date(NOW.getTime() - 14 * DAY) },
        { productId: 'future', quantity: 9, at: new Date(NOW.getTime() + DAY) },
      ],
      [
        { productId: 'now', day: '2026-06-01', count: 4 }, // midday is after now: counted at now
        { productId: 'v', day: '2026-05-26', count: 8 }, // midday 5d22h ago
      ],
      NOW,
      s,
    );
    expect(scores.get('now')).to.equal(5 + 4);
    expect(scores.get('three')).to.be.closeTo(5, 1e-9);
    expect(scores.has('old')).to.equal(false);
    expect(scores.has('future')).to.equal(false);
    expect(scores.get('v')).to.be.closeTo(8 * Math.pow(0.5, (5 + 22 / 24) / 3), 1e-9);
  });

  it('builds a taste profile: favorites weigh 2, purchases 3', () => {
    const fav = aProduct({
      categoryId: 'c',
      occasions: ['wedding'],
      flowerTypes: ['lilies'],
      colors: ['white'],
    });
    const bought = aProduct({
      categoryId: 'c',
      occasions: ['birthday'],
      flowerTypes: ['roses'],
      colors: ['red'],
    });
    const profile = tasteProfile([fav], [bought]);
    expect(profile.categories.get('c')).to.equal(5);
    const probe = aProduct({
      categoryId: 'c',
      occasions: ['wedding', 'birthday'],
      flowerTypes: ['tulips'],
      colors: [],
    });
    expect(affinity(profile, probe)).to.equal(5 + 2 + 3);
    expect(isEmptyProfile(tasteProfile([], []))).to.equal(true);
  });
});
