import { Type } from '@fastify/type-provider-typebox';
import {
  AddToCart,
  ApplyPromoToCart,
  ClearCart,
  GetCart,
  RemoveCartItem,
  RemovePromoFromCart,
  UpdateCartItem,
} from '../../../application/cart/use-cases.js';
import { MAX_PERSONAL_NOTE_LENGTH } from '../../../domain/cart/cart.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, LongText, ObjectId, Quantity, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { CartSchema, OptionChoice, optionName, presentCart } from './presenter.js';

const tags = ['Cart'];
const CartAnswer = success({ cart: CartSchema });
const ItemParams = Type.Object({ itemId: ObjectId }, { additionalProperties: false });
const LineQuantity = Quantity();
const PersonalNote = LongText(MAX_PERSONAL_NOTE_LENGTH);

/** The server cart (compat 4.2), at /api/cart. Every route needs a token. */
export async function cartRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth } = authHooks(deps.resolve);
  const getCart = deps.resolve.get(GetCart);
  const addToCart = deps.resolve.get(AddToCart);
  const updateItem = deps.resolve.get(UpdateCartItem);
  const removeItem = deps.resolve.get(RemoveCartItem);
  const clearCart = deps.resolve.get(ClearCart);
  const applyPromo = deps.resolve.get(ApplyPromoToCart);
  const removePromo = deps.resolve.get(RemovePromoFromCart);

  app.post(
    '/apply-promo',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary:
          'Apply a promo code to the cart (case-insensitive); refused with its reason when it does not apply',
        security: bearerAuth,
        body: Type.Object(
          { code: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
        response: { 200: CartAnswer, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const view = unwrap(
        await applyPromo.execute({ userId: principalOf(request).user.id, code: request.body.code }),
      );
      return { status: 'success' as const, data: { cart: presentCart(view) } };
    },
  );

  app.delete(
    '/remove-promo',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Remove the applied promo code from the cart',
        security: bearerAuth,
        response: { 200: CartAnswer, ...errors(401) },
      },
    },
    async (request) => {
      const view = unwrap(await removePromo.execute({ userId: principalOf(request).user.id }));
      return { status: 'success' as const, data: { cart: presentCart(view) } };
    },
  );

  app.get(
    '/',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "The shopper's cart (created empty if none), re-priced from the current products",
        security: bearerAuth,
        response: { 200: CartAnswer, ...errors(401) },
      },
    },
    async (request) => {
      const view = unwrap(await getCart.execute({ userId: principalOf(request).user.id }));
      return { status: 'success' as const, data: { cart: presentCart(view) } };
    },
  );

  app.post(
    '/',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Add a product; merges into the line with the same size, vase and note',
        description:
          'size/vase are chosen by name (a string, or {name, price} whose price is ignored) from the ' +
          "product's own options; every price comes from the product.",
        security: bearerAuth,
        body: Type.Object(
          {
            productId: ObjectId,
            quantity: Type.Optional(Quantity(undefined, 1)),
            size: Type.Optional(OptionChoice),
            vase: Type.Optional(OptionChoice),
            personalNote: Type.Optional(PersonalNote),
          },
          { additionalProperties: false },
        ),
        response: { 200: CartAnswer, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const body = request.body;
      const size = optionName(body.size);
      const vase = optionName(body.vase);
      const view = unwrap(
        await addToCart.execute({
          userId: principalOf(request).user.id,
          productId: body.productId,
          quantity: body.quantity ?? 1,
          ...(size !== undefined ? { size } : {}),
          ...(vase !== undefined ? { vase } : {}),
          ...(body.personalNote !== undefined ? { personalNote: body.personalNote } : {}),
        }),
      );
      return { status: 'success' as const, data: { cart: presentCart(view) } };
    },
  );

  app.put(
    '/:itemId',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "Change a line's quantity (stock-checked) and/or personal note",
        security: bearerAuth,
        params: ItemParams,
        body: Type.Object(
          { quantity: Type.Optional(LineQuantity), personalNote: Type.Optional(PersonalNote) },
          { additionalProperties: false },
        ),
        response: { 200: CartAnswer, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { quantity, personalNote } = request.body;
      const view = unwrap(
        await updateItem.execute({
          userId: principalOf(request).user.id,
          itemId: request.params.itemId,
          ...(quantity !== undefined ? { quantity } : {}),
          ...(personalNote !== undefined ? { personalNote } : {}),
        }),
      );
      return { status: 'success' as const, data: { cart: presentCart(view) } };
    },
  );

  app.delete(
    '/:itemId',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Remove a line (an unknown line is a no-op)',
        security: bearerAuth,
        params: ItemParams,
        response: { 200: CartAnswer, ...errors(400, 401, 409) },
      },
    },
    async (request) => {
      const view = unwrap(
        await removeItem.execute({ userId: principalOf(request).user.id, itemId: request.params.itemId }),
      );
      return { status: 'success' as const, data: { cart: presentCart(view) } };
    },
  );

  app.delete(
    '/',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Empty the cart',
        security: bearerAuth,
        response: { 200: CartAnswer, ...errors(401, 409) },
      },
    },
    async (request) => {
      const view = unwrap(await clearCart.execute({ userId: principalOf(request).user.id }));
      return { status: 'success' as const, data: { cart: presentCart(view) } };
    },
  );
}
