import type { App, HttpRouteDeps } from '../types.js';
import { registerWishlistOperations, type WishlistAnswers } from './operations.js';

const FAVORITES: WishlistAnswers = {
  key: 'favorites',
  countOnRead: true,
  added: 'Product added to favorites',
  alreadyPresent: 'Product already in favorites',
  removed: 'Product removed from favorites',
};

/** /api/users/favorites: the same data as /wishlist under the original's user routes. */
export async function favoritesRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  registerWishlistOperations(app, deps, FAVORITES, {
    listPath: '/',
    itemPath: '/:productId',
    tags: ['Wishlist'],
    summaries: {
      read: "The user's favorite products (= the wishlist)",
      add: 'Add a product to the favorites (no duplicate)',
      remove: 'Remove a product from the favorites (an absent id is a no-op)',
    },
  });
}
