import { Type } from '@fastify/type-provider-typebox';
import { ListReviewsByStatus, ModerateReview } from '../../../application/reviews/use-cases.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, PageSize, pageWithDefault, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { PaginationSchema, presentReview, ReviewSchema } from './presenter.js';

/** Review moderation under /api/admin/reviews (inside the admin scope: guarded and audited). */
export async function adminReviewRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const listByStatus = deps.resolve.get(ListReviewsByStatus);
  const moderate = deps.resolve.get(ModerateReview);
  const tags = ['admin', 'reviews'];

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Reviews by status (default pending), oldest first',
        security: bearerAuth,
        querystring: Type.Object(
          {
            status: Type.Union(
              [Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')],
              {
                default: 'pending',
              },
            ),
            page: pageWithDefault(),
            limit: PageSize(100, 20),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success({ reviews: Type.Array(ReviewSchema), pagination: PaginationSchema }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const { status, page, limit } = request.query;
      const answer = unwrap(await listByStatus.execute({ status, page, limit }));
      return {
        status: 'success' as const,
        data: {
          reviews: answer.items.map(presentReview),
          pagination: { page, limit, total: answer.total, pages: Math.ceil(answer.total / limit) },
        },
      };
    },
  );

  app.put(
    '/:id/status',
    {
      schema: {
        tags,
        summary: 'Approve or reject a review (the product ratings follow approved reviews)',
        security: bearerAuth,
        params: IdParams,
        body: Type.Object(
          { status: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]) },
          { additionalProperties: false },
        ),
        response: { 200: success({ review: ReviewSchema }), ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const review = unwrap(await moderate.execute({ id: request.params.id, status: request.body.status }));
      return {
        status: 'success' as const,
        message: `Review ${review.status}`,
        data: { review: presentReview(review) },
      };
    },
  );
}
