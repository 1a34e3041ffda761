import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import type { Product } from '../../../domain/catalog/product.js';
import {
  storefrontStatus,
  type Order,
  type OrderLine,
  type OrderOption,
} from '../../../domain/ordering/order.js';
import { toMajor } from '../../../domain/shared/money.js';
import type { PaymentReference } from '../../../application/payments/index.js';
import { presentProduct, ProductSchema } from '../catalog/presenter.js';
import { IsoDate } from '../schemas.js';

/** How orders look on the wire (compat 5.5). Money in major units; unset optionals omitted. */
const OptionSchema = Type.Object({ name: Type.String(), price: Type.Number() });

const GiftSchema = Type.Object({
  recipientName: Type.Optional(Type.String()),
  recipientPhone: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  anonymous: Type.Boolean(),
});

/** A line's product as the orders list populates it (compat 5.2). */
export const PopulatedProductSchema = Type.Object({
  _id: Type.String(),
  name: Type.String(),
  images: ProductSchema.properties.images,
});

function orderItemSchema(product: TSchema) {
  return Type.Object({
    _id: Type.String(),
    product,
    name: Type.String(),
    price: Type.Number({ description: 'Unit price without options, major units' }),
    quantity: Type.Integer({ minimum: 1 }),
    size: Type.Optional(OptionSchema),
    vase: Type.Optional(OptionSchema),
    personalNote: Type.Optional(Type.String()),
    image: Type.Optional(Type.String()),
  });
}

function orderProperties(product: TSchema) {
  return {
    _id: Type.String(),
    orderNumber: Type.String(),
    user: Type.String(),
    items: Type.Array(orderItemSchema(product)),
    shippingAddress: Type.Object({
      fullName: Type.String(),
      street: Type.String(),
      city: Type.String(),
      state: Type.String(),
      zipCode: Type.String(),
      country: Type.String(),
      phone: Type.Optional(Type.String()),
    }),
    paymentInfo: Type.Object({
      method: Type.String(),
      paymentId: Type.Optional(Type.String()),
      status: Type.String(),
    }),
    paymentStatus: Type.String(),
    orderStatus: Type.String(),
    status: Type.String(),
    subtotal: Type.Number(),
    shippingFee: Type.Number(),
    tax: Type.Number(),
    discount: Type.Number(),
    total: Type.Number(),
    totalAmount: Type.Number({ description: 'Same as total' }),
    refundAmount: Type.Number(),
    paidAt: Type.Optional(IsoDate),
    refundedAt: Type.Optional(IsoDate),
    razorpayOrderId: Type.Optional(Type.String()),
    razorpayPaymentId: Type.Optional(Type.String()),
    razorpaySignature: Type.Optional(Type.String()),
    shippingMethod: Type.String(),
    estimatedDelivery: IsoDate,
    trackingNumber: Type.Optional(Type.String()),
    statusMessage: Type.Optional(Type.String()),
    notes: Type.Optional(Type.String()),
    promoCode: Type.Optional(Type.String({ description: 'The promo code that gave `discount`' })),
    deliveryDate: Type.Optional(
      Type.String({ description: "The delivery date booked at checkout, YYYY-MM-DD in the shop's timezone" }),
    ),
    deliverySlot: Type.Optional(
      Type.String({ description: 'The delivery slot booked at checkout, HH:MM-HH:MM' }),
    ),
    gift: Type.Optional(GiftSchema),
    statusHistory: Type.Array(
      Type.Object({
        status: Type.String(),
        changedBy: Type.String(),
        changedAt: IsoDate,
        note: Type.Optional(Type.String()),
      }),
    ),
    createdAt: IsoDate,
    updatedAt: IsoDate,
    __v: Type.Integer(),
  };
}

/** Order properties with `items[].product` as the plain id. */
export const OrderProperties = orderProperties(Type.String());
export const OrderSchema = Type.Object(OrderProperties);
export type OrderJson = Static<typeof OrderSchema>;

/** An order whose `items[].product` is `{_id, name, images}` when the product still exists, else its id. */
export const PopulatedOrderSchema = Type.Object(
  orderProperties(Type.Union([PopulatedProductSchema, Type.String()])),
);
export type PopulatedOrderJson = Static<typeof PopulatedOrderSchema>;

function presentOption(o: OrderOption) {
  return { name: o.name, price: toMajor(o.price) };
}

function presentLine<P>(line: OrderLine, product: P) {
  return {
    _id: line.id,
    product,
    name: line.name,
    price: toMajor(line.unitPrice),
    quantity: line.quantity,
    ...(line.size !== undefined ? { size: presentOption(line.size) } : {}),
    ...(line.vase !== undefined ? { vase: presentOption(line.vase) } : {}),
    ...(line.personalNote !== undefined ? { personalNote: line.personalNote } : {}),
    ...(line.image !== undefined ? { image: line.image } : {}),
  };
}

/**
 * `ref`: the storefront gateway's ids of the order (compat 5.5), from its payment records
 * (PaymentReferences): the order itself holds none. Absent: the answer has none.
 */
function presentBase(o: Order, ref: PaymentReference) {
  const a = o.shippingAddress;
  return {
    _id: o.id,
    orderNumber: o.orderNumber,
    user: o.userId,
    shippingAddress: {
      fullName: a.fullName,
      street: a.street,
      city: a.city,
      state: a.state,
      zipCode: a.zipCode,
      country: a.country,
      ...(a.phone !== undefined ? { phone: a.phone } : {}),
    },
    // The storefront's duplicates, derived: `paymentInfo.status` is `paymentStatus`, `orderStatus`
    // comes from `storefrontStatus` (the aggregate holds one status of each kind).
    paymentInfo: {
      method: o.paymentInfo.method,
      ...(o.paymentInfo.paymentId !== undefined ? { paymentId: o.paymentInfo.paymentId } : {}),
      status: o.paymentStatus,
    },
    paymentStatus: o.paymentStatus,
    orderStatus: storefrontStatus(o),
    status: o.status,
    subtotal: toMajor(o.subtotal),
    shippingFee: toMajor(o.shippingFee),
    tax: toMajor(o.tax),
    discount: toMajor(o.discount),
    total: toMajor(o.total),
    totalAmount: toMajor(o.total),
    refundAmount: toMajor(o.refundAmount ?? 0),
    ...(o.paidAt !== undefined ? { paidAt: o.paidAt.toISOString() } : {}),
    ...(o.refundedAt !== undefined ? { refundedAt: o.refundedAt.toISOString() } : {}),
    ...(ref.razorpayOrderId !== undefined ? { razorpayOrderId: ref.razorpayOrderId } : {}),
    ...(ref.razorpayPaymentId !== undefined ? { razorpayPaymentId: ref.razorpayPaymentId } : {}),
    ...(ref.razorpaySignature !== undefined ? { razorpaySignature: ref.razorpaySignature } : {}),
    shippingMethod: o.shippingMethod,
    estimatedDelivery: o.estimatedDelivery.toISOString(),
    ...(o.trackingNumber !== undefined ? { trackingNumber: o.trackingNumber } : {}),
    ...(o.statusMessage !== undefined ? { statusMessage: o.statusMessage } : {}),
    ...(o.notes !== undefined ? { notes: o.notes } : {}),
    ...(o.promoCode !== undefined ? { promoCode: o.promoCode } : {}),
    ...(o.delivery !== undefined ? { deliveryDate: o.delivery.date, deliverySlot: o.delivery.slot } : {}),
    ...(o.gift !== undefined ? { gift: { ...o.gift } } : {}),
    statusHistory: o.statusHistory.map((h) => ({
      status: h.status,
      changedBy: h.changedBy,
      changedAt: h.changedAt.toISOString(),
      ...(h.note !== undefined ? { note: h.note } : {}),
    })),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    __v: o.version,
  };
}

export function presentOrder(o: Order, ref: PaymentReference = {}): OrderJson {
  return { ...presentBase(o, ref), items: o.items.map((l) => presentLine(l, l.productId)) };
}

/** `items[].product` populated with `{_id, name, images}` from `products` (compat 5.2). */
export function presentPopulatedOrder(
  o: Order,
  products: ReadonlyMap<string, Product>,
  ref: PaymentReference = {},
): PopulatedOrderJson {
  return {
    ...presentBase(o, ref),
    items: o.items.map((l) => {
      const p = products.get(l.productId);
      return presentLine(l, p ? { _id: p.id, name: p.name, images: presentProduct(p).images } : l.productId);
    }),
  };
}

/** The dual shape of compat 5.1/5.3: the order's fields at the top of `data` plus `data.order`. */
export function dualOrderData(o: Order, ref: PaymentReference = {}) {
  const json = presentOrder(o, ref);
  return { ...json, order: json };
}
