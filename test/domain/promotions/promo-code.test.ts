import { expect } from 'chai';
import fc from 'fast-check';
import {
  checkPromo,
  computeDiscount,
  createPromo,
  type PromoCode,
  type PromoContext,
  type PromoDraft,
} from '../../../domain/promotions/promo-code.js';
import { percentOf } from '../../../domain/shared/money.js';

const NOW = new Date('2026-06-01T10:00:00.000Z');

function promo(draft: Partial<PromoDraft> = {}, extra: Partial<PromoCode> = {}): PromoCode {
  const r = createPromo(
    'a'.repeat(24),
    { code: 'spring10', type: 'percentage', value: 1000, ...draft },
    'admin',
    NOW,
  );
  if (r.isErr()) throw new Error(r.error.message);
  return { ...r.value, ...extra };
}

function ctx(over: Partial<PromoContext> = {}): PromoContext {
  return {
    now: NOW,
    lines: [{ categoryId: 'c1', total: 10_000 }],
    shippingFee: 500,
    userRedemptions: 0,
    isFirstOrder: true,
    tier: 'bronze',
    ...over,
  };
}

const lineArb = fc.record({
  categoryId: fc.constantFrom('c1', 'c2', 'c3'),
  total: fc.integer({ min: 0, max: 10_000_000 }),
});

describe('domain/promotions PromoCode', () => {
  it('stores codes uppercase and validates the draft', () => {
    expect(promo().code).to.equal('SPRING10');
    expect(createPromo('x', { code: 'a b', type: 'fixed', value: 100 }, 'a', NOW).unwrapErr().code).to.equal(
      'VALIDATION_FAILED',
    );
    expect(createPromo('x', { code: 'ABC', type: 'percentage', value: 10001 }, 'a', NOW).isErr()).to.equal(
      true,
    );
    expect(createPromo('x', { code: 'ABC', type: 'fixed', value: 0 }, 'a', NOW).isErr()).to.equal(true);
  });

  it('percentage: half-up rounding of the eligible subtotal (10 % of 1005 = 101, of 1004 = 100)', () => {
    const p = promo();
    expect(computeDiscount(p, [{ categoryId: 'x', total: 1005 }], 0).discount).to.equal(101);
    expect(computeDiscount(p, [{ categoryId: 'x', total: 1004 }], 0).discount).to.equal(100);
  });

  it('fixed: never above the eligible subtotal; shipping waives the fee; maxDiscount caps', () => {
    const fixed = promo({ type: 'fixed', value: 5000 });
    expect(computeDiscount(fixed, [{ categoryId: 'x', total: 3000 }], 0).discount).to.equal(3000);
    const ship = promo({ type: 'shipping', value: 0 });
    const d = computeDiscount(ship, [{ categoryId: 'x', total: 3000 }], 1500);
    expect(d).to.deep.equal({ discount: 1500, eligibleSubtotal: 3000, freeShipping: true });
    const capped = promo({ value: 5000, maxDiscount: 700 });
    expect(computeDiscount(capped, [{ categoryId: 'x', total: 10_000 }], 0).discount).to.equal(700);
  });

  it('applicableCategories restrict the eligible subtotal', () => {
    const p = promo({ value: 1000, applicableCategories: ['c1'] });
    const d = computeDiscount(
      p,
      [
        { categoryId: 'c1', total: 2000 },
        { categoryId: 'c2', total: 8000 },
      ],
      0,
    );
    expect(d.eligibleSubtotal).to.equal(2000);
    expect(d.discount).to.equal(200);
  });

  it('property: 0 <= discount <= eligible subtotal and <= maxDiscount, exact percentOf when uncapped', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { maxLength: 6 }),
        fc.constantFrom('percentage', 'fixed') as fc.Arbitrary<'percentage' | 'fixed'>,
        fc.integer({ min: 1, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
        fc.subarray(['c1', 'c2', 'c3']),
        (lines, type, value, maxDiscount, categories) => {
          const p = promo({
            type,
            value,
            applicableCategories: categories,
            ...(maxDiscount !== undefined ? { maxDiscount } : {}),
          });
          const { discount, eligibleSubtotal } = computeDiscount(p, lines, 0);
          const expectedEligible = lines
            .filter((l) => categories.length === 0 || categories.includes(l.categoryId))
            .reduce((s, l) => s + l.total, 0);
          expect(eligibleSubtotal).to.equal(expectedEligible);
          expect(Number.isSafeInteger(discount)).to.equal(true);
          expect(discount).to.be.at.least(0);
          expect(discount).to.be.at.most(eligibleSubtotal);
          if (maxDiscount !== undefined) expect(discount).to.be.at.most(maxDiscount);
          const raw = type === 'percentage' ? percentOf(eligibleSubtotal, value) : value;
          expect(discount).to.equal(Math.min(raw, eligibleSubtotal, maxDiscount ?? Infinity));
        },
      ),
    );
  });

  it('property: a shipping code takes off exactly min(fee, maxDiscount) whatever the lines', () => {
    fc.assert(
      fc.property(fc.array(lineArb), fc.integer({ min: 0, max: 5000 }), (lines, fee) => {
        const d = computeDiscount(promo({ type: 'shipping', value: 0 }), lines, fee);
        expect(d.discount).to.equal(fee);
        expect(d.freeShipping).to.equal(true);
      }),
    );
  });

  it('answers each reason as a stable code', () => {
    const reason = (p: PromoCode, c: Partial<PromoContext> = {}) => checkPromo(p, ctx(c)).unwrapErr().code;
    expect(reason(promo({ isActive: false }))).to.equal('PROMO_INACTIVE');
    expect(reason(promo({ validFrom: new Date(NOW.getTime() + 1000) }))).to.equal('PROMO_NOT_YET_VALID');
    expect(reason(promo({ validUntil: new Date(NOW.getTime() - 1000) }))).to.equal('PROMO_EXPIRED');
    expect(reason(promo({ usageLimit: 2 }, { usedCount: 2 }))).to.equal('PROMO_EXHAUSTED');
    expect(reason(promo({ perUserLimit: 1 }), { userRedemptions: 1 })).to.equal('PROMO_ALREADY_USED');
    expect(reason(promo({ firstOrderOnly: true }), { isFirstOrder: false })).to.equal('PROMO_NOT_ELIGIBLE');
    expect(reason(promo({ membershipTiers: ['gold'] }))).to.equal('PROMO_NOT_ELIGIBLE');
    expect(reason(promo({ applicableCategories: ['c9'] }))).to.equal('PROMO_CATEGORY_MISMATCH');
    expect(reason(promo({ minOrderAmount: 10_001 }))).to.equal('PROMO_BELOW_MINIMUM');
    expect(checkPromo(promo({ minOrderAmount: 10_000 }), ctx()).unwrap().discount).to.equal(1000);
  });
});
