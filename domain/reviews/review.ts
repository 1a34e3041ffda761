import { domainError, type DomainError } from '../shared/errors.js';
import { Err, Ok, type Result } from '../shared/result.js';
import { isImageUrl } from '../shared/image-url.js';

export const REVIEW_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_LIMITS = {
  titleMax: 100,
  commentMax: 2000,
  imagesMax: 5,
  /** Reports from this many distinct users send an approved review back to moderation. */
  reportThreshold: 3,
} as const;

/** A shopper's review of one product. One per user per product. */
export interface Review {
  readonly id: string;
  readonly productId: string;
  readonly userId: string;
  readonly userName: string;
  readonly rating: number;
  readonly title: string;
  readonly comment: string;
  readonly images: readonly string[];
  readonly status: ReviewStatus;
  /** Set by the system from the author's delivered orders, never by the client. */
  readonly isVerifiedPurchase: boolean;
  /** The users who found it helpful (one vote each). */
  readonly helpfulVoters: readonly string[];
  /** The users who reported it (one report each). */
  readonly reporters: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

export interface ReviewContent {
  readonly rating: number;
  readonly title: string;
  readonly comment: string;
  readonly images: readonly string[];
}

export function helpfulVotes(review: Review): number {
  return review.helpfulVoters.length;
}

export function reportedCount(review: Review): number {
  return review.reporters.length;
}

export function validateReviewContent(content: ReviewContent): Result<ReviewContent, DomainError> {
  const problems: string[] = [];
  if (!Number.isInteger(content.rating) || content.rating < 1 || content.rating > 5) {
    problems.push('Rating must be a whole number from 1 to 5');
  }
  const title = content.title.trim();
  const comment = content.comment.trim();
  if (title.length > REVIEW_LIMITS.titleMax)
    problems.push(`Title must be at most ${REVIEW_LIMITS.titleMax} characters`);
  if (comment.length === 0) problems.push('Comment is required');
  if (comment.length > REVIEW_LIMITS.commentMax) {
    problems.push(`Comment must be at most ${REVIEW_LIMITS.commentMax} characters`);
  }
  if (content.images.length > REVIEW_LIMITS.imagesMax)
    problems.push(`At most ${REVIEW_LIMITS.imagesMax} images`);
  if (content.images.some((u) => !isImageUrl(u))) problems.push('Images must be http(s) URLs');
  if (problems.length > 0)
    return Err(domainError('VALIDATION_FAILED', problems.join('; '), { errors: problems }));
  return Ok({ rating: content.rating, title, comment, images: [...content.images] });
}

export interface NewReview extends ReviewContent {
  readonly id: string;
  readonly productId: string;
  readonly userId: string;
  readonly userName: string;
  readonly isVerifiedPurchase: boolean;
  readonly now: Date;
}

/** A new review: pending moderation. */
export function createReview(input: NewReview): Result<Review, DomainError> {
  return validateReviewContent(input).map((content) => ({
    id: input.id,
    productId: input.productId,
    userId: input.userId,
    userName: input.userName,
    ...content,
    status: 'pending' as const,
    isVerifiedPurchase: input.isVerifiedPurchase,
    helpfulVoters: [],
    reporters: [],
    createdAt: input.now,
    updatedAt: input.now,
    version: 0,
  }));
}

/** The author's edit: new content, back to pending moderation. */
export function editReview(
  review: Review,
  patch: Partial<ReviewContent>,
  now: Date,
): Result<Review, DomainError> {
  return validateReviewContent({
    rating: patch.rating ?? review.rating,
    title: patch.title ?? review.title,
    comment: patch.comment ?? review.comment,
    images: patch.images ?? review.images,
  }).map((content) => ({ ...review, ...content, status: 'pending' as const, updatedAt: now }));
}

export function moderateReview(review: Review, status: 'approved' | 'rejected', now: Date): Review {
  return { ...review, status, updatedAt: now };
}

/** Idempotent: a second vote by the same user changes nothing (same object back). */
export function voteHelpful(review: Review, userId: string): Review {
  if (review.helpfulVoters.includes(userId)) return review;
  return { ...review, helpfulVoters: [...review.helpfulVoters, userId] };
}

/**
 * One report per user (a repeat changes nothing). Once `threshold` users reported an approved
 * review it goes back to pending, leaving the public list until a moderator decides again.
 */
export function reportReview(
  review: Review,
  userId: string,
  now: Date,
  threshold: number = REVIEW_LIMITS.reportThreshold,
): Review {
  if (review.reporters.includes(userId)) return review;
  const reporters = [...review.reporters, userId];
  const status = review.status === 'approved' && reporters.length >= threshold ? 'pending' : review.status;
  return { ...review, reporters, status, updatedAt: now };
}

export interface RatingSummary {
  /** Mean of the ratings rounded to one decimal (half up); 0 when there are none. */
  readonly average: number;
  readonly count: number;
  readonly distribution: Readonly<Record<1 | 2 | 3 | 4 | 5, number>>;
}

export function summarizeRatings(ratings: readonly number[]): RatingSummary {
  const distribution = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let sum = 0;
  for (const r of ratings) {
    distribution[r as 1 | 2 | 3 | 4 | 5] += 1;
    sum += r;
  }
  const count = ratings.length;
  // integer arithmetic: sum*10/count rounded half up, then one decimal
  const average = count === 0 ? 0 : Math.floor((sum * 20 + count) / (2 * count)) / 10;
  return { average, count, distribution };
}
