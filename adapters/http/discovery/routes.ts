import {
  GetRecommendations,
  GetRelatedProducts,
  GetTrendingProducts,
} from '../../../application/discovery/use-cases.js';
import { authHooks } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { parseFields } from '../catalog/field-selection.js';
import {
  limitOf,
  listAnswer,
  ProductListAnswer,
  productListFields,
  ShortListQuery,
} from '../catalog/wire.js';

/**
 * Related, trending and recommended products under /api/products. Registered before the catalog
 * routes so the fixed paths sit before /products/:id (find-my-way prefers static segments anyway).
 */
export async function discoveryRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { optionalAuth } = authHooks(deps.resolve);
  const related = deps.resolve.get(GetRelatedProducts);
  const trending = deps.resolve.get(GetTrendingProducts);
  const recommendations = deps.resolve.get(GetRecommendations);
  const tags = ['products'];

  app.get(
    '/products/trending',
    {
      schema: {
        tags,
        summary: 'Trending: units ordered and product views over 14 days, half-life 3 days (default 8)',
        querystring: ShortListQuery,
        response: { 200: ProductListAnswer, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const selection = parseFields(request.query.fields);
      const views = unwrap(await trending.execute(limitOf(request.query)));
      productListFields.use(reply, selection);
      return listAnswer(views, selection);
    },
  );

  app.get(
    '/products/recommendations',
    {
      preHandler: optionalAuth,
      schema: {
        tags,
        summary:
          "For the caller: the model's neighbours of their favorites and orders with their occasions and budget, minus recently bought; anonymous or new: popular",
        security: [...bearerAuth, {}],
        querystring: ShortListQuery,
        response: { 200: ProductListAnswer, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const selection = parseFields(request.query.fields);
      const user = request.principal?.user;
      const views = unwrap(
        await recommendations.execute({
          ...limitOf(request.query),
          ...(user ? { userId: user.id, taste: user.preferences } : {}),
        }),
      );
      productListFields.use(reply, selection);
      return listAnswer(views, selection);
    },
  );

  app.get(
    '/products/:id/related',
    {
      schema: {
        tags,
        summary:
          "Related: the model's neighbours, topped up by same category / occasion / flower type / colour (default 8)",
        params: IdParams,
        querystring: ShortListQuery,
        response: { 200: ProductListAnswer, ...errors(400, 404, 429) },
      },
    },
    async (request, reply) => {
      const selection = parseFields(request.query.fields);
      const views = unwrap(await related.execute({ id: request.params.id, ...limitOf(request.query) }));
      productListFields.use(reply, selection);
      return listAnswer(views, selection);
    },
  );
}
