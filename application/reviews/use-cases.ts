import { productEvent } from '../../domain/catalog/events.js';
import type { Product } from '../../domain/catalog/product.js';
import {
  createReview,
  editReview,
  moderateReview,
  reportReview,
  reportWeight,
  summarizeRatings,
  voteHelpful,
  type RatingSummary,
  type Review,
  type ReviewContent,
  type ReviewStatus,
} from '../../domain/reviews/review.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { ProductRepository } from '../catalog/index.js';
import type { UserRepository } from '../identity/index.js';
import type { OrderRepository } from '../ordering/index.js';
import type { Clock, EventBus, IdGenerator } from '../shared/ports.js';
import { retryOnConflict, UNCHANGED, type Unchanged } from '../shared/retry-on-conflict.js';
import { writeWithNotices } from '../shared/staged-notices.js';
import {
  REVIEW_KEYSETS,
  type ReviewPage,
  type ReviewReportPolicy,
  type ReviewRepository,
  type ReviewSort,
} from './ports.js';
import {
  cursorListing,
  cursorRequest,
  cursorScope,
  pagingConflict,
  type ListingPage,
} from '../shared/cursor.js';

const reviewNotFound = () => domainError('NOT_FOUND', 'Review not found');
const productNotFound = () => domainError('PRODUCT_NOT_FOUND', 'Product not found');

/** Optimistic saves of a product's ratings, and of a review, are retried this many times. */
const RATING_ATTEMPTS = 20;
const REVIEW_ATTEMPTS = 20;

/**
 * Makes the product's `ratings` equal the aggregate of its APPROVED reviews (average rounded to
 * one decimal, count). Reads the product BEFORE the reviews and saves optimistically, retrying on
 * a version conflict: whichever recompute saves last read the reviews after every earlier write.
 */
export class RecomputeProductRatings {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly products: ProductRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly events: EventBus,
  ) {}

  async execute(input: { productId: string }): Promise<Result<RatingSummary, DomainError>> {
    const notice = productEvent(
      'catalog.product-updated',
      input.productId,
      this.clock.now(),
      this.ids.next(),
    );
    // Unchanged ratings (or a refused write): the staged notice is discarded.
    const run = await writeWithNotices(
      this.events,
      [notice],
      () => this.save(input.productId),
      (r) => r.isOk() && r.value.changed,
    );
    if (run.isErr()) return run;
    return Ok(run.value.current.summary);
  }

  private save(productId: string) {
    const input = { productId };
    return retryOnConflict({
      // The product first, then the reviews (see above).
      load: async () => {
        const product = await this.products.findById(input.productId);
        if (!product) return null;
        return { product, summary: summarizeRatings(await this.reviews.approvedRatings(input.productId)) };
      },
      notFound: productNotFound,
      change: ({ product, summary }): Result<Product | Unchanged, DomainError> =>
        product.ratings.average === summary.average && product.ratings.count === summary.count
          ? Ok(UNCHANGED)
          : Ok({
              ...product,
              ratings: { average: summary.average, count: summary.count },
              updatedAt: this.clock.now(),
            }),
      save: (next) => this.products.update(next),
      attempts: RATING_ATTEMPTS,
      exhausted: () => domainError('CONFLICT', 'The product kept changing; try again'),
    });
  }
}

/** True when one of the user's DELIVERED orders contains the product. */
async function hasDeliveredPurchase(
  orders: OrderRepository,
  userId: string,
  productId: string,
): Promise<boolean> {
  const mine = await orders.findByUser(userId);
  return mine.some((o) => o.status === 'delivered' && o.items.some((l) => l.productId === productId));
}

export interface CreateReviewInput extends ReviewContent {
  readonly productId: string;
  readonly userId: string;
  readonly userName: string;
}

export class CreateReview {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly products: ProductRepository,
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(input: CreateReviewInput): Promise<Result<Review, DomainError>> {
    const product = await this.products.findById(input.productId);
    if (!product) return Err(productNotFound());
    const created = createReview({
      ...input,
      id: this.ids.next(),
      isVerifiedPurchase: await hasDeliveredPurchase(this.orders, input.userId, input.productId),
      now: this.clock.now(),
    });
    if (created.isErr()) return created;
    const saved = await this.reviews.create(created.value);
    if (saved.isErr() && saved.error.code === 'CONFLICT') {
      return Err(domainError('CONFLICT', 'You have already reviewed this product'));
    }
    return saved;
  }
}

export interface ProductReviewsAnswer extends ListingPage<Review> {
  readonly summary: RatingSummary;
}

export class ListProductReviews {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly products: ProductRepository,
  ) {}

  async execute(input: {
    productId: string;
    sort: ReviewSort;
    /** 1 when absent. */
    page?: number;
    limit: number;
    /** Cursor paging instead of `page`: '' first, then the answer's `nextCursor` (bound to product and sort). */
    cursor?: string;
  }): Promise<Result<ProductReviewsAnswer, DomainError>> {
    const conflict = pagingConflict(input);
    if (conflict) return Err(conflict);
    if (!Number.isSafeInteger(input.limit) || input.limit < 1) {
      return Err(domainError('VALIDATION_FAILED', 'limit must be a positive whole number'));
    }
    const product = await this.products.findById(input.productId);
    if (!product) return Err(productNotFound());
    let listing: ListingPage<Review>;
    if (input.cursor !== undefined) {
      const order = REVIEW_KEYSETS[input.sort];
      const scope = cursorScope('product-reviews', { productId: input.productId, sort: input.sort });
      const request = cursorRequest(input.cursor, scope, order, input.limit);
      if (request.isErr()) return request;
      const page = await this.reviews.listByProductAfter(
        input.productId,
        'approved',
        input.sort,
        request.value,
      );
      listing = cursorListing(page, page.items, scope, input.limit);
    } else {
      const page = input.page ?? 1;
      const found = await this.reviews.listByProduct(
        input.productId,
        'approved',
        input.sort,
        page,
        input.limit,
      );
      listing = { ...found, page, limit: input.limit };
    }
    const summary = summarizeRatings(await this.reviews.approvedRatings(input.productId));
    return Ok({ ...listing, summary });
  }
}

/** Saves a change to an existing review with optimistic retries, then recomputes the product's ratings. */
async function changeReview(
  reviews: ReviewRepository,
  ratings: RecomputeProductRatings,
  id: string,
  change: (review: Review) => Result<Review, DomainError>,
): Promise<Result<Review, DomainError>> {
  const run = await retryOnConflict({
    load: () => reviews.findById(id),
    notFound: reviewNotFound,
    change,
    save: (next) => reviews.update(next),
    attempts: REVIEW_ATTEMPTS,
    exhausted: () => domainError('CONFLICT', 'The review kept changing; try again'),
  });
  if (run.isErr()) return run;
  await ratings.execute({ productId: run.value.saved.productId });
  return Ok(run.value.saved);
}

export class UpdateReview {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly ratings: RecomputeProductRatings,
    private readonly clock: Clock,
  ) {}

  /** The author only (another user's review answers 404); the edit goes back to pending. */
  execute(input: {
    id: string;
    userId: string;
    patch: Partial<ReviewContent>;
  }): Promise<Result<Review, DomainError>> {
    return changeReview(this.reviews, this.ratings, input.id, (review) =>
      review.userId !== input.userId
        ? Err(reviewNotFound())
        : editReview(review, input.patch, this.clock.now()),
    );
  }
}

export class DeleteReview {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly ratings: RecomputeProductRatings,
  ) {}

  /** The author or an admin; another user's review answers 404. */
  async execute(input: {
    id: string;
    userId: string;
    isAdmin: boolean;
  }): Promise<Result<Review, DomainError>> {
    const review = await this.reviews.findById(input.id);
    if (!review || (!input.isAdmin && review.userId !== input.userId)) return Err(reviewNotFound());
    if (!(await this.reviews.delete(review.id))) return Err(reviewNotFound());
    await this.ratings.execute({ productId: review.productId });
    return Ok(review);
  }
}

export class VoteReviewHelpful {
  constructor(private readonly reviews: ReviewRepository) {}

  /** Approved reviews only; one vote per user (a repeat is a no-op answering the same count). */
  async execute(input: { id: string; userId: string }): Promise<Result<Review, DomainError>> {
    const current = await this.reviews.findById(input.id);
    if (!current || current.status !== 'approved') return Err(reviewNotFound());
    const saved = await this.reviews.modify(input.id, (r) => voteHelpful(r, input.userId));
    return saved ? Ok(saved) : Err(reviewNotFound());
  }
}

export class ReportReview {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly ratings: RecomputeProductRatings,
    private readonly users: UserRepository,
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
    private readonly policy: ReviewReportPolicy,
  ) {}

  /**
   * One report per user, weighed by who reports (account age, a delivered order of the product);
   * once the weight reaches the threshold an approved review goes back to moderation, still
   * counting in the product's rating until a moderator decides.
   */
  async execute(input: { id: string; userId: string }): Promise<Result<Review, DomainError>> {
    const current = await this.reviews.findById(input.id);
    if (!current || current.status !== 'approved') return Err(reviewNotFound());
    if (current.reporters.includes(input.userId)) return Ok(current);
    const reporter = await this.users.findById(input.userId);
    const now = this.clock.now();
    const weight = reporter
      ? reportWeight(
          {
            accountCreatedAt: reporter.createdAt,
            verifiedBuyer: await hasDeliveredPurchase(this.orders, input.userId, current.productId),
          },
          now,
          this.policy,
        )
      : 0;
    const saved = await this.reviews.modify(input.id, (r) =>
      reportReview(r, input.userId, weight, now, this.policy.threshold),
    );
    if (!saved) return Err(reviewNotFound());
    if (saved.status !== current.status) await this.ratings.execute({ productId: saved.productId });
    return Ok(saved);
  }
}

export class ListReviewsByStatus {
  constructor(private readonly reviews: ReviewRepository) {}

  async execute(input: {
    status: ReviewStatus;
    page: number;
    limit: number;
  }): Promise<Result<ReviewPage, DomainError>> {
    return Ok(await this.reviews.listByStatus(input.status, input.page, input.limit));
  }
}

export class ModerateReview {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly ratings: RecomputeProductRatings,
    private readonly clock: Clock,
  ) {}

  execute(input: { id: string; status: 'approved' | 'rejected' }): Promise<Result<Review, DomainError>> {
    return changeReview(this.reviews, this.ratings, input.id, (review) =>
      Ok(moderateReview(review, input.status, this.clock.now())),
    );
  }
}
