import { expect } from 'chai';
import {
  createReview,
  editReview,
  moderateReview,
  reportReview,
  summarizeRatings,
  voteHelpful,
  type Review,
} from '../../../domain/reviews/review.js';
import { FIXED_NOW } from '../../support/fixtures.js';

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

  it('sends an approved review back to pending once 3 distinct users reported it', () => {
    let r = review({ status: 'approved' });
    r = reportReview(r, 'a', FIXED_NOW);
    r = reportReview(r, 'a', FIXED_NOW);
    r = reportReview(r, 'b', FIXED_NOW);
    expect(r.status).to.equal('approved');
    expect(r.reporters).to.deep.equal(['a', 'b']);
    r = reportReview(r, 'c', FIXED_NOW);
    expect(r.status).to.equal('pending');
    // a rejected review stays rejected
    expect(
      reportReview(review({ status: 'rejected', reporters: ['a', 'b'] }), 'c', FIXED_NOW).status,
    ).to.equal('rejected');
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
