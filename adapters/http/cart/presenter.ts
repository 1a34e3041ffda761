import { Type, type Static } from '@fastify/type-provider-typebox';
import type { CartView } from '../../../application/cart/cart-store.js';
import type { ChosenOption } from '../../../domain/cart/cart.js';
import { toMajor } from '../../../domain/shared/money.js';
import { presentProduct, ProductSchema } from '../catalog/presenter.js';
import { IsoDate } from '../schemas.js';

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
  total: Type.Number({ description: 'Equals subtotal (no promotions yet), major units' }),
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
  Type.String({ minLength: 1, maxLength: 100 }),
  Type.Object(
    { name: Type.String({ minLength: 1, maxLength: 100 }), price: Type.Optional(Type.Number()) },
    { additionalProperties: false },
  ),
]);

export function optionName(choice: string | { name: string } | undefined): string | undefined {
  if (choice === undefined) return undefined;
  return typeof choice === 'string' ? choice : choice.name;
}
