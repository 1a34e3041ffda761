import { Err, Ok, type Result } from '../shared/result.js';
import { domainError, type DomainError } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import {
  orderEvent,
  orderRef,
  type OrderCancelled,
  type OrderEvent,
  type OrderLineSummary,
  type OrderPlaced,
  type OrderStatusChanged,
} from './events.js';
import { GIFT_MESSAGE_MAX_LENGTH } from '../shared/text.js';
import { estimateDelivery, priceOrder, type ShippingMethod } from './pricing.js';
import type { DeliveryProgress } from './delivery-progress.js';
import {
  canTransition,
  OWNER_CANCELLABLE,
  type OrderProgressStatus,
  type OrderStatus,
  type PaymentMethod,
  type PaymentStatus,
} from './status.js';

/** A chosen size or vase with its add-on price (over the unit price). */
export interface OrderOption {
  readonly name: string;
  readonly price: Money;
}

export interface OrderLine {
  readonly id: string;
  readonly productId: string;
  /** Copied from the product when ordered, so the order reads the same after catalog edits. */
  readonly name: string;
  /** The product's base price when ordered (options are priced separately). */
  readonly unitPrice: Money;
  readonly quantity: number;
  readonly size?: OrderOption;
  readonly vase?: OrderOption;
  readonly personalNote?: string;
  /** The product's first image URL. */
  readonly image?: string;
}

export interface ShippingAddress {
  readonly fullName: string;
  readonly street: string;
  readonly city: string;
  readonly state: string;
  readonly zipCode: string;
  readonly country: string;
  readonly phone?: string;
}

/** How the order is paid; its status is `Order.paymentStatus` (the storefront's `paymentInfo.status`). */
export interface PaymentInfo {
  readonly method: PaymentMethod;
  readonly paymentId?: string;
}

export interface StatusChange {
  readonly status: OrderStatus;
  /** The user id of whoever made the change. */
  readonly changedBy: string;
  readonly changedAt: Date;
  readonly note?: string;
}

/** The delivery date and time slot chosen at checkout (domain/delivery/slots.ts). */
export interface OrderDelivery {
  /** `YYYY-MM-DD` in the shop's timezone. */
  readonly date: string;
  /** `HH:MM-HH:MM`, the slot's id. */
  readonly slot: string;
}

/** Who the flowers are for, and the card (GIFT_MESSAGE_MAX_LENGTH characters at most). */
export interface GiftDetails {
  readonly recipientName?: string;
  readonly recipientPhone?: string;
  readonly message?: string;
  /** The recipient is not told who sent them. */
  readonly anonymous: boolean;
}

/** Where the lines came from: the request's items, or the shopper's server cart (compat 13). */
export type OrderSource = 'request' | 'cart';

/** The Order aggregate's state. Money in minor units. */
export interface Order {
  readonly id: string;
  readonly orderNumber: string;
  readonly userId: string;
  readonly items: readonly OrderLine[];
  readonly shippingAddress: ShippingAddress;
  readonly paymentInfo: PaymentInfo;
  /** Payment status, moved only by the payment lifecycle (order-payment.ts). */
  readonly paymentStatus: PaymentStatus;
  /**
   * Fulfilment status, moved only along the state machine in status.ts. The storefront's
   * `orderStatus` is not stored here: `storefrontStatus` derives it from these two.
   */
  readonly status: OrderStatus;
  readonly subtotal: Money;
  readonly shippingFee: Money;
  readonly tax: Money;
  readonly discount: Money;
  /** The promo code redeemed for this order (uppercase), when one gave the discount. */
  readonly promoCode?: string;
  readonly total: Money;
  readonly shippingMethod: ShippingMethod;
  readonly estimatedDelivery: Date;
  readonly trackingNumber?: string;
  readonly statusMessage?: string;
  readonly notes?: string;
  /** The delivery slot booked at checkout (absent: none chosen). */
  readonly delivery?: OrderDelivery;
  readonly gift?: GiftDetails;
  readonly statusHistory: readonly StatusChange[];
  readonly source: OrderSource;
  /** Payment lifecycle (domain/ordering/order-payment.ts); absent until the first payment event. */
  readonly paidAt?: Date;
  readonly refundedAt?: Date;
  /** Refunded so far, minor units; absent = 0; never above total. */
  readonly refundAmount?: Money;
  /** Set when the order was cancelled because its online payment did not arrive in time. */
  readonly expiry?: OrderExpiry;
  /** Delivery progress (domain/ordering/delivery.ts); absent until the first delivery update. */
  readonly deliveryProgress?: DeliveryProgress;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** 0 for an order never saved; incremented by every save. */
  readonly version: number;
}

/** Set on an order cancelled because its online payment did not arrive in time. */
export interface OrderExpiry {
  readonly at: Date;
}

/** An aggregate change together with the events it recorded (published after persisting). */
export interface OrderChange {
  readonly order: Order;
  readonly events: readonly OrderEvent[];
}

export const DEFAULT_COUNTRY = 'United States';

export interface NewOrder {
  readonly id: string;
  readonly orderNumber: string;
  readonly userId: string;
  readonly items: readonly OrderLine[];
  readonly shippingAddress: Omit<ShippingAddress, 'country'> & { readonly country?: string };
  readonly shippingMethod?: ShippingMethod;
  readonly paymentMethod?: PaymentMethod;
  readonly notes?: string;
  readonly source: OrderSource;
  readonly now: Date;
  /** A promo code's discount (minor units, computed by domain/promotions); 0 when absent. */
  readonly discount?: Money;
  readonly promoCode?: string;
  /** The booked slot and when it ends (the estimated delivery). */
  readonly delivery?: OrderDelivery & { readonly endsAt: Date };
  readonly gift?: GiftDetails;
  /** The server-cart lines ordered (source `cart`), so they can leave the cart once it is placed. */
  readonly cartItemIds?: readonly string[];
}

const REQUIRED_ADDRESS_FIELDS = ['fullName', 'street', 'city', 'state', 'zipCode'] as const;

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Lines and quantities the aggregate insists on (the HTTP schema checks them too). */
function checkLines(items: readonly OrderLine[]): DomainError | null {
  if (items.length === 0) return domainError('EMPTY_ORDER', 'No items to order');
  for (const line of items) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      return domainError(
        'INVALID_QUANTITY',
        `Quantity for ${line.name} must be a whole number of at least 1`,
      );
    }
    for (const price of [line.unitPrice, line.size?.price ?? 0, line.vase?.price ?? 0]) {
      if (!Number.isSafeInteger(price) || price < 0) {
        return domainError('INVALID_PRICE', `Invalid price for ${line.name}`);
      }
    }
  }
  return null;
}

export function summarizeLines(items: readonly OrderLine[]): OrderLineSummary[] {
  return items.map((l) => ({ productId: l.productId, quantity: l.quantity }));
}

/** Gift details, trimmed (blank texts dropped); a card message over the limit is refused. */
export function checkGift(given: GiftDetails): Result<GiftDetails, DomainError> {
  const message = blankToUndefined(given.message);
  if (message !== undefined && [...message].length > GIFT_MESSAGE_MAX_LENGTH) {
    const problem = `must be at most ${GIFT_MESSAGE_MAX_LENGTH} characters`;
    return Err(
      domainError('VALIDATION_FAILED', `body.gift.message ${problem}`, {
        errors: [{ field: 'body.gift.message', message: problem }],
      }),
    );
  }
  const recipientName = blankToUndefined(given.recipientName);
  const recipientPhone = blankToUndefined(given.recipientPhone);
  return Ok({
    ...(recipientName !== undefined ? { recipientName } : {}),
    ...(recipientPhone !== undefined ? { recipientPhone } : {}),
    ...(message !== undefined ? { message } : {}),
    anonymous: given.anonymous,
  });
}

/** A new pending order, priced by the server. */
export function placeOrder(input: NewOrder): Result<OrderChange, DomainError> {
  const lineProblem = checkLines(input.items);
  if (lineProblem) return Err(lineProblem);

  const given = input.shippingAddress;
  const missingFields = REQUIRED_ADDRESS_FIELDS.filter((f) => !blankToUndefined(given[f]));
  if (missingFields.length > 0) {
    return Err(
      domainError('VALIDATION_FAILED', `Shipping address is missing: ${missingFields.join(', ')}`, {
        missingFields: missingFields.map((f) => `shippingAddress.${f}`),
      }),
    );
  }
  const phone = blankToUndefined(given.phone);
  const shippingAddress: ShippingAddress = {
    fullName: given.fullName.trim(),
    street: given.street.trim(),
    city: given.city.trim(),
    state: given.state.trim(),
    zipCode: given.zipCode.trim(),
    country: blankToUndefined(given.country) ?? DEFAULT_COUNTRY,
    ...(phone !== undefined ? { phone } : {}),
  };

  const gift = input.gift !== undefined ? checkGift(input.gift) : null;
  if (gift !== null && gift.isErr()) return gift;

  const shippingMethod = input.shippingMethod ?? 'standard';
  const totals = priceOrder(input.items, shippingMethod, input.discount ?? 0);
  const notes = blankToUndefined(input.notes);
  const order: Order = {
    id: input.id,
    orderNumber: input.orderNumber,
    userId: input.userId,
    items: input.items,
    shippingAddress,
    paymentInfo: { method: input.paymentMethod ?? 'card' },
    paymentStatus: 'pending',
    status: 'pending',
    ...totals,
    shippingMethod,
    estimatedDelivery: input.delivery?.endsAt ?? estimateDelivery(input.now, shippingMethod),
    ...(notes !== undefined ? { notes } : {}),
    ...(input.delivery !== undefined
      ? { delivery: { date: input.delivery.date, slot: input.delivery.slot } }
      : {}),
    ...(gift !== null ? { gift: gift.value } : {}),
    ...(input.promoCode !== undefined ? { promoCode: input.promoCode } : {}),
    statusHistory: [
      { status: 'pending', changedBy: input.userId, changedAt: input.now, note: 'Order placed' },
    ],
    source: input.source,
    createdAt: input.now,
    updatedAt: input.now,
    version: 0,
  };
  const event = orderEvent<OrderPlaced>(
    order,
    'ordering.order-placed',
    {
      ...orderRef(order),
      total: order.total,
      discount: order.discount,
      source: order.source,
      items: summarizeLines(order.items),
      ...(input.cartItemIds !== undefined && input.cartItemIds.length > 0
        ? { cartItemIds: input.cartItemIds }
        : {}),
      ...(input.promoCode !== undefined ? { promoCode: input.promoCode } : {}),
    },
    input.now,
  );
  return Ok({ order, events: [event] });
}

/** The same new order under another number (after a clash), its events included. */
export function renumber(change: OrderChange, orderNumber: string): OrderChange {
  return {
    order: { ...change.order, orderNumber },
    events: change.events.map((e) => ({ ...e, payload: { ...e.payload, orderNumber } }) as OrderEvent),
  };
}

export interface StatusChangeInput {
  readonly to: OrderStatus;
  readonly by: string;
  readonly at: Date;
  readonly note?: string;
  readonly trackingNumber?: string;
  readonly statusMessage?: string;
}

/**
 * Moves the order along one allowed edge of the state machine; anything else is
 * INVALID_STATUS_TRANSITION naming both ends. Appends to the history and records the events.
 */
export function changeStatus(order: Order, input: StatusChangeInput): Result<OrderChange, DomainError> {
  const from = order.status;
  const { to } = input;
  if (!canTransition(from, to)) {
    return Err(
      domainError('INVALID_STATUS_TRANSITION', `Cannot change order status from ${from} to ${to}`, {
        from,
        to,
      }),
    );
  }
  const note = blankToUndefined(input.note);
  const trackingNumber = blankToUndefined(input.trackingNumber);
  const statusMessage = blankToUndefined(input.statusMessage);
  const next: Order = {
    ...order,
    status: to,
    ...(trackingNumber !== undefined ? { trackingNumber } : {}),
    ...(statusMessage !== undefined ? { statusMessage } : {}),
    statusHistory: [
      ...order.statusHistory,
      { status: to, changedBy: input.by, changedAt: input.at, ...(note !== undefined ? { note } : {}) },
    ],
    updatedAt: input.at,
  };
  const events: OrderEvent[] = [
    orderEvent<OrderStatusChanged>(
      order,
      'ordering.order-status-changed',
      { ...orderRef(order), from, to, changedBy: input.by },
      input.at,
    ),
  ];
  if (to === 'cancelled') {
    events.push(
      orderEvent<OrderCancelled>(
        order,
        'ordering.order-cancelled',
        { ...orderRef(order), changedBy: input.by, items: summarizeLines(order.items) },
        input.at,
      ),
    );
  }
  return Ok({ order: next, events });
}

/** The owner's cancellation: only while pending or confirmed (compat 5.4). */
export function cancelByOwner(
  order: Order,
  input: { readonly by: string; readonly at: Date; readonly reason?: string },
): Result<OrderChange, DomainError> {
  if (!OWNER_CANCELLABLE.includes(order.status)) {
    return Err(domainError('ORDER_NOT_CANCELLABLE', 'Cannot cancel order in current status'));
  }
  const reason = blankToUndefined(input.reason);
  return changeStatus(order, {
    to: 'cancelled',
    by: input.by,
    at: input.at,
    note: reason !== undefined ? `Cancelled by customer: ${reason}` : 'Cancelled by customer',
  });
}

/**
 * The storefront's `orderStatus` (compat 5.5), derived from the two statuses the aggregate holds:
 * a refund (partial or full) shows as `refunded` whatever fulfilment does next; a declined
 * payment of an order still pending shows as `payment_failed`; otherwise fulfilment's `status`.
 */
export function storefrontStatus(order: Pick<Order, 'status' | 'paymentStatus'>): OrderProgressStatus {
  if (order.paymentStatus === 'refunded' || order.paymentStatus === 'partially_refunded') {
    return 'refunded';
  }
  if (order.paymentStatus === 'failed' && order.status === 'pending') return 'payment_failed';
  return order.status;
}

export function isOwnedBy(order: Order, userId: string): boolean {
  return order.userId === userId;
}
