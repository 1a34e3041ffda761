import { openCollection } from './open-collection.js';
import { Schema, type Connection, type Model } from 'mongoose';
import {
  REVIEW_KEYSETS,
  type ReviewPage,
  type ReviewRepository,
  type ReviewSort,
} from '../../../application/reviews/ports.js';
import { pageFrom, type CursorPage, type CursorRequest } from '../../../application/shared/cursor.js';
import { afterPosition, keysetSort } from './keyset.js';
import type { Review, ReviewStatus } from '../../../domain/reviews/review.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';

interface ReviewDocument {
  _id: string;
  productId: string;
  userId: string;
  userName: string;
  rating: number;
  title: string;
  comment: string;
  images: string[];
  status: ReviewStatus;
  isVerifiedPurchase: boolean;
  helpfulVoters: string[];
  /** Denormalized length of helpfulVoters, for the `helpful` sort. */
  helpfulCount: number;
  reporters: string[];
  reportWeight?: number;
  remoderation?: boolean;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

const REVIEW_SCHEMA = new Schema<ReviewDocument>(
  {
    _id: { type: String, required: true },
    productId: { type: String, required: true },
    userId: { type: String, required: true },
    userName: { type: String, default: '' },
    rating: { type: Number, required: true },
    title: { type: String, default: '' },
    comment: { type: String, default: '' },
    images: { type: [String], default: [] },
    status: { type: String, required: true },
    isVerifiedPurchase: { type: Boolean, default: false },
    helpfulVoters: { type: [String], default: [] },
    helpfulCount: { type: Number, default: 0 },
    reporters: { type: [String], default: [] },
    reportWeight: { type: Number, default: 0 },
    remoderation: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  { versionKey: false, collection: 'reviews', id: false, timestamps: false },
);
REVIEW_SCHEMA.index({ productId: 1, userId: 1 }, { unique: true, name: 'review_one_per_user_product' });
REVIEW_SCHEMA.index({ productId: 1, status: 1, createdAt: -1 }, { name: 'review_product_status' });
REVIEW_SCHEMA.index({ status: 1, createdAt: 1 }, { name: 'review_status' });

function reviewModel(connection: Connection): Model<ReviewDocument> {
  return (connection.models.Review ??
    connection.model('Review', REVIEW_SCHEMA)) as unknown as Model<ReviewDocument>;
}

function toDocument(r: Review): ReviewDocument {
  return {
    _id: r.id,
    productId: r.productId,
    userId: r.userId,
    userName: r.userName,
    rating: r.rating,
    title: r.title,
    comment: r.comment,
    images: [...r.images],
    status: r.status,
    isVerifiedPurchase: r.isVerifiedPurchase,
    helpfulVoters: [...r.helpfulVoters],
    helpfulCount: r.helpfulVoters.length,
    reporters: [...r.reporters],
    reportWeight: r.reportWeight,
    remoderation: r.remoderation,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    version: r.version,
  };
}

function toReview(d: ReviewDocument): Review {
  return {
    id: d._id,
    productId: d.productId,
    userId: d.userId,
    userName: d.userName ?? '',
    rating: d.rating,
    title: d.title ?? '',
    comment: d.comment ?? '',
    images: [...(d.images ?? [])],
    status: d.status,
    isVerifiedPurchase: d.isVerifiedPurchase === true,
    helpfulVoters: [...(d.helpfulVoters ?? [])],
    reporters: [...(d.reporters ?? [])],
    // documents written before weighted reports: no weight yet, never under re-moderation
    reportWeight: d.reportWeight ?? 0,
    remoderation: d.remoderation === true,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    version: d.version,
  };
}

const SORTS: Record<ReviewSort, Record<string, 1 | -1>> = {
  newest: { createdAt: -1, _id: 1 },
  helpful: { helpfulCount: -1, createdAt: -1, _id: 1 },
  rating: { rating: -1, createdAt: -1, _id: 1 },
};

/**
 * Reviews as documents of `reviews` (string `_id`, unique {productId, userId}: the insert settles
 * a duplicate). Writes are version-guarded single-document updates; on FerretDB, whose guarded
 * updates are not atomic, they run under the review's DocumentLock.
 */
export class MongoReviewRepository implements ReviewRepository {
  private readonly model: Model<ReviewDocument>;
  private readonly locks: DocumentLock;

  constructor(connection: Connection) {
    this.model = reviewModel(connection);
    this.locks = new DocumentLock(connection);
  }

  private get collection() {
    return this.model.collection;
  }

  async create(review: Review): Promise<Result<Review, DomainError>> {
    const saved = { ...review, version: 1 };
    try {
      await this.collection.insertOne(toDocument(saved) as never);
      return Ok(saved);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const sameId = await this.collection.findOne({ _id: review.id } as never);
      return sameId
        ? Err(domainError('CONFLICT', 'Review id exists', { field: 'id' }))
        : Err(domainError('CONFLICT', 'You have already reviewed this product', { field: 'user' }));
    }
  }

  async findById(id: string): Promise<Review | null> {
    const doc = await this.collection.findOne({ _id: id } as never);
    return doc ? toReview(doc as unknown as ReviewDocument) : null;
  }

  async update(review: Review): Promise<Result<Review, DomainError>> {
    return this.locks.exclusive(`reviews:${review.id}`, async () => {
      const saved = { ...review, version: review.version + 1 };
      const result = await this.collection.replaceOne(
        { _id: review.id, version: review.version } as never,
        toDocument(saved) as never,
      );
      if (result.matchedCount === 1) return Ok(saved);
      const exists = await this.collection.findOne({ _id: review.id } as never, { projection: { _id: 1 } });
      return exists
        ? Err(domainError('CONFLICT', 'The review changed meanwhile'))
        : Err(domainError('NOT_FOUND', 'Review not found'));
    });
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.collection.deleteOne({ _id: id } as never);
    return result.deletedCount === 1;
  }

  private async page(
    filter: object,
    sort: Record<string, 1 | -1>,
    page: number,
    limit: number,
  ): Promise<ReviewPage> {
    const [docs, total] = await Promise.all([
      openCollection(this.model)
        .find(filter as never)
        .sort(sort)
        .skip((page - 1) * limit)
        .limit(limit)
        .toArray(),
      this.collection.countDocuments(filter as never),
    ]);
    return { items: docs.map((d) => toReview(d as unknown as ReviewDocument)), total };
  }

  listByProduct(productId: string, status: ReviewStatus, sort: ReviewSort, page: number, limit: number) {
    return this.page({ productId, status }, SORTS[sort], page, limit);
  }

  async listByProductAfter(
    productId: string,
    status: ReviewStatus,
    sort: ReviewSort,
    request: CursorRequest,
  ): Promise<CursorPage<Review>> {
    const order = REVIEW_KEYSETS[sort];
    const filter = { productId, status };
    const [docs, total] = await Promise.all([
      openCollection(this.model)
        .find(afterPosition(filter, order, request.after) as never)
        .sort(keysetSort(order))
        .limit(request.limit + 1)
        .toArray(),
      this.collection.countDocuments(filter as never),
    ]);
    return pageFrom(
      docs.map((d) => toReview(d as unknown as ReviewDocument)),
      order,
      request.limit,
      total,
    );
  }

  async approvedRatings(productId: string): Promise<number[]> {
    const docs = await openCollection(this.model)
      .find(
        { productId, $or: [{ status: 'approved' }, { status: 'pending', remoderation: true }] } as never,
        { projection: { rating: 1 } },
      )
      .toArray();
    return docs.map((d) => d.rating as number);
  }

  listByStatus(status: ReviewStatus, page: number, limit: number): Promise<ReviewPage> {
    return this.page({ status }, { createdAt: 1, _id: 1 }, page, limit);
  }

  async modify(id: string, change: (review: Review) => Review): Promise<Review | null> {
    return this.locks.exclusive(`reviews:${id}`, async () => {
      for (;;) {
        const current = await this.findById(id);
        if (!current) return null;
        const next = change(current);
        if (next === current) return current;
        const saved = { ...next, version: current.version + 1 };
        const result = await this.collection.replaceOne(
          { _id: id, version: current.version } as never,
          toDocument(saved) as never,
        );
        if (result.matchedCount === 1) return saved;
      }
    });
  }
}
