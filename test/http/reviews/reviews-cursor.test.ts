import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { REVIEW_REPOSITORY, type ReviewRepository } from '../../../application/reviews/ports.js';
import { createReview, type Review } from '../../../domain/reviews/review.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';
import { aProduct, FIXED_NOW, testId } from '../../support/kit.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

describe('http/reviews GET /products/:id/reviews with a cursor (beside page/limit)', () => {
  let t: TestApp;
  let reviews: ReviewRepository;
  let productId: string;
  let otherProductId: string;

  const approved = (product: string, i: number, overrides: Partial<Review> = {}): Review => {
    const review = createReview({
      id: testId(),
      productId: product,
      userId: testId(),
      userName: 'Asha',
      rating: 3 + (i % 3),
      title: 'Lovely',
      comment: 'Fresh flowers',
      images: [],
      isVerifiedPurchase: false,
      // two instants for all: ties split by the id
      now: new Date(FIXED_NOW.getTime() + (i % 2) * 60_000),
    }).unwrap();
    return { ...review, status: 'approved', helpfulVoters: i % 4 === 0 ? ['x'] : [], ...overrides };
  };

  const get = async (url: string) => {
    const res = await t.request({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    t = await buildTestApp();
    reviews = t.container.get<ReviewRepository>(REVIEW_REPOSITORY);
    const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    productId = (await products.create(aProduct({ name: 'Reviewed Roses' }))).id;
    otherProductId = (await products.create(aProduct({ name: 'Other Roses' }))).id;
    for (let i = 0; i < 9; i += 1) (await reviews.create(approved(productId, i))).unwrap();
    (await reviews.create(approved(otherProductId, 0))).unwrap();
  });
  after(async () => t.close());

  for (const sort of ['newest', 'helpful', 'rating'] as const) {
    it(`sort=${sort}: every review once, in the page/limit order, while one is posted; page answers unchanged`, async () => {
      const paged = await get(`/api/products/${productId}/reviews?sort=${sort}&limit=50`);
      expect(paged.status).to.equal(200);
      expect(paged.body.data).to.have.all.keys('reviews', 'pagination', 'summary');
      expect(paged.body.data.pagination).to.deep.equal({ page: 1, limit: 50, total: 9, pages: 1 });
      const all = paged.body.data.reviews.map((r: any) => r._id);
      const walked: string[] = [];
      let cursor = '';
      let inserted: Review | null = null;
      for (let n = 0; n < 10; n += 1) {
        const { status, body } = await get(
          `/api/api/products/${productId}/reviews?sort=${sort}&limit=2&cursor=${cursor}`,
        );
        expect(status).to.equal(200);
        expect(body.data.pagination.page).to.equal(0);
        walked.push(...body.data.reviews.map((r: any) => r._id));
        if (n === 0) {
          // newest, most helpful, best rated: before the position in every sort
          inserted = approved(productId, 2, {
            helpfulVoters: ['x', 'y'],
            createdAt: new Date(FIXED_NOW.getTime() + 3_600_000),
          });
          (await reviews.create(inserted)).unwrap();
        }
        if (body.data.nextCursor === null) break;
        cursor = body.data.nextCursor;
      }
      expect(walked).to.deep.equal(all);
      await reviews.delete(inserted!.id);
    });
  }

  it('a tampered cursor, one of another sort or product, and page with cursor answer 400', async () => {
    const url = (product: string, query: string) => `/api/products/${product}/reviews?limit=2&${query}`;
    const first = (await get(url(productId, 'sort=rating&cursor='))).body.data.nextCursor as string;
    expect(first).to.be.a('string');
    for (const bad of [
      url(productId, `sort=rating&cursor=${first.slice(2)}`),
      url(productId, `sort=newest&cursor=${first}`),
      url(otherProductId, `sort=rating&cursor=${first}`),
    ]) {
      const res = await get(bad);
      expect([res.status, res.body.code], bad).to.deep.equal([400, 'INVALID_CURSOR']);
    }
    const both = await get(url(productId, 'page=1&cursor='));
    expect(both.status).to.equal(400);
    expect(JSON.stringify(both.body)).to.include('cursor');
  });
});
