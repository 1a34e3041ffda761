import {
  REVIEW_KEYSETS,
  type ReviewPage,
  type ReviewRepository,
  type ReviewSort,
} from '../../../application/reviews/ports.js';
import { keysetPage, type CursorPage, type CursorRequest } from '../../../application/shared/cursor.js';
import { countsInRating, type Review, type ReviewStatus } from '../../../domain/reviews/review.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import type { MemoryDatabase } from './memory-database.js';

/** Sort comparator shared by the adapters' semantics: key desc, then newest, then id. */
export function compareReviews(sort: ReviewSort): (a: Review, b: Review) => number {
  const key = (r: Review): number =>
    sort === 'helpful' ? r.helpfulVoters.length : sort === 'rating' ? r.rating : r.createdAt.getTime();
  return (a, b) =>
    key(b) - key(a) ||
    b.createdAt.getTime() - a.createdAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Reviews in the `reviews` collection; every method checks and writes with no await in between. */
export class MemoryReviewRepository implements ReviewRepository {
  private readonly reviews: Map<string, Review>;

  constructor(db: MemoryDatabase) {
    this.reviews = db.collection<Review>('reviews');
  }

  async create(review: Review): Promise<Result<Review, DomainError>> {
    if (this.reviews.has(review.id)) return Err(domainError('CONFLICT', 'Review id exists', { field: 'id' }));
    for (const r of this.reviews.values()) {
      if (r.userId === review.userId && r.productId === review.productId) {
        return Err(domainError('CONFLICT', 'You have already reviewed this product', { field: 'user' }));
      }
    }
    const saved = { ...review, version: 1 };
    this.reviews.set(review.id, saved);
    return Ok(saved);
  }

  async findById(id: string): Promise<Review | null> {
    return this.reviews.get(id) ?? null;
  }

  async update(review: Review): Promise<Result<Review, DomainError>> {
    const stored = this.reviews.get(review.id);
    if (!stored) return Err(domainError('NOT_FOUND', 'Review not found'));
    if (stored.version !== review.version)
      return Err(domainError('CONFLICT', 'The review changed meanwhile'));
    const saved = { ...review, version: review.version + 1 };
    this.reviews.set(review.id, saved);
    return Ok(saved);
  }

  async delete(id: string): Promise<boolean> {
    return this.reviews.delete(id);
  }

  async listByProduct(
    productId: string,
    status: ReviewStatus,
    sort: ReviewSort,
    page: number,
    limit: number,
  ): Promise<ReviewPage> {
    const all = [...this.reviews.values()]
      .filter((r) => r.productId === productId && r.status === status)
      .sort(compareReviews(sort));
    return { items: all.slice((page - 1) * limit, page * limit), total: all.length };
  }

  async listByProductAfter(
    productId: string,
    status: ReviewStatus,
    sort: ReviewSort,
    request: CursorRequest,
  ): Promise<CursorPage<Review>> {
    const matching = [...this.reviews.values()].filter(
      (r) => r.productId === productId && r.status === status,
    );
    return keysetPage(matching, REVIEW_KEYSETS[sort], request);
  }

  async approvedRatings(productId: string): Promise<number[]> {
    return [...this.reviews.values()]
      .filter((r) => r.productId === productId && countsInRating(r))
      .map((r) => r.rating);
  }

  async listByStatus(status: ReviewStatus, page: number, limit: number): Promise<ReviewPage> {
    const all = [...this.reviews.values()]
      .filter((r) => r.status === status)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    return { items: all.slice((page - 1) * limit, page * limit), total: all.length };
  }

  async modify(id: string, change: (review: Review) => Review): Promise<Review | null> {
    const stored = this.reviews.get(id);
    if (!stored) return null;
    const next = change(stored);
    if (next === stored) return stored;
    const saved = { ...next, version: stored.version + 1 };
    this.reviews.set(id, saved);
    return saved;
  }
}
