import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { ORDER_STATUSES, PAYMENT_STATUSES } from '../../domain/ordering/status.js';
import { DELIVERY_ACTIONS, DELIVERY_STATES } from '../../domain/ordering/delivery-progress.js';
import type {
  OrderDeliveryData,
  OrderPaymentData,
  OrderSnapshot,
  OrderStatusData,
  RealtimeCart,
  RealtimeCartItem,
  StockLevelData,
  StockSnapshot,
} from '../../application/realtime/messages.js';

/**
 * The realtime messages' data as JSON Schema (TypeBox), written ONCE: the AsyncAPI document
 * (asyncapi.ts) publishes them. The interfaces of application/realtime/messages.ts are what the
 * handlers publish; the `Same<...>` checks at the bottom make `npm run typecheck` fail when the
 * two drift apart (a field added, removed, renamed, made optional or given another type).
 */

const IsoDateTime = (description: string) => Type.String({ format: 'date-time', description });
const OrderStatusSchema = Type.Enum(ORDER_STATUSES, { description: 'The storefront order status' });
const PaymentStatusSchema = Type.Enum(PAYMENT_STATUSES);
const DeliveryStateSchema = Type.Enum(DELIVERY_STATES);
const Courier = Type.Object({ name: Type.String(), phone: Type.Optional(Type.String()) });
const Money = (description: string) => Type.Number({ description: `${description}, major units (rupees)` });

export const OrderStatusDataSchema = Type.Object(
  {
    orderId: Type.String(),
    orderNumber: Type.String(),
    status: OrderStatusSchema,
    previousStatus: OrderStatusSchema,
    at: IsoDateTime('When the status changed'),
  },
  { description: 'The order status changed (cancellation included)' },
);

export const OrderDeliveryDataSchema = Type.Object(
  {
    orderId: Type.String(),
    orderNumber: Type.String(),
    action: Type.Enum(DELIVERY_ACTIONS),
    state: DeliveryStateSchema,
    status: OrderStatusSchema,
    at: IsoDateTime('When the delivery update was recorded'),
    note: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    recipientName: Type.Optional(Type.String()),
    proofPhotoUrl: Type.Optional(Type.String()),
    rescheduledTo: Type.Optional(
      Type.Object({ date: Type.String({ description: 'YYYY-MM-DD' }), slot: Type.Optional(Type.String()) }),
    ),
    courier: Type.Optional(Courier),
    trackingNumber: Type.Optional(Type.String()),
  },
  { description: 'A delivery update (out for delivery, attempt failed, rescheduled, delivered)' },
);

export const OrderPaymentDataSchema = Type.Object(
  {
    orderId: Type.String(),
    orderNumber: Type.String(),
    paymentStatus: PaymentStatusSchema,
    at: IsoDateTime('When the payment status changed'),
  },
  { description: 'A payment landed, failed or was refunded' },
);

export const OrderSnapshotSchema = Type.Object(
  {
    orderId: Type.String(),
    orderNumber: Type.String(),
    status: OrderStatusSchema,
    paymentStatus: PaymentStatusSchema,
    deliveryState: Type.Union([DeliveryStateSchema, Type.Literal('none')]),
    eta: Type.Optional(Type.Object({ date: Type.String(), slot: Type.Optional(Type.String()) })),
    courier: Type.Optional(Courier),
    trackingNumber: Type.Optional(Type.String()),
    deliveredAt: Type.Optional(Type.String({ format: 'date-time' })),
    updatedAt: IsoDateTime('When the order last changed'),
  },
  { description: "The order's whole current state" },
);

export const StockLevelDataSchema = Type.Object(
  {
    productId: Type.String(),
    stock: Type.Integer({ minimum: 0 }),
    isAvailable: Type.Boolean({ description: 'The product is offered (not switched off by an admin)' }),
    inStock: Type.Boolean({ description: 'Offered and stock > 0: can be put in a cart now' }),
    at: IsoDateTime('When the stock changed'),
  },
  { description: "One product's stock" },
);

export const StockSnapshotSchema = Type.Object(
  { products: Type.Array(StockLevelDataSchema) },
  { description: 'The current stock of the products the client follows' },
);

const Option = Type.Object({ name: Type.String(), price: Money('The option price') });
export const RealtimeCartItemSchema = Type.Object({
  id: Type.String(),
  productId: Type.String(),
  name: Type.String(),
  image: Type.Optional(Type.String()),
  quantity: Type.Integer({ minimum: 1 }),
  price: Money('The unit price without add-ons'),
  size: Type.Optional(Option),
  vase: Type.Optional(Option),
  personalNote: Type.Optional(Type.String()),
});

export const RealtimeCartSchema = Type.Object(
  {
    cartId: Type.String(),
    version: Type.Integer({
      minimum: 0,
      description: "The stored cart's version: a client keeps the highest it has seen",
    }),
    items: Type.Array(RealtimeCartItemSchema),
    itemCount: Type.Integer({ minimum: 0 }),
    subtotal: Money('Sum of the lines'),
    discount: Money('Promo discount'),
    total: Money('What the shopper pays'),
    promoCode: Type.Optional(Type.String()),
    updatedAt: IsoDateTime('When the cart last changed'),
  },
  { description: "The signed-in user's cart after the change" },
);

/** The data of each channel event type (REALTIME_MESSAGE_TYPES). */
export const EVENT_DATA_SCHEMAS = {
  'order.status': OrderStatusDataSchema,
  'order.delivery': OrderDeliveryDataSchema,
  'order.payment': OrderPaymentDataSchema,
  'stock.changed': StockLevelDataSchema,
  'cart.updated': RealtimeCartSchema,
} as const satisfies Record<string, TSchema>;

/** The snapshot each channel kind sends in `ready` and `resync`. */
export const SNAPSHOT_SCHEMAS = {
  order: OrderSnapshotSchema,
  stock: StockSnapshotSchema,
  cart: RealtimeCartSchema,
} as const;

// ---- control messages (server -> client; their `id` is the channel's current last id) ----------

export const readyDataSchema = (snapshot: TSchema) =>
  Type.Object({
    snapshot,
    resumed: Type.Boolean({
      description:
        'true: the missed events were replayed just before (a complete resume); false: a fresh start',
    }),
  });
export const resyncDataSchema = (state: TSchema) =>
  Type.Object(
    { state },
    { description: 'The replay window no longer reaches the last id: start over from this state' },
  );
export const ErrorDataSchema = Type.Object(
  {
    code: Type.String({ description: 'A stable code, e.g. VALIDATION_FAILED' }),
    message: Type.String(),
  },
  { description: 'A client message was refused; the connection stays open' },
);
export const PongDataSchema = Type.Object({}, { description: 'The answer to `ping`' });
export const SubscribedDataSchema = Type.Object(
  {
    all: Type.Boolean({ description: 'Every product is followed' }),
    productIds: Type.Array(Type.String(), { description: 'The product ids now followed (empty with all)' }),
  },
  { description: 'The stock subscription after a subscribe/unsubscribe' },
);
export type ErrorData = Static<typeof ErrorDataSchema>;
export type SubscribedData = Static<typeof SubscribedDataSchema>;

// ---- client messages (client -> server; no envelope) -------------------------------------------

export const CLIENT_MESSAGE_SCHEMAS = {
  auth: Type.Object(
    { type: Type.Literal('auth'), token: Type.String({ description: 'The bearer token (JWT)' }) },
    { description: 'Authenticates a connection opened without a token (within REALTIME_AUTH_TIMEOUT_MS)' },
  ),
  resume: Type.Object(
    {
      type: Type.Literal('resume'),
      lastEventId: Type.Integer({ minimum: 0, description: 'The id of the last channel event received' }),
    },
    { description: 'Asks for the events after lastEventId (or a resync when the window is gone)' },
  ),
  subscribe: Type.Union(
    [
      Type.Object({ type: Type.Literal('subscribe'), productIds: Type.Array(Type.String()) }),
      Type.Object({ type: Type.Literal('subscribe'), all: Type.Literal(true) }),
    ],
    { description: 'Stock channel: follow these products (added to the current ones), or all' },
  ),
  unsubscribe: Type.Object(
    { type: Type.Literal('unsubscribe'), productIds: Type.Array(Type.String()) },
    { description: 'Stock channel: stop following these products' },
  ),
  ping: Type.Object({ type: Type.Literal('ping') }, { description: 'Answered by `pong`' }),
} as const;

// ---- compile-time: the schemas and the interfaces of application/realtime/messages.ts agree ------

/** true when A and B are mutually assignable and have the same keys, recursively (arrays, objects). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? SameShape<A, B> : false) : false;
type SameShape<A, B> = [A] extends [readonly (infer X)[]]
  ? [B] extends [readonly (infer Y)[]]
    ? Same<X, Y>
    : false
  : [A] extends [object]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? false extends { [K in keyof A]-?: Same<NonNullable<A[K]>, NonNullable<B[K & keyof B]>> }[keyof A]
          ? false
          : true
        : false
      : false
    : true;
export type Assert<T extends true> = T;
/** Readonly-ness is no part of the wire shape: both sides are compared deeply readonly. */
type Wire<T> = T extends readonly (infer X)[]
  ? readonly Wire<X>[]
  : T extends object
    ? { readonly [K in keyof T]: Wire<T[K]> }
    : T;
export type Agree<S extends TSchema, I> = Same<Wire<Static<S>>, Wire<I>>;

export type SchemasMatchInterfaces = [
  Assert<Agree<typeof OrderStatusDataSchema, OrderStatusData>>,
  Assert<Agree<typeof OrderDeliveryDataSchema, OrderDeliveryData>>,
  Assert<Agree<typeof OrderPaymentDataSchema, OrderPaymentData>>,
  Assert<Agree<typeof OrderSnapshotSchema, OrderSnapshot>>,
  Assert<Agree<typeof StockLevelDataSchema, StockLevelData>>,
  Assert<Agree<typeof StockSnapshotSchema, StockSnapshot>>,
  Assert<Agree<typeof RealtimeCartItemSchema, RealtimeCartItem>>,
  Assert<Agree<typeof RealtimeCartSchema, RealtimeCart>>,
];
