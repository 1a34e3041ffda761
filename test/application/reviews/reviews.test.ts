import { expect } from 'chai';
import fc from 'fast-check';
import type { UserRepository } from '../../../application/identity/ports.js';
import type { OrderRepository } from '../../../application/ordering/ports.js';
import {
  CreateReview,
  DeleteReview,
  ListProductReviews,
  ModerateReview,
  RecomputeProductRatings,
  ReportReview,
  UpdateReview,
  VoteReviewHelpful,
} from '../../../application/reviews/use-cases.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryReviewRepository } from '../../../adapters/persistence/memory/reviews-repository.js';
import type { User } from '../../../domain/identity/user.js';
import { DEFAULT_REPORT_POLICY, summarizeRatings } from '../../../domain/reviews/review.js';
import {
  FIXED_NOW,
  aProduct,
  anOrder,
  RecordingBus,
  SequentialIds,
  TestClock,
  testId,
} from '../../support/kit.js';

function kit() {
  const db = new MemoryDatabase();
  const products = new MemoryProductRepository(db);
  const reviews = new MemoryReviewRepository(db);
  const orders = new MemoryOrderRepository(db);
  const events = new RecordingBus();
  const clock = new TestClock();
  const ids = new SequentialIds();
  const ratings = new RecomputeProductRatings(reviews, products, clock, ids, events);
  // Accounts by id with their age in days (only createdAt matters to report weights); unknown ids: 400 days.
  const accountAgeDays = new Map<string, number>();
  const users = {
    findById: async (id: string) =>
      ({
        id,
        createdAt: new Date(FIXED_NOW.getTime() - (accountAgeDays.get(id) ?? 400) * 86_400_000),
      }) as User,
  } as unknown as UserRepository;
  return {
    accountAgeDays,
    products,
    reviews,
    orders,
    events,
    create: new CreateReview(reviews, products, orders as OrderRepository, clock, ids),
    list: new ListProductReviews(reviews, products),
    update: new UpdateReview(reviews, ratings, clock),
    remove: new DeleteReview(reviews, ratings),
    moderate: new ModerateReview(reviews, ratings, clock),
    helpful: new VoteReviewHelpful(reviews),
    report: new ReportReview(
      reviews,
      ratings,
      users,
      orders as OrderRepository,
      clock,
      DEFAULT_REPORT_POLICY,
    ),
  };
}

const content = { rating: 5, title: 'Great', comment: 'Lovely roses', images: [] };

describe('application: reviews', () => {
  it('marks a review verified only when the user has a DELIVERED order containing the product', async () => {
    const k = kit();
    const product = await k.products.create(aProduct({ ratings: { average: 0, count: 0 } }));
    const other = await k.products.create(aProduct());
    (
      await k.orders.create(anOrder({ userId: 'shipped-user', items: [product.id], status: 'shipped' }), [])
    ).unwrap();
    (
      await k.orders.create(
        anOrder({ userId: 'buyer', items: [other.id, product.id], status: 'delivered' }),
        [],
      )
    ).unwrap();
    (
      await k.orders.create(anOrder({ userId: 'other-buyer', items: [other.id], status: 'delivered' }), [])
    ).unwrap();
    const verified = async (userId: string) =>
      (await k.create.execute({ ...content, productId: product.id, userId, userName: 'X' })).unwrap()
        .isVerifiedPurchase;
    expect(await verified('buyer')).to.equal(true);
    expect(await verified('shipped-user')).to.equal(false);
    expect(await verified('other-buyer')).to.equal(false);
    expect(await verified('nobody')).to.equal(false);
  });

  it('refuses a second review (409 CONFLICT) and an unknown product', async () => {
    const k = kit();
    const product = await k.products.create(aProduct());
    (await k.create.execute({ ...content, productId: product.id, userId: 'u', userName: 'U' })).unwrap();
    const dup = await k.create.execute({ ...content, productId: product.id, userId: 'u', userName: 'U' });
    expect(dup.isErr() && dup.error.code).to.equal('CONFLICT');
    const missing = await k.create.execute({ ...content, productId: testId(), userId: 'u', userName: 'U' });
    expect(missing.isErr() && missing.error.code).to.equal('PRODUCT_NOT_FOUND');
  });

  it('lists approved reviews only, with the distribution; ratings follow approvals and the report threshold', async () => {
    const k = kit();
    const product = await k.products.create(aProduct({ ratings: { average: 0, count: 0 } }));
    const a = (
      await k.create.execute({ ...content, rating: 5, productId: product.id, userId: 'a', userName: 'A' })
    ).unwrap();
    const b = (
      await k.create.execute({ ...content, rating: 2, productId: product.id, userId: 'b', userName: 'B' })
    ).unwrap();
    expect(
      (await k.list.execute({ productId: product.id, sort: 'newest', page: 1, limit: 10 })).unwrap().total,
    ).to.equal(0);
    await k.moderate.execute({ id: a.id, status: 'approved' });
    await k.moderate.execute({ id: b.id, status: 'approved' });
    expect((await k.products.findById(product.id))!.ratings).to.deep.equal({ average: 3.5, count: 2 });
    expect(k.events.types()).to.include('catalog.product-updated');
    const listed = (
      await k.list.execute({ productId: product.id, sort: 'rating', page: 1, limit: 10 })
    ).unwrap();
    expect(listed.items.map((r) => r.id)).to.deep.equal([a.id, b.id]);
    expect(listed.summary.distribution).to.deep.equal({ 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 });

    // helpful: approved only, once per user
    await k.helpful.execute({ id: a.id, userId: 'v' });
    expect((await k.helpful.execute({ id: a.id, userId: 'v' })).unwrap().helpfulVoters).to.deep.equal(['v']);

    // 3 long-standing accounts (2 points each, threshold 6): back to moderation, out of the
    // public list, but still in the ratings until a moderator decides
    for (const u of ['r1', 'r2', 'r2', 'r3']) (await k.report.execute({ id: b.id, userId: u })).unwrap();
    expect((await k.reviews.findById(b.id))!).to.deep.include({ status: 'pending', remoderation: true });
    expect((await k.products.findById(product.id))!.ratings).to.deep.equal({ average: 3.5, count: 2 });
    const during = (
      await k.list.execute({ productId: product.id, sort: 'newest', page: 1, limit: 10 })
    ).unwrap();
    expect(during.items.map((r) => r.id)).to.deep.equal([a.id]);
    expect(during.summary.count).to.equal(2);
    const notApproved = await k.report.execute({ id: b.id, userId: 'r4' });
    expect(notApproved.isErr() && notApproved.error.code).to.equal('NOT_FOUND');
    // the moderator rejects it: now it leaves the ratings
    (await k.moderate.execute({ id: b.id, status: 'rejected' })).unwrap();
    expect((await k.products.findById(product.id))!.ratings).to.deep.equal({ average: 5, count: 1 });
  });

  it('weighs reports: throwaway accounts count nothing, buyers of the product count most', async () => {
    const k = kit();
    const product = await k.products.create(aProduct({ ratings: { average: 0, count: 0 } }));
    const r = (
      await k.create.execute({ ...content, rating: 5, productId: product.id, userId: 'a', userName: 'A' })
    ).unwrap();
    (await k.moderate.execute({ id: r.id, status: 'approved' })).unwrap();
    for (const u of ['t1', 't2', 't3', 't4', 't5']) k.accountAgeDays.set(u, 0);
    for (const u of ['t1', 't2', 't3', 't4', 't5'])
      (await k.report.execute({ id: r.id, userId: u })).unwrap();
    expect((await k.reviews.findById(r.id))!).to.deep.include({ status: 'approved', reportWeight: 0 });
    expect((await k.products.findById(product.id))!.ratings).to.deep.equal({ average: 5, count: 1 });

    // two new accounts that received the product: 3 points each reach the threshold
    for (const u of ['buyer1', 'buyer2']) {
      k.accountAgeDays.set(u, 1);
      (await k.orders.create(anOrder({ userId: u, items: [product.id], status: 'delivered' }), [])).unwrap();
    }
    (await k.report.execute({ id: r.id, userId: 'buyer1' })).unwrap();
    expect((await k.reviews.findById(r.id))!).to.deep.include({ status: 'approved', reportWeight: 3 });
    (await k.report.execute({ id: r.id, userId: 'buyer2' })).unwrap();
    expect((await k.reviews.findById(r.id))!).to.deep.include({ status: 'pending', reportWeight: 6 });
    expect((await k.products.findById(product.id))!.ratings).to.deep.equal({ average: 5, count: 1 });
  });

  it('lets only the author edit (back to pending) and the author or an admin delete', async () => {
    const k = kit();
    const product = await k.products.create(aProduct());
    const r = (
      await k.create.execute({ ...content, productId: product.id, userId: 'a', userName: 'A' })
    ).unwrap();
    await k.moderate.execute({ id: r.id, status: 'approved' });
    const notMine = await k.update.execute({ id: r.id, userId: 'b', patch: { rating: 1 } });
    expect(notMine.isErr() && notMine.error.code).to.equal('NOT_FOUND');
    const edited = (await k.update.execute({ id: r.id, userId: 'a', patch: { rating: 1 } })).unwrap();
    expect(edited.status).to.equal('pending');
    expect((await k.products.findById(product.id))!.ratings).to.deep.equal({ average: 0, count: 0 });
    const otherDelete = await k.remove.execute({ id: r.id, userId: 'b', isAdmin: false });
    expect(otherDelete.isErr() && otherDelete.error.code).to.equal('NOT_FOUND');
    expect((await k.remove.execute({ id: r.id, userId: 'admin', isAdmin: true })).isOk()).to.equal(true);
    expect(await k.reviews.findById(r.id)).to.equal(null);
  });

  it('property: after any sequence of approve/reject/update/delete the ratings equal the approved aggregate', async () => {
    const op = fc.record({
      kind: fc.constantFrom('approve', 'reject', 'update', 'delete', 'create'),
      who: fc.integer({ min: 0, max: 5 }),
      rating: fc.integer({ min: 1, max: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const k = kit();
        const product = await k.products.create(aProduct({ ratings: { average: 0, count: 0 } }));
        const idOf = new Map<number, string>();
        for (const o of ops) {
          const id = idOf.get(o.who);
          if (o.kind === 'create' || !id) {
            const created = await k.create.execute({
              ...content,
              rating: o.rating,
              productId: product.id,
              userId: `u${o.who}`,
              userName: 'U',
            });
            if (created.isOk()) idOf.set(o.who, created.value.id);
            continue;
          }
          if (o.kind === 'approve') await k.moderate.execute({ id, status: 'approved' });
          if (o.kind === 'reject') await k.moderate.execute({ id, status: 'rejected' });
          if (o.kind === 'update')
            await k.update.execute({ id, userId: `u${o.who}`, patch: { rating: o.rating } });
          if (o.kind === 'delete') {
            await k.remove.execute({ id, userId: `u${o.who}`, isAdmin: false });
            idOf.delete(o.who);
          }
        }
        const approved = await k.reviews.approvedRatings(product.id);
        const expected = summarizeRatings(approved);
        const stored = (await k.products.findById(product.id))!.ratings;
        expect(stored).to.deep.equal({ average: expected.average, count: expected.count });
        expect(stored.count).to.equal(approved.length);
      }),
      { numRuns: 60 },
    );
  });
});
