import { domainError, type DomainError } from '../shared/errors.js';
import { Err, Ok, type Result } from '../shared/result.js';
import { isImageUrl } from '../shared/image-url.js';

export const REVIEW_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_LIMITS = {
  titleMax: 100,
  commentMax: 2000,
  imagesMax: 5,
} as const;

/**
 * How much a report counts. A report is worth points from the reporter's account age (younger
 * than `newAccountDays`: 0, younger than `trustedAccountDays`: 1, older: 2) plus 3 when the
 * reporter has a delivered order of the product. An approved review goes back to moderation when
 * the points of its reports reach `threshold`: throwaway accounts (new, never bought) weigh
 * nothing, so no number of them can hide a review; two buyers, or three long-standing accounts,
 * can.
 */
export interface ReportPolicy {
  readonly threshold: number;
  readonly newAccountDays: number;
  readonly trustedAccountDays: number;
}

export const DEFAULT_REPORT_POLICY: ReportPolicy = {
  threshold: 6,
  newAccountDays: 7,
  trustedAccountDays: 90,
};

export const REPORT_POINTS = { established: 1, trusted: 2, verifiedBuyer: 3 } as const;

/** What the weight of a report depends on: who reports, never what they say. */
export interface Reporter {
  readonly accountCreatedAt: Date;
  /** The reporter has a DELIVERED order containing the reviewed product. */
  readonly verifiedBuyer: boolean;
}

const DAY_MS = 86_400_000;

export function reportWeight(
  reporter: Reporter,
  now: Date,
  policy: ReportPolicy = DEFAULT_REPORT_POLICY,
): number {
  const ageDays = (now.getTime() - reporter.accountCreatedAt.getTime()) / DAY_MS;
  const age =
    ageDays >= policy.trustedAccountDays
      ? REPORT_POINTS.trusted
      : ageDays >= policy.newAccountDays
        ? REPORT_POINTS.established
        : 0;
  return age + (reporter.verifiedBuyer ? REPORT_POINTS.verifiedBuyer : 0);
}

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
  /** The summed weight of the reports since a moderator last decided (see ReportPolicy). */
  readonly reportWeight: number;
  /**
   * An approved review sent back to moderation by reports: `pending` (out of the public list,
   * in the queue) but still counted in the product's rating until a moderator decides.
   */
  readonly remoderation: boolean;
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
    reportWeight: 0,
    remoderation: false,
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
  }).map((content) => ({
    ...review,
    ...content,
    status: 'pending' as const,
    // new content was never approved: it counts once a moderator approves it
    remoderation: false,
    updatedAt: now,
  }));
}

/** A moderator's decision settles the reports so far (the reporters still cannot report twice). */
export function moderateReview(review: Review, status: 'approved' | 'rejected', now: Date): Review {
  return { ...review, status, reportWeight: 0, remoderation: false, updatedAt: now };
}

/**
 * Whether the review's rating is in the product's rating: approved, or approved and sent back to
 * moderation by reports (reports alone never take a rating away; a moderator's rejection does).
 */
export function countsInRating(review: Pick<Review, 'status' | 'remoderation'>): boolean {
  return review.status === 'approved' || (review.status === 'pending' && review.remoderation);
}

/** Idempotent: a second vote by the same user changes nothing (same object back). */
export function voteHelpful(review: Review, userId: string): Review {
  if (review.helpfulVoters.includes(userId)) return review;
  return { ...review, helpfulVoters: [...review.helpfulVoters, userId] };
}

/**
 * One report per user (a repeat changes nothing), worth `weight` (see reportWeight). Once the
 * weight of an approved review's reports reaches the threshold it goes back to moderation:
 * `pending`, out of the public list, but still counted in the rating (`remoderation`).
 */
export function reportReview(
  review: Review,
  userId: string,
  weight: number,
  now: Date,
  threshold: number = DEFAULT_REPORT_POLICY.threshold,
): Review {
  if (review.reporters.includes(userId)) return review;
  const reporters = [...review.reporters, userId];
  const reportWeight = review.reportWeight + Math.max(0, weight);
  const sentBack = review.status === 'approved' && reportWeight >= threshold;
  return {
    ...review,
    reporters,
    reportWeight,
    ...(sentBack ? { status: 'pending' as const, remoderation: true } : {}),
    updatedAt: now,
  };
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
