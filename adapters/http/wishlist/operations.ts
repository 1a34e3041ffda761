import { Type } from '@fastify/type-provider-typebox';
import { AddToWishlist, GetWishlist, RemoveFromWishlist } from '../../../application/wishlist/use-cases.js';
import type { Product } from '../../../domain/catalog/product.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { atMount, type RouteMount } from '../route-mount.js';
import { errors, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { presentWishlist, ProductIdParams, WishlistSchema } from './presenter.js';

/**
 * The wishlist operations served twice: /api/wishlist answers `data.wishlist`, its alias
 * /api/users/favorites answers `data.favorites` (and counts them on a read), each with its own
 * messages.
 */
export interface WishlistAnswers {
  /** The key of the products in `data`. */
  readonly key: 'wishlist' | 'favorites';
  /** Whether the read answers a top-level `count`. */
  readonly countOnRead: boolean;
  readonly added: string;
  readonly alreadyPresent: string;
  readonly removed: string;
}

/** `{status:'success', message?, data:{[key]: products}}`: the answer schema of a change. */
function changeAnswer(answers: WishlistAnswers) {
  return success({ [answers.key]: WishlistSchema });
}

/** The favorite products in insertion order (category as a plain id). */
function registerGetWishlist(
  app: App,
  getWishlist: GetWishlist,
  answers: WishlistAnswers,
  mount: RouteMount,
): void {
  app.get(
    mount.path,
    atMount(mount, {
      response: {
        200: success({ [answers.key]: WishlistSchema }, answers.countOnRead ? { count: Type.Integer() } : {}),
        ...errors(401, 429),
      },
    }),
    async (request) => {
      const products = unwrap(await getWishlist.execute({ userId: principalOf(request).user.id }));
      return {
        status: 'success' as const,
        ...(answers.countOnRead ? { count: products.length } : {}),
        data: { [answers.key]: presentWishlist(products) },
      };
    },
  );
}

/** The answer of a change: the message, then the wishlist's products under the mount's key. */
function answer(answers: WishlistAnswers, message: string, products: readonly Product[]) {
  return { status: 'success' as const, message, data: { [answers.key]: presentWishlist(products) } };
}

/** Adds a product (no body); already present is a 200 without a duplicate. */
function registerAddToWishlist(
  app: App,
  addToWishlist: AddToWishlist,
  answers: WishlistAnswers,
  mount: RouteMount,
): void {
  app.post(
    mount.path,
    atMount(mount, {
      params: ProductIdParams,
      response: { 200: changeAnswer(answers), ...errors(400, 401, 404) },
    }),
    async (request) => {
      const userId = principalOf(request).user.id;
      const r = unwrap(await addToWishlist.execute({ userId, productId: request.params.productId }));
      return answer(answers, r.added ? answers.added : answers.alreadyPresent, r.wishlist);
    },
  );
}

/** Removes a product; an absent id is a no-op. */
function registerRemoveFromWishlist(
  app: App,
  removeFromWishlist: RemoveFromWishlist,
  answers: WishlistAnswers,
  mount: RouteMount,
): void {
  app.delete(
    mount.path,
    atMount(mount, {
      params: ProductIdParams,
      response: { 200: changeAnswer(answers), ...errors(400, 401) },
    }),
    async (request) => {
      const userId = principalOf(request).user.id;
      const r = unwrap(await removeFromWishlist.execute({ userId, productId: request.params.productId }));
      return answer(answers, answers.removed, r.wishlist);
    },
  );
}

/** Where a wishlist's operations are served: the paths, their tags and their summaries. */
export interface WishlistMounts {
  readonly listPath: string;
  readonly itemPath: string;
  readonly tags: string[];
  readonly summaries: { readonly read: string; readonly add: string; readonly remove: string };
}

/**
 * Read, add and remove, each behind `requireAuth`. The read is polled ~100-200 times/s per open
 * tab (compat 13): it has its own rate-limit budget, so it never starves other routes.
 */
export function registerWishlistOperations(
  app: App,
  deps: HttpRouteDeps,
  answers: WishlistAnswers,
  at: WishlistMounts,
): void {
  const { requireAuth } = authHooks(deps.resolve);
  const mount = (path: string, summary: string): RouteMount => ({
    path,
    tags: at.tags,
    summary,
    preHandler: requireAuth,
  });
  registerGetWishlist(app, deps.resolve.get(GetWishlist), answers, {
    ...mount(at.listPath, at.summaries.read),
    config: { rateLimit: deps.limits.wishlistRead },
  });
  registerAddToWishlist(app, deps.resolve.get(AddToWishlist), answers, mount(at.itemPath, at.summaries.add));
  registerRemoveFromWishlist(
    app,
    deps.resolve.get(RemoveFromWishlist),
    answers,
    mount(at.itemPath, at.summaries.remove),
  );
}
