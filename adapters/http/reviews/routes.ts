import { Type } from '@fastify/type-provider-typebox';
import {
  CreateReview,
  DeleteReview,
  ListProductReviews,
  ReportReview,
  UpdateReview,
  VoteReviewHelpful,
} from '../../../application/reviews/use-cases.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, PageNumber, PageSize, success } from '../schemas.js';
import { CursorQueryProps, NextCursorProps, nextCursorOf } from '../cursor.js';
import type { App, HttpRouteDeps } from '../types.js';
import {
  PaginationSchema,
  presentReview,
  ReviewCreateBody,
  ReviewSchema,
  ReviewUpdateBody,
} from './presenter.js';

const ReviewListQuery = Type.Object(
  {
    page: Type.Optional(PageNumber),
    limit: PageSize(50, 10),
    sort: Type.Union([Type.Literal('newest'), Type.Literal('helpful'), Type.Literal('rating')], {
      default: 'newest',
    }),
    ...CursorQueryProps,
  },
  { additionalProperties: false },
);

const Distribution = Type.Object({
  1: Type.Integer(),
  2: Type.Integer(),
  3: Type.Integer(),
  4: Type.Integer(),
  5: Type.Integer(),
});

const oneReview = success({ review: ReviewSchema });

/** Reviews under /api: /products/:id/reviews and /reviews/:id (compat-free, issue 5). */
export async function reviewRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth } = authHooks(deps.resolve);
  const create = deps.resolve.get(CreateReview);
  const list = deps.resolve.get(ListProductReviews);
  const update = deps.resolve.get(UpdateReview);
  const remove = deps.resolve.get(DeleteReview);
  const helpful = deps.resolve.get(VoteReviewHelpful);
  const report = deps.resolve.get(ReportReview);
  const tags = ['reviews'];

  app.post(
    '/products/:id/reviews',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Review a product (one per user; starts pending moderation)',
        security: bearerAuth,
        params: IdParams,
        body: ReviewCreateBody,
        response: { 201: oneReview, ...errors(400, 401, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const b = request.body;
      const review = unwrap(
        await create.execute({
          productId: request.params.id,
          userId: user.id,
          userName: user.fullName,
          rating: b.rating,
          title: b.title ?? '',
          comment: b.comment,
          images: b.images ?? [],
        }),
      );
      reply.status(201);
      return {
        status: 'success' as const,
        message: 'Review submitted for moderation',
        data: { review: presentReview(review) },
      };
    },
  );

  app.get(
    '/products/:id/reviews',
    {
      schema: {
        tags,
        summary: 'Approved reviews of a product, paginated, with the rating distribution and average',
        description:
          'Paged by page/limit, or by cursor (empty first, then nextCursor; bound to the product and sort).',
        params: IdParams,
        querystring: ReviewListQuery,
        response: {
          200: success({
            reviews: Type.Array(ReviewSchema),
            pagination: PaginationSchema,
            summary: Type.Object({
              average: Type.Number(),
              count: Type.Integer(),
              distribution: Distribution,
            }),
            ...NextCursorProps,
          }),
          ...errors(400, 404, 429),
        },
      },
    },
    async (request) => {
      const { page, limit, sort, cursor } = request.query;
      const answer = unwrap(
        await list.execute({
          productId: request.params.id,
          ...(page !== undefined ? { page } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
          limit,
          sort,
        }),
      );
      return {
        status: 'success' as const,
        data: {
          reviews: answer.items.map(presentReview),
          pagination: {
            page: answer.page,
            limit,
            total: answer.total,
            pages: Math.ceil(answer.total / limit),
          },
          summary: {
            average: answer.summary.average,
            count: answer.summary.count,
            distribution: { ...answer.summary.distribution },
          },
          ...nextCursorOf(answer),
        },
      };
    },
  );

  app.put(
    '/reviews/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Edit my review (goes back to pending moderation)',
        security: bearerAuth,
        params: IdParams,
        body: ReviewUpdateBody,
        response: { 200: oneReview, ...errors(400, 401, 404, 409, 429) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const review = unwrap(
        await update.execute({ id: request.params.id, userId: user.id, patch: request.body }),
      );
      return {
        status: 'success' as const,
        message: 'Review updated',
        data: { review: presentReview(review) },
      };
    },
  );

  app.delete(
    '/reviews/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Delete a review (its author or an admin)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: success({}), ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      unwrap(
        await remove.execute({ id: request.params.id, userId: user.id, isAdmin: user.role === 'admin' }),
      );
      return { status: 'success' as const, message: 'Review deleted', data: {} };
    },
  );

  const counts = success({ review: ReviewSchema });
  app.post(
    '/reviews/:id/helpful',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Mark an approved review helpful (one vote per user; repeating is a no-op)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: counts, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const review = unwrap(await helpful.execute({ id: request.params.id, userId: user.id }));
      return { status: 'success' as const, data: { review: presentReview(review) } };
    },
  );

  app.post(
    '/reviews/:id/report',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Report an approved review (one per user; enough reports send it back to moderation)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: counts, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const review = unwrap(await report.execute({ id: request.params.id, userId: user.id }));
      return {
        status: 'success' as const,
        message: 'Review reported',
        data: { review: presentReview(review) },
      };
    },
  );
}
