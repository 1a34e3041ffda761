import { Type, type Static } from '@fastify/type-provider-typebox';
import { ORDER_STATUSES } from '../../../domain/ordering/status.js';
import { PAYMENT_METHODS } from '../../../domain/ordering/status.js';
import { SHIPPING_METHODS } from '../../../domain/ordering/pricing.js';
import { GIFT_MESSAGE_MAX_LENGTH } from '../../../domain/shared/text.js';
import type { DeliveryAction } from '../../../domain/ordering/delivery-progress.js';
import { DATE_PATTERN, SLOT_ID_PATTERN } from '../../../domain/delivery/slots.js';
import type { AnalyticsPeriod } from '../../../application/ordering/sales-analytics.js';
import { CursorQueryProps } from '../cursor.js';
import {
  IgnoredNumber,
  ImageUrl,
  LongText,
  ObjectId,
  PageSize,
  PageNumber,
  Quantity,
  Text,
} from '../schemas.js';
import { OrderProperties, OrderSchema } from './presenter.js';

const nonBlank = (maxLength: number) => Text(maxLength, { minLength: 1, pattern: '\\S' });

/** A size or vase: its name, or `{name, price?}` (any client price is ignored). */
const OptionInput = Type.Union([
  Text(100),
  Type.Object({ name: Text(100), price: Type.Optional(IgnoredNumber) }, { additionalProperties: false }),
]);

/**
 * What the checkout sends per line (compat 5.1): `product` is the catalog id when the local cart
 * line has one; lines without it are ordered from the server cart (compat 13). `price`, `name`,
 * `image`, `productId` are accepted and ignored.
 */
export const OrderItemInput = Type.Object(
  {
    product: Type.Optional(ObjectId),
    productId: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), IgnoredNumber])),
    quantity: Quantity(1000),
    size: Type.Optional(OptionInput),
    vase: Type.Optional(OptionInput),
    personalNote: Type.Optional(LongText(500)),
    price: Type.Optional(IgnoredNumber),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    image: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const ShippingAddressInput = Type.Object(
  {
    fullName: nonBlank(100),
    street: LongText(200, { minLength: 1, pattern: '\\S' }),
    city: nonBlank(100),
    state: nonBlank(100),
    zipCode: nonBlank(20),
    country: Type.Optional(Text(100)),
    phone: Type.Optional(Text(30)),
  },
  { additionalProperties: false },
);

export const PlaceOrderBody = Type.Object(
  {
    items: Type.Optional(Type.Array(OrderItemInput, { maxItems: 100 })),
    shippingAddress: ShippingAddressInput,
    // Client totals are accepted and ignored: the server prices every order.
    subtotal: Type.Optional(IgnoredNumber),
    discount: Type.Optional(IgnoredNumber),
    total: Type.Optional(IgnoredNumber),
    shippingFee: Type.Optional(IgnoredNumber),
    tax: Type.Optional(IgnoredNumber),
    shippingMethod: Type.Optional(Type.Union(SHIPPING_METHODS.map((m) => Type.Literal(m)))),
    notes: Type.Optional(LongText(1000)),
    promoCode: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'A promo code; when absent, the code applied to the server cart (if any) is used',
      }),
    ),
    deliveryDate: Type.Optional(
      Type.String({
        pattern: DATE_PATTERN.source,
        description:
          "A delivery date, YYYY-MM-DD in the shop's timezone (with deliverySlot; GET /api/delivery/slots lists them). Today means same-day delivery and its fee.",
      }),
    ),
    deliverySlot: Type.Optional(
      Type.String({
        pattern: SLOT_ID_PATTERN.source,
        description: 'A slot id, HH:MM-HH:MM',
      }),
    ),
    gift: Type.Optional(
      Type.Object(
        {
          recipientName: Type.Optional(Text(100)),
          recipientPhone: Type.Optional(Type.String({ maxLength: 30, pattern: '^[+0-9 ()-]*$' })),
          message: Type.Optional(LongText(GIFT_MESSAGE_MAX_LENGTH)),
          anonymous: Type.Optional(Type.Boolean({ default: false })),
        },
        { additionalProperties: false },
      ),
    ),
    paymentInfo: Type.Optional(
      Type.Object(
        { method: Type.Optional(Type.Union(PAYMENT_METHODS.map((m) => Type.Literal(m)))) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PlaceOrderBodyJson = Static<typeof PlaceOrderBody>;

export const OrderStatusSchema = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));

/** An order's id, or (admin routes) its order number `AF-#########`. */
export const OrderRefParams = Type.Object(
  { id: Type.String({ pattern: '^([0-9a-f]{24}|AF-[0-9]{9})$', description: 'Order id or order number' }) },
  { additionalProperties: false },
);

export const StatusChangeBody = Type.Object(
  {
    status: OrderStatusSchema,
    trackingNumber: Type.Optional(Text(100)),
    statusMessage: Type.Optional(LongText(500)),
    note: Type.Optional(LongText(500)),
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Object(
  { reason: Type.Optional(LongText(500)) },
  { additionalProperties: false },
);

export const OrderListQuery = Type.Object(
  {
    status: Type.Optional(OrderStatusSchema),
    page: Type.Optional(PageNumber),
    limit: PageSize(100, 20),
    ...CursorQueryProps,
  },
  { additionalProperties: false },
);

/**
 * GET /orders/my-orders: every order as before; with `cursor` one page of `limit`. Other query
 * parameters stay ignored, as they always were on this route.
 */
export const MyOrdersQuery = Type.Object({
  ...CursorQueryProps,
  limit: Type.Optional(PageSize(100)),
});

export const PaginationSchema = Type.Object({
  page: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer(),
  pages: Type.Integer(),
});

/** `data` of the dual-shape answers: the order's fields plus `order` (compat 5.1, 5.3). */
export const DualOrderData = { ...OrderProperties, order: OrderSchema };

/**
 * PUT /orders/:id/delivery. One flat object (not a union per action) so a refusal names the field:
 * each action's required fields are checked by the domain (`recipientName` for delivered, `reason`
 * for failed-attempt and rescheduled, `date` and `slot` for rescheduled); fields another action uses are refused.
 */
export const DeliveryUpdateBody = Type.Object(
  {
    action: Type.Union([
      Type.Literal('out-for-delivery' satisfies DeliveryAction),
      Type.Literal('delivered' satisfies DeliveryAction),
      Type.Literal('failed-attempt' satisfies DeliveryAction),
      Type.Literal('rescheduled' satisfies DeliveryAction),
    ]),
    note: Type.Optional(LongText(500)),
    trackingNumber: Type.Optional(
      Text(100, { description: 'out-for-delivery: the courier tracking number' }),
    ),
    recipientName: Type.Optional(Text(100, { description: 'delivered (required): who took the flowers' })),
    proofPhotoUrl: Type.Optional(
      ImageUrl(
        'delivered: the proof photo, the URL POST /orders/:id/delivery/proof answered (no other is accepted)',
      ),
    ),
    reason: Type.Optional(LongText(500, { description: 'failed-attempt and rescheduled (required): why' })),
    date: Type.Optional(
      Type.String({
        pattern: DATE_PATTERN.source,
        description: "rescheduled (required): the new day, YYYY-MM-DD in the shop's timezone",
      }),
    ),
    slot: Type.Optional(
      Type.String({
        pattern: SLOT_ID_PATTERN.source,
        description: 'rescheduled (required): the new slot, HH:MM-HH:MM, booked like at checkout',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DeliveryUpdateBodyJson = Static<typeof DeliveryUpdateBody>;

/** GET /orders/analytics. */
export const OrderAnalyticsQuery = Type.Object(
  {
    period: Type.Union(
      [
        Type.Literal('day' satisfies AnalyticsPeriod),
        Type.Literal('week' satisfies AnalyticsPeriod),
        Type.Literal('month' satisfies AnalyticsPeriod),
      ],
      { default: 'day' },
    ),
    from: Type.Optional(
      Type.Union([Type.String({ format: 'date' }), Type.String({ format: 'date-time' })], {
        description: 'ISO date or date-time (inclusive); default: 30 days, 12 weeks or 12 months back',
      }),
    ),
    to: Type.Optional(
      Type.Union([Type.String({ format: 'date' }), Type.String({ format: 'date-time' })], {
        description: 'ISO date (its whole UTC day) or date-time (inclusive); default: now',
      }),
    ),
  },
  { additionalProperties: false },
);
