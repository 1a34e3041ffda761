import { Type } from '@fastify/type-provider-typebox';
import { helpfulVotes, reportedCount, REVIEW_LIMITS, type Review } from '../../../domain/reviews/review.js';
import { ImageUrl, IsoDate, LongText, Text } from '../schemas.js';

export const ReviewSchema = Type.Object({
  _id: Type.String(),
  product: Type.String(),
  user: Type.Object({ _id: Type.String(), fullName: Type.String() }),
  rating: Type.Integer(),
  title: Type.String(),
  comment: Type.String(),
  images: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
  isVerifiedPurchase: Type.Boolean(),
  helpfulVotes: Type.Integer(),
  reportedCount: Type.Integer(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});

export function presentReview(r: Review) {
  return {
    _id: r.id,
    product: r.productId,
    user: { _id: r.userId, fullName: r.userName },
    rating: r.rating,
    title: r.title,
    comment: r.comment,
    images: [...r.images],
    status: r.status,
    isVerifiedPurchase: r.isVerifiedPurchase,
    helpfulVotes: helpfulVotes(r),
    reportedCount: reportedCount(r),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export const PaginationSchema = Type.Object({
  page: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer(),
  pages: Type.Integer(),
});

const ReviewImage = ImageUrl();

export const ReviewCreateBody = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    title: Type.Optional(Text(REVIEW_LIMITS.titleMax)),
    comment: LongText(REVIEW_LIMITS.commentMax, { minLength: 1 }),
    images: Type.Optional(Type.Array(ReviewImage, { maxItems: REVIEW_LIMITS.imagesMax })),
  },
  { additionalProperties: false },
);

export const ReviewUpdateBody = Type.Object(
  {
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    title: Type.Optional(Text(REVIEW_LIMITS.titleMax)),
    comment: Type.Optional(LongText(REVIEW_LIMITS.commentMax, { minLength: 1 })),
    images: Type.Optional(Type.Array(ReviewImage, { maxItems: REVIEW_LIMITS.imagesMax })),
  },
  { additionalProperties: false, minProperties: 1 },
);
