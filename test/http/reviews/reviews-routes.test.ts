import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { USER_REPOSITORY, type UserRepository } from '../../../application/identity/ports.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import type { Product } from '../../../domain/catalog/product.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct, anOrder, testId } from '../../support/kit.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

function reviewSuite(env: () => Record<string, string>): void {
  let t: TestApp;
  let products: ProductRepository;
  let orders: OrderRepository;
  let admin: string;
  let product: Product;

  before(async () => {
    t = await buildTestApp(env());
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    orders = t.container.get<OrderRepository>(ORDER_REPOSITORY);
    admin = await loginAdmin(t);
  });
  after(async () => {
    if (env().MONGODB_URI) await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await t.close();
  });
  beforeEach(async () => {
    product = await products.create(aProduct({ ratings: { average: 0, count: 0 } }));
  });

  const body = {
    rating: 5,
    title: 'Gorgeous',
    comment: 'Fresh and on time',
    images: ['https://img.test/a.jpg'],
  };
  const post = (token: string | undefined, payload: unknown, id = product.id) =>
    t.request({ method: 'POST', url: `/api/products/${id}/reviews`, token, body: payload });
  const moderate = (id: string, status: string, token = admin) =>
    t.request({ method: 'PUT', url: `/api/admin/reviews/${id}/status`, token, body: { status } });
  const publicList = (query = '') =>
    t.request({ method: 'GET', url: `/api/products/${product.id}/reviews${query}` });

  it('creates a pending review (201), not verified without a delivered order; a duplicate answers 409', async () => {
    const { token, user } = await registerUser(t);
    const res = await post(token, body);
    expect(res.statusCode, res.body).to.equal(201);
    const review = res.json().data.review;
    expect(review).to.include({
      product: product.id,
      rating: 5,
      status: 'pending',
      isVerifiedPurchase: false,
    });
    expect(review.user).to.deep.equal({ _id: user._id, fullName: user.fullName });
    expect(review.images).to.deep.equal(['https://img.test/a.jpg']);
    expect(review.helpfulVotes).to.equal(0);
    const dup = await post(token, body);
    expect(dup.statusCode).to.equal(409);
    expect(dup.json().code).to.equal('CONFLICT');
    expect((await publicList()).json().data.reviews).to.deep.equal([]);
  });

  it('sets isVerifiedPurchase only after delivery, never from the client', async () => {
    const shipped = await registerUser(t);
    const delivered = await registerUser(t);
    (
      await orders.create(anOrder({ userId: shipped.user._id, items: [product.id], status: 'shipped' }), [])
    ).unwrap();
    (
      await orders.create(
        anOrder({ userId: delivered.user._id, items: [product.id], status: 'delivered' }),
        [],
      )
    ).unwrap();
    const a = await post(shipped.token, body);
    expect(a.json().data.review.isVerifiedPurchase).to.equal(false);
    const b = await post(delivered.token, body);
    expect(b.json().data.review.isVerifiedPurchase).to.equal(true);
    const forged = await post((await registerUser(t)).token, { ...body, isVerifiedPurchase: true });
    expect(forged.statusCode).to.equal(400);
  });

  it('rejects bad input with 400 and no token with 401; unknown product 404', async () => {
    const { token } = await registerUser(t);
    for (const bad of [
      { ...body, rating: 6 },
      { ...body, rating: 0 },
      { ...body, rating: '5' },
      { ...body, images: Array.from({ length: 6 }, (_, i) => `https://img.test/${i}.jpg`) },
      { ...body, images: ['not a url'] },
      { ...body, title: 'x'.repeat(101) },
      { ...body, comment: 'x'.repeat(2001) },
      { ...body, comment: { $gt: '' } },
      { ...body, rating: { $gt: 0 } },
      { ...body, status: 'approved' },
      { rating: 5 },
    ]) {
      const res = await post(token, bad);
      expect(res.statusCode, JSON.stringify(bad).slice(0, 80)).to.equal(400);
    }
    expect((await post(token, body, 'not-an-id')).statusCode).to.equal(400);
    expect((await post(token, body, testId())).statusCode).to.equal(404);
    expect((await post(undefined, body)).statusCode).to.equal(401);
    expect((await publicList('?sort=best')).statusCode).to.equal(400);
    expect((await publicList('?limit=0')).statusCode).to.equal(400);
    expect(
      (await t.request({ method: 'GET', url: `/api/products/${testId()}/reviews` })).statusCode,
    ).to.equal(404);
  });

  it('moderation: admin lists pending and approves; ratings and the public list follow; non-admins get 403', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const ra = (await post(alice.token, { ...body, rating: 5 })).json().data.review._id as string;
    const rb = (await post(bob.token, { ...body, rating: 4 })).json().data.review._id as string;

    expect(
      (await t.request({ method: 'GET', url: '/api/admin/reviews?status=pending', token: alice.token }))
        .statusCode,
    ).to.equal(403);
    expect((await t.request({ method: 'GET', url: '/api/admin/reviews' })).statusCode).to.equal(401);
    expect((await moderate(ra, 'approved', alice.token)).statusCode).to.equal(403);

    const pending = await t.request({
      method: 'GET',
      url: '/api/admin/reviews?status=pending&limit=100',
      token: admin,
    });
    expect(pending.statusCode).to.equal(200);
    const pendingIds = (pending.json().data.reviews as { _id: string }[]).map((r) => r._id);
    expect(pendingIds).to.include.members([ra, rb]);
    expect(
      (await t.request({ method: 'GET', url: '/api/admin/reviews?status=bogus', token: admin })).statusCode,
    ).to.equal(400);

    expect((await moderate(ra, 'approved')).json().data.review.status).to.equal('approved');
    expect((await moderate(rb, 'approved')).statusCode).to.equal(200);
    expect((await moderate(rb, 'deleted')).statusCode).to.equal(400);
    expect((await moderate(testId(), 'approved')).statusCode).to.equal(404);
    expect((await products.findById(product.id))!.ratings).to.deep.equal({ average: 4.5, count: 2 });

    const list = (await publicList('?sort=rating')).json().data;
    expect(list.reviews.map((r: { _id: string }) => r._id)).to.deep.equal([ra, rb]);
    expect(list.summary).to.deep.equal({
      average: 4.5,
      count: 2,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 1 },
    });
    expect(list.pagination).to.deep.equal({ page: 1, limit: 10, total: 2, pages: 1 });
    // the product answer shows the new ratings (no stale cache)
    const detail = await t.request({ method: 'GET', url: `/api/products/${product.id}` });
    expect(detail.json().data.product.ratings).to.deep.include({ average: 4.5, count: 2 });

    await moderate(rb, 'rejected');
    expect((await products.findById(product.id))!.ratings).to.deep.equal({ average: 5, count: 1 });
  });

  it('edit (owner only, back to pending), delete (owner or admin; another user 404)', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const id = (await post(alice.token, body)).json().data.review._id as string;
    await moderate(id, 'approved');
    const put = (token: string | undefined, payload: unknown, rid = id) =>
      t.request({ method: 'PUT', url: `/api/reviews/${rid}`, token, body: payload });
    expect((await put(bob.token, { rating: 1 })).statusCode).to.equal(404);
    expect((await put(undefined, { rating: 1 })).statusCode).to.equal(401);
    expect((await put(alice.token, { rating: 7 })).statusCode).to.equal(400);
    expect((await put(alice.token, {})).statusCode).to.equal(400);
    expect((await put(alice.token, { rating: 2, isVerifiedPurchase: true })).statusCode).to.equal(400);
    expect((await put(alice.token, { rating: 2 }, testId())).statusCode).to.equal(404);
    const edited = await put(alice.token, { rating: 2, comment: 'Changed my mind' });
    expect(edited.statusCode).to.equal(200);
    expect(edited.json().data.review).to.include({
      rating: 2,
      status: 'pending',
      comment: 'Changed my mind',
    });
    expect((await products.findById(product.id))!.ratings).to.deep.equal({ average: 0, count: 0 });

    const del = (token: string | undefined, rid = id) =>
      t.request({ method: 'DELETE', url: `/api/reviews/${rid}`, token });
    expect((await del(bob.token)).statusCode).to.equal(404);
    expect((await del(undefined)).statusCode).to.equal(401);
    expect((await del(alice.token)).statusCode).to.equal(200);
    expect((await del(alice.token)).statusCode).to.equal(404);
    const id2 = (await post(bob.token, body)).json().data.review._id as string;
    await moderate(id2, 'approved');
    expect((await products.findById(product.id))!.ratings.count).to.equal(1);
    expect((await del(admin, id2)).statusCode).to.equal(200);
    expect((await products.findById(product.id))!.ratings).to.deep.equal({ average: 0, count: 0 });
  });

  /** A registered shopper whose account was created `days` ago. */
  async function agedUser(days: number) {
    const u = await registerUser(t);
    const users = t.container.get<UserRepository>(USER_REPOSITORY);
    const stored = (await users.findById(u.user._id))!;
    (await users.update({ ...stored, createdAt: new Date(Date.now() - days * 86_400_000) })).unwrap();
    return u;
  }

  it('helpful votes once per user; three throwaway accounts cannot hide a review or move the rating', async () => {
    const author = await registerUser(t);
    const id = (await post(author.token, { ...body, rating: 3 })).json().data.review._id as string;
    const vote = (token: string | undefined, rid = id) =>
      t.request({ method: 'POST', url: `/api/reviews/${rid}/helpful`, token });
    const report = (token: string | undefined, rid = id) =>
      t.request({ method: 'POST', url: `/api/reviews/${rid}/report`, token });
    const voter = await registerUser(t);
    expect((await vote(voter.token)).statusCode, 'pending reviews are not public').to.equal(404);
    await moderate(id, 'approved');
    expect((await vote(undefined)).statusCode).to.equal(401);
    expect((await vote(voter.token, testId())).statusCode).to.equal(404);
    expect((await vote(voter.token, 'nope')).statusCode).to.equal(400);
    const voters = [voter, await registerUser(t), await registerUser(t)];
    const results = await Promise.all([...voters, voter, voter].map((v) => vote(v.token)));
    expect(results.map((r) => r.statusCode)).to.deep.equal([200, 200, 200, 200, 200]);
    expect((await vote(voter.token)).json().data.review.helpfulVotes).to.equal(3);

    // the abuse: three accounts registered a moment ago, none ever bought the product
    const throwaways = [await registerUser(t), await registerUser(t), await registerUser(t)];
    expect((await report(throwaways[0]!.token)).json().data.review).to.include({
      reportedCount: 1,
      status: 'approved',
    });
    expect((await report(throwaways[0]!.token)).json().data.review.reportedCount).to.equal(1);
    expect((await report(throwaways[1]!.token)).json().data.review.status).to.equal('approved');
    const third = await report(throwaways[2]!.token);
    expect(third.statusCode).to.equal(200);
    expect(third.json().data.review).to.include({ reportedCount: 3, status: 'approved' });
    expect((await publicList()).json().data.reviews.map((r: { _id: string }) => r._id)).to.deep.equal([id]);
    expect((await products.findById(product.id))!.ratings).to.deep.equal({ average: 3, count: 1 });
    expect((await report(undefined)).statusCode).to.equal(401);
  });

  it('reports weighing enough send a review to moderation, and it keeps counting in the rating until rejected', async () => {
    const author = await registerUser(t);
    const id = (await post(author.token, { ...body, rating: 3 })).json().data.review._id as string;
    await moderate(id, 'approved');
    const report = (token: string) => t.request({ method: 'POST', url: `/api/reviews/${id}/report`, token });
    // a buyer of the product (3 points) and a 100-day-old account (2): 5 of 6
    const buyer = await registerUser(t);
    (
      await orders.create(anOrder({ userId: buyer.user._id, items: [product.id], status: 'delivered' }), [])
    ).unwrap();
    expect((await report(buyer.token)).json().data.review.status).to.equal('approved');
    expect((await report((await agedUser(100)).token)).json().data.review.status).to.equal('approved');
    // a 10-day-old account (1): 6, back to moderation
    const last = await report((await agedUser(10)).token);
    expect(last.json().data.review).to.include({ reportedCount: 3, status: 'pending' });
    expect((await publicList()).json().data.reviews).to.deep.equal([]);
    expect((await products.findById(product.id))!.ratings, 'still counted').to.deep.equal({
      average: 3,
      count: 1,
    });
    expect((await publicList()).json().data.summary).to.include({ average: 3, count: 1 });
    const queue = await t.request({
      method: 'GET',
      url: '/api/admin/reviews?status=pending&limit=100',
      token: admin,
    });
    expect((queue.json().data.reviews as { _id: string }[]).map((r) => r._id)).to.include(id);
    expect((await moderate(id, 'rejected')).statusCode).to.equal(200);
    expect((await products.findById(product.id))!.ratings).to.deep.equal({ average: 0, count: 0 });
  });

  it('answers under /api/api too and sorts by helpful', async () => {
    const [a, b] = [await registerUser(t), await registerUser(t)];
    const ra = (await post(a.token, body)).json().data.review._id as string;
    const rb = (await post(b.token, body)).json().data.review._id as string;
    await moderate(ra, 'approved');
    await moderate(rb, 'approved');
    await t.request({ method: 'POST', url: `/api/reviews/${rb}/helpful`, token: a.token });
    const res = await t.request({
      method: 'GET',
      url: `/api/api/products/${product.id}/reviews?sort=helpful`,
    });
    expect(res.json().data.reviews.map((r: { _id: string }) => r._id)).to.deep.equal([rb, ra]);
  });
}

describe('HTTP reviews (memory)', () => {
  reviewSuite(() => ({}));
});

describeWith(['mongo'], 'HTTP reviews (mongo)', () => {
  const uri = mongoTestUri('reviews_http');
  reviewSuite(() => ({ MONGODB_URI: uri }));
});
