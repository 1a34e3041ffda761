import { expect } from 'chai';
import type { ReviewRepository } from '../../../application/reviews/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryReviewRepository } from '../../../adapters/persistence/memory/reviews-repository.js';
import { MongoReviewRepository } from '../../../adapters/persistence/mongo/reviews-repository.js';
import { createReview, reportReview, voteHelpful, type Review } from '../../../domain/reviews/review.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { describeWith } from '../../support/services.js';
import { useMongo } from '../../support/mongo.js';

function at(minutes: number): Date {
  return new Date(FIXED_NOW.getTime() + minutes * 60_000);
}

function newReview(overrides: Partial<Review> = {}): Review {
  const review = createReview({
    id: testId(),
    productId: 'p1',
    userId: testId(),
    userName: 'Asha',
    rating: 4,
    title: 'Lovely',
    comment: 'Fresh flowers',
    images: [],
    isVerifiedPurchase: false,
    now: FIXED_NOW,
  });
  if (review.isErr()) throw new Error(review.error.message);
  return { ...review.value, ...overrides };
}

function contract(make: () => Promise<ReviewRepository>): void {
  it('creates (version 1), finds, and refuses a second review by the same user of the same product', async () => {
    const repo = await make();
    const first = newReview({ userId: 'u1', images: ['https://x.test/a.jpg'] });
    const saved = await repo.create(first);
    expect(saved.unwrap().version).to.equal(1);
    expect(await repo.findById(first.id)).to.deep.equal({ ...first, version: 1 });
    const dup = await repo.create(newReview({ userId: 'u1' }));
    expect(dup.isErr() && dup.error.code).to.equal('CONFLICT');
    expect((await repo.create(newReview({ userId: 'u1', productId: 'p2' }))).isOk()).to.equal(true);
    expect(await repo.findById('000000000000000000000000')).to.equal(null);
  });

  it('lets exactly one of parallel duplicate creates win', async () => {
    const repo = await make();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => repo.create(newReview({ userId: 'same', productId: 'px' }))),
    );
    expect(results.filter((r) => r.isOk())).to.have.length(1);
  });

  it('updates optimistically and deletes', async () => {
    const repo = await make();
    const saved = (await repo.create(newReview())).unwrap();
    const next = (await repo.update({ ...saved, rating: 2 })).unwrap();
    expect(next.version).to.equal(2);
    const stale = await repo.update({ ...saved, rating: 3 });
    expect(stale.isErr() && stale.error.code).to.equal('CONFLICT');
    expect((await repo.findById(saved.id))!.rating).to.equal(2);
    expect(await repo.delete(saved.id)).to.equal(true);
    expect(await repo.delete(saved.id)).to.equal(false);
    const gone = await repo.update(next);
    expect(gone.isErr() && gone.error.code).to.equal('NOT_FOUND');
  });

  it('lists a product by status with every sort, paging, and the approved ratings', async () => {
    const repo = await make();
    const a = newReview({ status: 'approved', rating: 5, createdAt: at(1), helpfulVoters: ['x'] });
    const b = newReview({ status: 'approved', rating: 2, createdAt: at(3), helpfulVoters: [] });
    const c = newReview({ status: 'approved', rating: 4, createdAt: at(2), helpfulVoters: ['x', 'y'] });
    const d = newReview({ status: 'pending', rating: 1, createdAt: at(4) });
    const e = newReview({ status: 'approved', rating: 3, productId: 'other' });
    for (const r of [a, b, c, d, e]) (await repo.create(r)).unwrap();
    const ids = async (sort: 'newest' | 'helpful' | 'rating') =>
      (await repo.listByProduct('p1', 'approved', sort, 1, 10)).items.map((r) => r.id);
    expect(await ids('newest')).to.deep.equal([b.id, c.id, a.id]);
    expect(await ids('helpful')).to.deep.equal([c.id, a.id, b.id]);
    expect(await ids('rating')).to.deep.equal([a.id, c.id, b.id]);
    const page2 = await repo.listByProduct('p1', 'approved', 'newest', 2, 2);
    expect(page2.total).to.equal(3);
    expect(page2.items.map((r) => r.id)).to.deep.equal([a.id]);
    expect((await repo.approvedRatings('p1')).sort()).to.deep.equal([2, 4, 5]);
    const pending = await repo.listByStatus('pending', 1, 10);
    expect(pending.items.map((r) => r.id)).to.deep.equal([d.id]);
    expect(pending.total).to.equal(1);
  });

  it('listByProductAfter walks every sort by cursor in list order (many equal keys), stable under inserts', async () => {
    const repo = await make();
    const productId = testId();
    // Twelve approved: three ratings, two helpful counts, two instants: many equal keys, split by id.
    for (let i = 0; i < 12; i++) {
      const review = newReview({
        productId,
        status: 'approved',
        rating: 3 + (i % 3),
        helpfulVoters: i % 2 ? ['x'] : [],
        createdAt: at(i % 4 === 0 ? 1 : 0),
      });
      (await repo.create(review)).unwrap();
    }
    (await repo.create(newReview({ productId, status: 'pending' }))).unwrap();
    (await repo.create(newReview({ status: 'approved' }))).unwrap(); // another product
    for (const sort of ['newest', 'helpful', 'rating'] as const) {
      const listed = (await repo.listByProduct(productId, 'approved', sort, 1, 100)).items.map((r) => r.id);
      expect(listed).to.have.length(12);
      const walked: string[] = [];
      let page = await repo.listByProductAfter(productId, 'approved', sort, { after: null, limit: 5 });
      expect(page.total).to.equal(12);
      walked.push(...page.items.map((r) => r.id));
      // Newest, most helpful and best rated: before the position in every sort.
      const first = newReview({
        productId,
        status: 'approved',
        rating: 5,
        helpfulVoters: ['x', 'y'],
        createdAt: at(9),
      });
      (await repo.create(first)).unwrap();
      while (page.next !== null) {
        page = await repo.listByProductAfter(productId, 'approved', sort, { after: page.next, limit: 5 });
        walked.push(...page.items.map((r) => r.id));
      }
      expect(walked, sort).to.deep.equal(listed);
      await repo.delete(first.id);
    }
  });

  it('counts parallel helpful votes by distinct users exactly, and once per user', async () => {
    const repo = await make();
    const saved = (await repo.create(newReview({ status: 'approved' }))).unwrap();
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => repo.modify(saved.id, (r) => voteHelpful(r, `voter-${i}`))),
    );
    await Promise.all(
      Array.from({ length: 8 }, () => repo.modify(saved.id, (r) => voteHelpful(r, 'voter-0'))),
    );
    const after = (await repo.findById(saved.id))!;
    expect([...after.helpfulVoters].sort()).to.deep.equal(
      Array.from({ length: 8 }, (_, i) => `voter-${i}`).sort(),
    );
    expect(await repo.modify('000000000000000000000000', (r) => r)).to.equal(null);
  });

  it('counts parallel reports once per user and moves an approved review to pending at the threshold weight', async () => {
    const repo = await make();
    const saved = (await repo.create(newReview({ status: 'approved' }))).unwrap();
    await Promise.all(
      Array.from({ length: 5 }, () => repo.modify(saved.id, (r) => reportReview(r, 'r1', 2, at(1)))),
    );
    expect((await repo.findById(saved.id))!).to.deep.include({ reporters: ['r1'], reportWeight: 2 });
    expect((await repo.findById(saved.id))!.status).to.equal('approved');
    await Promise.all(
      ['r2', 'r3', 'r4'].map((u) => repo.modify(saved.id, (r) => reportReview(r, u, 2, at(2)))),
    );
    const after = (await repo.findById(saved.id))!;
    expect(after.reporters).to.have.length(4);
    expect(after).to.deep.include({ status: 'pending', remoderation: true, reportWeight: 8 });
  });

  it('approvedRatings keeps an approved review sent back to moderation by reports, not a new pending one', async () => {
    const repo = await make();
    const flagged = newReview({ status: 'pending', remoderation: true, reportWeight: 6, rating: 5 });
    const fresh = newReview({ status: 'pending', rating: 1 });
    const approved = newReview({ status: 'approved', rating: 3 });
    const rejected = newReview({ status: 'rejected', remoderation: false, rating: 2 });
    for (const r of [flagged, fresh, approved, rejected]) (await repo.create(r)).unwrap();
    expect((await repo.approvedRatings('p1')).sort()).to.deep.equal([3, 5]);
    expect((await repo.findById(flagged.id))!).to.deep.include({ remoderation: true, reportWeight: 6 });
  });
}

describe('contract: ReviewRepository (memory)', () => {
  contract(async () => new MemoryReviewRepository(new MemoryDatabase()));
});

describeWith(['mongo'], 'contract: ReviewRepository (mongo)', () => {
  const mongo = useMongo('reviews_contract');
  let repo: MongoReviewRepository;
  contract(async () => {
    repo = new MongoReviewRepository(mongo.connection());
    await mongo.reset();
    return repo;
  });
});
