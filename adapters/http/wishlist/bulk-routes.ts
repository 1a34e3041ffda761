import { Type } from '@fastify/type-provider-typebox';
import {
  BulkAddToWishlist,
  BulkMoveToCart,
  GetBulkOperation,
  RunBulkOperation,
  type BulkLineOptions,
  type BulkOperationView,
} from '../../../application/wishlist/bulk.js';
import { GetWishlist } from '../../../application/wishlist/use-cases.js';
import { authHooks, principalOf } from '../auth.js';
import { CartSchema, OptionChoice, optionName, presentCart } from '../cart/presenter.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IsoDate, ObjectId, Quantity, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { presentWishlist, WishlistSchema } from './presenter.js';

const tags = ['Wishlist'];
/** The most product ids one bulk request may name. */
export const MAX_BULK_IDS = 100;

const ProductIds = Type.Array(ObjectId, {
  minItems: 1,
  maxItems: MAX_BULK_IDS,
  description: `1 to ${MAX_BULK_IDS} product ids; duplicates count once`,
});
const IdsBody = Type.Object({ productIds: ProductIds }, { additionalProperties: false });
const LineOptions = Type.Object(
  { quantity: Type.Optional(Quantity(undefined, 1)), size: Type.Optional(OptionChoice) },
  { additionalProperties: false, description: 'Applied to every product (quantity defaults to 1)' },
);
const MoveBody = Type.Object(
  { productIds: ProductIds, options: Type.Optional(LineOptions) },
  { additionalProperties: false },
);
const OperationBody = Type.Object(
  {
    action: Type.Union([Type.Literal('move-to-cart'), Type.Literal('remove')]),
    productIds: ProductIds,
    options: Type.Optional(LineOptions),
  },
  { additionalProperties: false },
);
const Failure = Type.Object({ id: Type.String(), code: Type.String(), reason: Type.String() });
const Progress = Type.Object({
  completed: Type.Integer({ description: 'Products that went through (failures not counted)' }),
  total: Type.Integer(),
  percentage: Type.Integer({ description: 'completed / total, rounded (2 of 3 = 67)' }),
});
/** The seed's answer: exactly these four fields. */
const OperationFields = {
  operationId: Type.String(),
  successful: Type.Array(Type.String()),
  failed: Type.Array(Failure),
  progress: Progress,
};

function lineOptions(
  options: { quantity?: number; size?: string | { name: string } } | undefined,
): BulkLineOptions {
  const size = optionName(options?.size);
  return { quantity: options?.quantity ?? 1, ...(size !== undefined ? { size } : {}) };
}

function operationFields(view: BulkOperationView) {
  return {
    operationId: view.operationId,
    successful: [...view.successful],
    failed: view.failed.map((f) => ({ ...f })),
    progress: view.progress,
  };
}

/**
 * /api/wishlist/bulk/...: registered as static paths, so `/wishlist/:productId` never captures them
 * (test/http/wishlist/bulk-routes.test.ts checks it, /api/api included).
 */
export function registerBulkRoutes(app: App, deps: HttpRouteDeps): void {
  const { requireAuth } = authHooks(deps.resolve);
  const bulkAdd = deps.resolve.get(BulkAddToWishlist);
  const bulkMove = deps.resolve.get(BulkMoveToCart);
  const run = deps.resolve.get(RunBulkOperation);
  const getOperation = deps.resolve.get(GetBulkOperation);
  const getWishlist = deps.resolve.get(GetWishlist);

  app.post(
    '/wishlist/bulk/add',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Add several products to the wishlist',
        description:
          'Adds the existing, available products in one atomic update (already present ones are listed ' +
          'in `alreadyPresent`); unknown or unavailable ones are listed in `refused` with their reason.',
        security: bearerAuth,
        body: IdsBody,
        response: {
          200: success({
            wishlist: WishlistSchema,
            added: Type.Array(Type.String()),
            alreadyPresent: Type.Array(Type.String()),
            refused: Type.Array(Failure),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      const userId = principalOf(request).user.id;
      const r = unwrap(await bulkAdd.execute({ userId, productIds: request.body.productIds }));
      return {
        status: 'success' as const,
        message: `${r.added.length} product(s) added to wishlist`,
        data: {
          wishlist: presentWishlist(r.wishlist),
          added: [...r.added],
          alreadyPresent: [...r.alreadyPresent],
          refused: r.refused.map((f) => ({ ...f })),
        },
      };
    },
  );

  app.delete(
    '/wishlist/bulk/remove',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Remove several products from the wishlist, as a recorded bulk operation',
        description:
          'One atomic wishlist update; the outcome is recorded like POST /wishlist/bulk/operations ' +
          '(ids not on the wishlist are `failed`), readable at GET /wishlist/bulk/operations/:id for 24 h.',
        security: bearerAuth,
        body: IdsBody,
        response: {
          200: success({ ...OperationFields, wishlist: WishlistSchema }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      const userId = principalOf(request).user.id;
      const r = unwrap(await run.execute({ userId, action: 'remove', productIds: request.body.productIds }));
      const wishlist = unwrap(await getWishlist.execute({ userId }));
      return {
        status: 'success' as const,
        message: `${r.successful.length} product(s) removed from wishlist`,
        data: { ...operationFields(r), wishlist: presentWishlist(wishlist) },
      };
    },
  );

  app.post(
    '/wishlist/bulk/move-to-cart',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Move several products from the wishlist to the cart, all or nothing',
        description:
          'Every product must exist, be on the wishlist, be available with stock for the quantity (and ' +
          'offer the size); otherwise nothing changes and 409 BULK_MOVE_REFUSED lists each failing id in ' +
          '`failed` with its reason. A product already in the cart keeps its line as it is, so repeating ' +
          'the request never doubles a line.',
        security: bearerAuth,
        body: MoveBody,
        response: {
          200: success({ moved: Type.Array(Type.String()), wishlist: WishlistSchema, cart: CartSchema }),
          ...errors(400, 401, 409),
        },
      },
    },
    async (request) => {
      const userId = principalOf(request).user.id;
      const r = unwrap(
        await bulkMove.execute({
          userId,
          productIds: request.body.productIds,
          options: lineOptions(request.body.options),
        }),
      );
      return {
        status: 'success' as const,
        message: `${r.moved.length} product(s) moved from wishlist to cart`,
        data: { moved: [...r.moved], wishlist: presentWishlist(r.wishlist), cart: presentCart(r.cart) },
      };
    },
  );

  app.post(
    '/wishlist/bulk/operations',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Run a bulk move-to-cart or remove, product by product, with progress',
        description:
          'Partial success: each product moves (or is removed) on its own; those that cannot are listed ' +
          'in `failed` with their reason. Progress is recorded as it goes and readable at ' +
          'GET /wishlist/bulk/operations/:id for 24 h.',
        security: bearerAuth,
        body: OperationBody,
        response: { 200: success(OperationFields), ...errors(400, 401) },
      },
    },
    async (request) => {
      const userId = principalOf(request).user.id;
      const { action, productIds, options } = request.body;
      const r = unwrap(await run.execute({ userId, action, productIds, options: lineOptions(options) }));
      return { status: 'success' as const, data: operationFields(r) };
    },
  );

  app.get(
    '/wishlist/bulk/operations/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Progress of a bulk operation (running or finished; the owner only)',
        security: bearerAuth,
        params: Type.Object(
          { id: Type.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: success({
            ...OperationFields,
            action: Type.Union([Type.Literal('move-to-cart'), Type.Literal('remove')]),
            status: Type.Union([Type.Literal('running'), Type.Literal('completed')]),
            processed: Type.Integer({ description: 'Products handled so far, successful or failed' }),
            createdAt: IsoDate,
            expiresAt: IsoDate,
          }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      const userId = principalOf(request).user.id;
      const r = unwrap(await getOperation.execute({ userId, operationId: request.params.id }));
      return {
        status: 'success' as const,
        data: {
          ...operationFields(r),
          action: r.action,
          status: r.status,
          processed: r.processed,
          createdAt: r.createdAt.toISOString(),
          expiresAt: r.expiresAt.toISOString(),
        },
      };
    },
  );
}
