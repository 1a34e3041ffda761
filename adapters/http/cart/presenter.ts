import { Type, type Static } from '@fastify/type-provider-typebox';
import type { CartView } from '../../../application/cart/cart-store.js';
import type { ChosenOption } from '../../../domain/cart/cart.js';
import { toMajor } from '../../../domain/shared/money.js';
import { presentProduct, ProductSchema } from '../catalog/presenter.js';
import { IgnoredNumber, IsoDate, Text } from '../schemas.js';

/** The server cart on the wire (compat 4.2): money in major units, products populated. */
const ChosenOptionSchema = Type.Object({ name: Type.String(), price: Type.Number() });

export const CartItemSchema = Type.Object({
  _id: Type.String(),
  product: ProductSchema,
  quantity: Type.Integer({ minimum: 1 }),
  size: Type.Optional(ChosenOptionSchema),
  vase: Type.Optional(ChosenOptionSchema),
  personalNote: Type.Optional(Type.String()),
  price: Type.Number({ description: "The product's unit price (major units), without add-ons" }),
});

export const CartSchema = Type.Object({
  _id: Type.String(),
  user: Type.String(),
  items: Type.Array(CartItemSchema),
  subtotal: Type.Number({ description: 'Sum of (price + size.price + vase.price) * quantity, major units' }),
  promoCode: Type.Optional(Type.String({ description: 'The applied promo code (uppercase)' })),
  discount: Type.Number({
    description: "The applied code's discount on the items, major units (0 when none)",
  }),
  freeShipping: Type.Optional(
    Type.Boolean({ description: 'A valid shipping code: the order waives its shipping fee' }),
  ),
  promoValid: Type.Optional(Type.Boolean()),
  promoError: Type.Optional(
    Type.Object(
      { code: Type.String(), message: Type.String() },
      { description: 'Why the applied code gives no discount now' },
    ),
  ),
  total: Type.Number({ description: 'subtotal - discount, major units' }),
  createdAt: IsoDate,
  updatedAt: IsoDate,
  __v: Type.Integer(),
});
export type CartJson = Static<typeof CartSchema>;

function presentOption(o: ChosenOption) {
  return { name: o.name, price: toMajor(o.price) };
}

export function presentCart(view: CartView): CartJson {
  const { cart } = view;
  const items: CartJson['items'] = [];
  for (const item of cart.items) {
    const product = view.products.get(item.productId);
    if (!product) continue; // never happens: re-pricing drops lines whose product is gone
    items.push({
      _id: item.id,
      product: presentProduct(product),
      quantity: item.quantity,
      ...(item.size ? { size: presentOption(item.size) } : {}),
      ...(item.vase ? { vase: presentOption(item.vase) } : {}),
      ...(item.personalNote !== undefined ? { personalNote: item.personalNote } : {}),
      price: toMajor(item.unitPrice),
    });
  }
  return {
    _id: cart.id,
    user: cart.userId,
    items,
    subtotal: toMajor(view.subtotal),
    ...(view.promo
      ? {
          promoCode: view.promo.code,
          promoValid: view.promo.valid,
          ...(view.promo.freeShipping ? { freeShipping: true } : {}),
          ...(view.promo.reason
            ? { promoError: { code: view.promo.reason.code, message: view.promo.reason.message } }
            : {}),
        }
      : {}),
    discount: toMajor(view.promo?.discount ?? 0),
    total: toMajor(view.total),
    createdAt: cart.createdAt.toISOString(),
    updatedAt: cart.updatedAt.toISOString(),
    __v: cart.version,
  };
}

/**
 * A size or vase in a request: the option's name, or an object whose `name` is used (its `price`
 * is a client copy and ignored: prices come from the product).
 */
export const OptionChoice = Type.Union([
  Text(100, { minLength: 1 }),
  Type.Object(
    { name: Text(100, { minLength: 1 }), price: Type.Optional(IgnoredNumber) },
    { additionalProperties: false },
  ),
]);

export function optionName(choice: string | { name: string } | undefined): string | undefined {
  if (choice === undefined) return undefined;
  return typeof choice === 'string' ? choice : choice.name;
}
