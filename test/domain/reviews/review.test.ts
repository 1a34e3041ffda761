import { expect } from 'chai';
import fc from 'fast-check';
import {
  countsInRating,
  createReview,
  DEFAULT_REPORT_POLICY,
  editReview,
  moderateReview,
  reportReview,
  reportWeight,
  summarizeRatings,
  voteHelpful,
  type Review,
} from '../../../domain/reviews/review.js';
import { FIXED_NOW } from '../../support/kit.js';

const base = {
  id: 'r1',
  productId: 'p1',
  userId: 'u1',
  userName: 'Asha',
  rating: 4,
  title: ' Lovely ',
  comment: 'Fresh flowers',
  images: [] as string[],
  isVerifiedPurchase: true,
  now: FIXED_NOW,
};

function review(overrides: Partial<Review> = {}): Review {
  return { ...createReview(base).unwrap(), ...overrides };
}

describe('domain: review', () => {
  it('starts pending with trimmed text, no votes and no reports', () => {
    const r = review();
    expect(r.status).to.equal('pending');
    expect(r.title).to.equal('Lovely');
    expect(r.helpfulVoters).to.deep.equal([]);
    expect(r.reporters).to.deep.equal([]);
    expect(r.isVerifiedPurchase).to.equal(true);
  });

  it('refuses ratings outside 1-5, long texts, empty comments, too many or bad images', () => {
    for (const bad of [
      { rating: 0 },
      { rating: 6 },
      { rating: 4.5 },
      { title: 'x'.repeat(101) },
      { comment: '  ' },
      { comment: 'x'.repeat(2001) },
      { images: Array.from({ length: 6 }, (_, i) => `https://x.test/${i}.jpg`) },
      { images: ['javascript:alert(1)'] },
    ]) {
      const result = createReview({ ...base, ...bad });
      expect(result.isErr() && result.error.code, JSON.stringify(bad)).to.equal('VALIDATION_FAILED');
    }
    expect(createReview({ ...base, title: 'x'.repeat(100), comment: 'y'.repeat(2000) }).isOk()).to.equal(
      true,
    );
  });

  it('sends an edited review back to pending and validates the edit', () => {
    const approved = moderateReview(review(), 'approved', FIXED_NOW);
    expect(approved.status).to.equal('approved');
    const later = new Date(FIXED_NOW.getTime() + 1000);
    const edited = editReview(approved, { rating: 2 }, later).unwrap();
    expect(edited.status).to.equal('pending');
    expect(edited.rating).to.equal(2);
    expect(edited.comment).to.equal('Fresh flowers');
    expect(edited.updatedAt).to.deep.equal(later);
    expect(editReview(approved, { rating: 6 }, later).isErr()).to.equal(true);
  });

  it('counts one helpful vote per user', () => {
    const once = voteHelpful(review(), 'u2');
    expect(voteHelpful(once, 'u2')).to.equal(once);
    expect(voteHelpful(once, 'u3').helpfulVoters).to.deep.equal(['u2', 'u3']);
  });

  describe('weighed reports', () => {
    const DAY = 86_400_000;
    const aged = (days: number) => new Date(FIXED_NOW.getTime() - days * DAY);
    const T = DEFAULT_REPORT_POLICY.threshold;

    it('weighs a report by account age and a delivered purchase of the product', () => {
      const w = (days: number, verifiedBuyer: boolean) =>
        reportWeight({ accountCreatedAt: aged(days), verifiedBuyer }, FIXED_NOW);
      expect(w(0, false), 'throwaway account').to.equal(0);
      expect(w(6.9, false)).to.equal(0);
      expect(w(7, false)).to.equal(1);
      expect(w(89, false)).to.equal(1);
      expect(w(90, false)).to.equal(2);
      expect(w(0, true), 'new account that bought the product').to.equal(3);
      expect(w(365, true)).to.equal(5);
      expect(
        reportWeight({ accountCreatedAt: aged(3), verifiedBuyer: false }, FIXED_NOW, {
          ...DEFAULT_REPORT_POLICY,
          newAccountDays: 2,
        }),
      ).to.equal(1);
    });

    it('three throwaway accounts cannot send an approved review back to moderation', () => {
      let r = review({ status: 'approved' });
      for (const u of ['x1', 'x2', 'x3']) r = reportReview(r, u, 0, FIXED_NOW);
      expect(r).to.deep.include({ status: 'approved', reportWeight: 0, remoderation: false });
      expect(r.reporters).to.deep.equal(['x1', 'x2', 'x3']);
      expect(countsInRating(r)).to.equal(true);
    });

    it('at the threshold an approved review goes to moderation and keeps counting in the rating', () => {
      let r = review({ status: 'approved' });
      r = reportReview(r, 'a', 3, FIXED_NOW);
      r = reportReview(r, 'a', 3, FIXED_NOW); // a repeat changes nothing
      expect(r).to.deep.include({ status: 'approved', reportWeight: 3 });
      r = reportReview(r, 'b', 3, FIXED_NOW);
      expect(r).to.deep.include({ status: 'pending', remoderation: true, reportWeight: 6 });
      expect(countsInRating(r)).to.equal(true);
      // the moderator decides: rejected stops counting; approved again settles the reports
      const rejected = moderateReview(r, 'rejected', FIXED_NOW);
      expect(countsInRating(rejected)).to.equal(false);
      const kept = moderateReview(r, 'approved', FIXED_NOW);
      expect(kept).to.deep.include({ status: 'approved', remoderation: false, reportWeight: 0 });
      expect(kept.reporters, 'who reported cannot report again').to.deep.equal(['a', 'b']);
      expect(reportReview(kept, 'a', 5, FIXED_NOW)).to.equal(kept);
    });

    it('reports never move a pending or rejected review; an edit ends re-moderation', () => {
      expect(reportReview(review({ status: 'rejected' }), 'c', 100, FIXED_NOW).status).to.equal('rejected');
      const fresh = reportReview(review(), 'c', 100, FIXED_NOW);
      expect(fresh).to.deep.include({ status: 'pending', remoderation: false });
      expect(countsInRating(fresh), 'a new review never approved does not count').to.equal(false);
      const flagged = reportReview(review({ status: 'approved' }), 'c', T, FIXED_NOW);
      const edited = editReview(flagged, { rating: 1 }, FIXED_NOW).unwrap();
      expect(edited).to.deep.include({ status: 'pending', remoderation: false });
      expect(countsInRating(edited)).to.equal(false);
    });

    it('property: reports alone never take an approved review out of the rating, and it goes to moderation exactly when the weight of distinct reporters reaches the threshold', () => {
      const report = fc.record({
        user: fc.constantFrom('u2', 'u3', 'u4', 'u5', 'u6', 'u7'),
        weight: fc.nat(5),
      });
      fc.assert(
        fc.property(
          fc.array(report, { maxLength: 20 }),
          fc.integer({ min: 1, max: 15 }),
          (reports, threshold) => {
            let r = review({ status: 'approved' });
            const counted = new Map<string, number>();
            for (const { user, weight } of reports) {
              r = reportReview(r, user, weight, FIXED_NOW, threshold);
              if (!counted.has(user)) counted.set(user, weight);
              expect(countsInRating(r)).to.equal(true);
              const total = [...counted.values()].reduce((a, b) => a + b, 0);
              expect(r.reportWeight).to.equal(total);
              expect(r.status).to.equal(total >= threshold ? 'pending' : 'approved');
              expect(r.remoderation).to.equal(total >= threshold);
            }
            expect(r.reporters).to.deep.equal([...counted.keys()]);
          },
        ),
      );
    });

    it('property: any number of weight-0 (throwaway) reports leaves an approved review approved', () => {
      fc.assert(
        fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { maxLength: 50 }), (users) => {
          let r = review({ status: 'approved' });
          for (const u of users) r = reportReview(r, u, 0, FIXED_NOW);
          expect(r.status).to.equal('approved');
        }),
      );
    });
  });

  it('summarizes ratings: one-decimal half-up average, count, distribution', () => {
    expect(summarizeRatings([])).to.deep.equal({
      average: 0,
      count: 0,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
    });
    expect(summarizeRatings([5, 4, 4])).to.deep.equal({
      average: 4.3,
      count: 3,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 2, 5: 1 },
    });
    expect(summarizeRatings([4, 5]).average).to.equal(4.5);
    expect(summarizeRatings([1, 2, 2, 2, 2, 2, 2, 2]).average).to.equal(1.9); // 1.875 -> 1.9
    expect(summarizeRatings([1, 1, 2, 2, 2, 2, 2, 2]).average).to.equal(1.8); // 1.75 -> 1.8 (half up)
  });
});
