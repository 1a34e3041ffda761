import { Type } from '@fastify/type-provider-typebox';
import { AddToWishlist, GetWishlist, RemoveFromWishlist } from '../../../application/wishlist/use-cases.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, success } from '../schemas.js';
import type { HttpRouteDeps } from '../server.js';
import type { App } from '../types.js';
import { presentWishlist, ProductIdParams, WishlistSchema } from './presenter.js';

const tags = ['Wishlist'];
const FavoritesAnswer = success({ favorites: WishlistSchema });

/** /api/users/favorites: the same data as /wishlist under the original's user routes. */
export async function favoritesRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth } = authHooks(deps.resolve);
  const getWishlist = deps.resolve.get(GetWishlist);
  const addToWishlist = deps.resolve.get(AddToWishlist);
  const removeFromWishlist = deps.resolve.get(RemoveFromWishlist);

  app.get(
    '/',
    {
      preHandler: requireAuth,
      config: { rateLimit: deps.limits.wishlistRead },
      schema: {
        tags,
        summary: "The user's favorite products (= the wishlist)",
        security: bearerAuth,
        response: {
          200: success({ favorites: WishlistSchema }, { count: Type.Integer() }),
          ...errors(401, 429),
        },
      },
    },
    async (request) => {
      const favorites = unwrap(await getWishlist.execute({ userId: principalOf(request).user.id }));
      return {
        status: 'success' as const,
        count: favorites.length,
        data: { favorites: presentWishlist(favorites) },
      };
    },
  );

  app.post(
    '/:productId',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Add a product to the favorites (no duplicate)',
        security: bearerAuth,
        params: ProductIdParams,
        response: { 200: FavoritesAnswer, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const r = unwrap(
        await addToWishlist.execute({
          userId: principalOf(request).user.id,
          productId: request.params.productId,
        }),
      );
      return {
        status: 'success' as const,
        message: r.added ? 'Product added to favorites' : 'Product already in favorites',
        data: { favorites: presentWishlist(r.wishlist) },
      };
    },
  );

  app.delete(
    '/:productId',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Remove a product from the favorites (an absent id is a no-op)',
        security: bearerAuth,
        params: ProductIdParams,
        response: { 200: FavoritesAnswer, ...errors(400, 401) },
      },
    },
    async (request) => {
      const r = unwrap(
        await removeFromWishlist.execute({
          userId: principalOf(request).user.id,
          productId: request.params.productId,
        }),
      );
      return {
        status: 'success' as const,
        message: 'Product removed from favorites',
        data: { favorites: presentWishlist(r.wishlist) },
      };
    },
  );
}
