import { Type } from '@fastify/type-provider-typebox';
import { ClearWishlist, MoveWishlistItemToCart } from '../../../application/wishlist/use-cases.js';
import { MAX_PERSONAL_NOTE_LENGTH } from '../../../domain/cart/cart.js';
import { authHooks, principalOf } from '../auth.js';
import { CartSchema, OptionChoice, optionName, presentCart } from '../cart/presenter.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IgnoredNumber, LongText, Quantity, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { registerBulkRoutes } from './bulk-routes.js';
import { registerWishlistOperations, type WishlistAnswers } from './operations.js';
import { registerShareRoutes } from './share-routes.js';
import { presentWishlist, ProductIdParams, rejectInvalid, WishlistSchema } from './presenter.js';

const tags = ['Wishlist'];
const WishlistAnswer = success({ wishlist: WishlistSchema });
const WISHLIST: WishlistAnswers = {
  key: 'wishlist',
  countOnRead: false,
  added: 'Product added to wishlist',
  alreadyPresent: 'Product already in wishlist',
  removed: 'Product removed from wishlist',
};

/** The wishlist (= the user's favorites, compat 6), at /api/wishlist. Every route needs a token. */
export async function wishlistRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth } = authHooks(deps.resolve);
  const clearWishlist = deps.resolve.get(ClearWishlist);
  const moveToCart = deps.resolve.get(MoveWishlistItemToCart);

  // Static paths under /wishlist/bulk and /wishlist/share(d): never captured by /wishlist/:productId.
  registerBulkRoutes(app, deps);
  registerShareRoutes(app, deps);

  registerWishlistOperations(app, deps, WISHLIST, {
    listPath: '/wishlist',
    itemPath: '/wishlist/:productId',
    tags,
    summaries: {
      read: 'The favorite products in insertion order (category as a plain id)',
      add: 'Add a product (no body); already present is a 200 without a duplicate',
      remove: 'Remove a product (an absent id is a no-op)',
    },
  });

  app.delete(
    '/wishlist',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Empty the wishlist',
        security: bearerAuth,
        response: { 200: WishlistAnswer, ...errors(401) },
      },
    },
    async (request) => {
      const wishlist = unwrap(await clearWishlist.execute({ userId: principalOf(request).user.id }));
      return {
        status: 'success' as const,
        message: 'Wishlist cleared',
        data: { wishlist: presentWishlist(wishlist) },
      };
    },
  );

  app.post(
    '/wishlist/:productId/move-to-cart',
    {
      preHandler: requireAuth,
      // Bad input is answered by the handler, so it too carries transactionAborted (compat 6).
      attachValidation: true,
      schema: {
        tags,
        summary: 'Move a product from the wishlist to the server cart, all or nothing',
        description:
          'Adds to the cart (merge rule and stock checks of POST /cart), then removes the id from the ' +
          'favorites; if that fails the cart is restored. `price` is the client copy and ignored. Every ' +
          'failure answers `transactionAborted: true` with wishlist and cart unchanged.',
        security: bearerAuth,
        params: ProductIdParams,
        body: Type.Object(
          {
            quantity: Type.Optional(Quantity(undefined, 1)),
            price: Type.Optional(
              Type.Union([IgnoredNumber, Type.String({ maxLength: 50 }), Type.Null()], {
                description: 'Ignored',
              }),
            ),
            size: Type.Optional(OptionChoice),
            vase: Type.Optional(OptionChoice),
            personalNote: Type.Optional(LongText(MAX_PERSONAL_NOTE_LENGTH)),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success(
            { wishlist: WishlistSchema, cart: CartSchema, transactionId: Type.String() },
            { message: Type.String() },
          ),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    async (request) => {
      rejectInvalid(request, { transactionAborted: true });
      const body = request.body ?? {};
      const size = optionName(body.size);
      const vase = optionName(body.vase);
      const r = unwrap(
        await moveToCart.execute({
          userId: principalOf(request).user.id,
          productId: request.params.productId,
          quantity: body.quantity ?? 1,
          ...(size !== undefined ? { size } : {}),
          ...(vase !== undefined ? { vase } : {}),
          ...(body.personalNote !== undefined ? { personalNote: body.personalNote } : {}),
        }),
      );
      return {
        status: 'success' as const,
        message: 'Product moved from wishlist to cart atomically',
        data: {
          wishlist: presentWishlist(r.wishlist),
          cart: presentCart(r.cart),
          transactionId: r.transactionId,
        },
      };
    },
  );
}
