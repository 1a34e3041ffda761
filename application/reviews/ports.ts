import { token } from '../shared/token.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Result } from '../../domain/shared/result.js';
import type { ReportPolicy, Review, ReviewStatus } from '../../domain/reviews/review.js';
import type { CursorPage, CursorRequest, KeysetOrder } from '../shared/cursor.js';

export const REVIEW_SORTS = ['newest', 'helpful', 'rating'] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];

/**
 * The product review sorts as keysets (as `listByProduct`: the key descending, then newest, ties
 * by id ascending). `helpful` moves while votes come in: a review voted up past the position
 * during a walk is not seen again (the README's moving-key caveat).
 */
export const REVIEW_KEYSETS: Record<ReviewSort, KeysetOrder<Review>> = {
  newest: [{ path: 'createdAt', dir: -1, kind: 'date', value: (r) => r.createdAt.getTime() }],
  helpful: [
    { path: 'helpfulCount', dir: -1, kind: 'number', value: (r) => r.helpfulVoters.length },
    { path: 'createdAt', dir: -1, kind: 'date', value: (r) => r.createdAt.getTime() },
  ],
  rating: [
    { path: 'rating', dir: -1, kind: 'number', value: (r) => r.rating },
    { path: 'createdAt', dir: -1, kind: 'date', value: (r) => r.createdAt.getTime() },
  ],
};

export interface ReviewPage {
  readonly items: Review[];
  readonly total: number;
}

export interface ReviewRepository {
  /** CONFLICT when the user already reviewed the product (unique user + product), or the id exists. */
  create(review: Review): Promise<Result<Review, DomainError>>;
  findById(id: string): Promise<Review | null>;
  /** Optimistic: saves when the stored version equals `review.version`, answers version + 1; CONFLICT otherwise (NOT_FOUND when gone). */
  update(review: Review): Promise<Result<Review, DomainError>>;
  delete(id: string): Promise<boolean>;
  /** Reviews of a product with `status`, sorted (ties: newest, then id), paged from 1. */
  listByProduct(
    productId: string,
    status: ReviewStatus,
    sort: ReviewSort,
    page: number,
    limit: number,
  ): Promise<ReviewPage>;
  /** As `listByProduct` (REVIEW_KEYSETS[sort]), after `request.after`, with the total matching. */
  listByProductAfter(
    productId: string,
    status: ReviewStatus,
    sort: ReviewSort,
    request: CursorRequest,
  ): Promise<CursorPage<Review>>;
  /**
   * The ratings (1-5) of every review of the product that counts in its rating (`countsInRating`:
   * approved, or approved and sent back to moderation by reports).
   */
  approvedRatings(productId: string): Promise<number[]>;
  /** Reviews with `status`, oldest first (moderation queue), paged from 1. */
  listByStatus(status: ReviewStatus, page: number, limit: number): Promise<ReviewPage>;
  /**
   * Atomically applies `change` to the stored review (no lost update whatever the interleaving);
   * `change` answering its argument unchanged writes nothing. Null when there is no such review.
   */
  modify(id: string, change: (review: Review) => Review): Promise<Review | null>;
}
export const REVIEW_REPOSITORY = token<ReviewRepository>('ReviewRepository');

/** How reports are weighed (config: REVIEW_REPORT_*). */
export type ReviewReportPolicy = ReportPolicy;
export const REVIEW_REPORT_POLICY = token<ReviewReportPolicy>('ReviewReportPolicy');
