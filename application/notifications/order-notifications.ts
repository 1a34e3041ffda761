import type {
  DeliveryUpdated,
  OrderExpired,
  OrderPaymentFailed,
  OrderPlaced,
  OrderRefunded,
  OrderStatusChanged,
} from '../../domain/ordering/events.js';
import type { Order, OrderLine } from '../../domain/ordering/order.js';
import type { User } from '../../domain/identity/user.js';
import type { NotificationType } from '../../domain/notifications/notification.js';
import { lineTotal, lineUnitPrice } from '../../domain/shared/line-pricing.js';
import type { UserRepository } from '../identity/index.js';
import type { OrderRepository } from '../ordering/index.js';
import type { AppLogger, EventHandler } from '../shared/ports.js';
import type { PushSubscriptionStore } from './channels.js';
import type { TemplateVariables } from './ports.js';
import type { SendNotification } from './send-notification.js';
import { formatDate, formatRupees, statusLabel } from './templates.js';

/**
 * The channels a transactional message about a user's own order goes over — the one rule
 * (README, "Order notifications"): email always; SMS when the user turned `smsNotifications`
 * on and has a phone number; push when they have at least one push subscription.
 */
export async function orderChannels(
  user: User,
  subscriptions: PushSubscriptionStore,
): Promise<NotificationType[]> {
  const channels: NotificationType[] = ['email'];
  if (user.preferences.smsNotifications && user.phone) channels.push('sms');
  if ((await subscriptions.listByUser(user.id)).length > 0) channels.push('push');
  return channels;
}

/** The id of the message answering `eventId` on `channel`: a repeat of the event creates nothing new. */
export function eventNotificationId(eventId: string, channel: NotificationType): string {
  return `${eventId}:${channel}`;
}

type OrderEventHandled =
  OrderPlaced | OrderStatusChanged | OrderExpired | OrderPaymentFailed | OrderRefunded | DeliveryUpdated;

/**
 * The customer's messages about their order, driven by the ordering events (never called by the
 * ordering use cases). Each builds a template and its variables and hands one notification per
 * channel to SendNotification, with an id derived from the event id and the channel: a second
 * delivery of the event (the sweeper, another instance) finds the stored notification and
 * creates and queues nothing new, so each event gives one message per channel. They run in the
 * background; storing fails loudly (the event is delivered again), the sending itself is the
 * queue's (retries, then `failed` with the reason).
 */
abstract class OrderNotification<E extends OrderEventHandled> implements EventHandler<E> {
  abstract readonly name: string;
  readonly background = true;

  constructor(
    private readonly orders: OrderRepository,
    private readonly users: UserRepository,
    private readonly subscriptions: PushSubscriptionStore,
    private readonly send: SendNotification,
    private readonly logger: AppLogger,
  ) {}

  /** The template and its variables, or null when this event tells the customer nothing. */
  protected abstract compose(
    event: E,
    user: User,
    order: Order,
  ): { readonly template: string; readonly variables: TemplateVariables } | null;

  async handle(event: E): Promise<void> {
    const { orderId, userId } = event.payload;
    const [order, user] = await Promise.all([this.orders.findById(orderId), this.users.findById(userId)]);
    if (!order || !user) {
      this.logger.warn('order notification skipped', {
        event: event.type,
        orderId,
        reason: `${!order ? 'order' : 'user'} not found`,
      });
      return;
    }
    const message = this.compose(event, user, order);
    if (!message) return;
    for (const channel of await orderChannels(user, this.subscriptions)) {
      const sent = await this.send.execute({
        id: eventNotificationId(event.id, channel),
        channel,
        to: { userId: user.id },
        template: message.template,
        variables: message.variables,
        category: 'transactional',
        metadata: { eventId: event.id, orderId },
      });
      // A refusal (a template or a recipient problem) does not fix itself by redelivery: logged.
      if (sent.isErr()) {
        this.logger.error('order notification refused', {
          event: event.type,
          orderId,
          channel,
          code: sent.error.code,
          error: sent.error.message,
        });
      }
    }
  }
}

/** "Red Roses (Large, Glass vase)": the line's name with its chosen options. */
function lineTitle(line: OrderLine): string {
  const options = [line.size?.name, line.vase?.name].filter((o): o is string => Boolean(o));
  return options.length > 0 ? `${line.name} (${options.join(', ')})` : line.name;
}

function addressLines(order: Order): string[] {
  const a = order.shippingAddress;
  return [
    a.fullName,
    a.street,
    `${a.city}, ${a.state} ${a.zipCode}`,
    a.country,
    ...(a.phone ? [a.phone] : []),
  ];
}

/** The order-placed template's variables: lines, totals, delivery and address. */
export function orderPlacedVariables(user: User, order: Order): TemplateVariables {
  const totals = [
    { label: 'Subtotal', value: formatRupees(order.subtotal) },
    { label: `Shipping (${order.shippingMethod})`, value: formatRupees(order.shippingFee) },
    { label: 'Tax', value: formatRupees(order.tax) },
    ...(order.discount > 0 ? [{ label: 'Discount', value: `-${formatRupees(order.discount)}` }] : []),
  ];
  return {
    name: user.fullName,
    orderNumber: order.orderNumber,
    items: order.items.map((line) => ({
      title: lineTitle(line),
      quantity: line.quantity,
      price: formatRupees(lineUnitPrice(line)),
      amount: formatRupees(lineTotal(line)),
      // Always present (null without one): `{% if line.note %}` on an absent field makes the
      // strict template engine throw and catch an error, which tripled the render's cost.
      note: line.personalNote ? line.personalNote : null,
    })),
    totals,
    total: formatRupees(order.total),
    estimatedDelivery: formatDate(order.estimatedDelivery),
    shippingAddress: addressLines(order),
  };
}

export class NotifyWhenOrderPlaced extends OrderNotification<OrderPlaced> {
  readonly name = 'NotifyWhenOrderPlaced';

  protected compose(_event: OrderPlaced, user: User, order: Order) {
    return { template: 'order-placed', variables: orderPlacedVariables(user, order) };
  }
}

/** True when a delivery update recorded this status change (its own message tells the customer). */
function causedByDeliveryUpdate(order: Order, at: Date): boolean {
  return (order.deliveryProgress?.timeline ?? []).some((u) => u.at.getTime() === at.getTime());
}

/**
 * A status message (confirmed, being prepared, shipped, delivered, cancelled). An order
 * cancelled by payment expiry gets the expiry message instead, and a change made by a delivery
 * update (out for delivery, delivered) is told by the delivery message: one message per event.
 */
export class NotifyWhenOrderStatusChanged extends OrderNotification<OrderStatusChanged> {
  readonly name = 'NotifyWhenOrderStatusChanged';

  protected compose(event: OrderStatusChanged, user: User, order: Order) {
    const { from, to } = event.payload;
    if (from === to) return null;
    if (to === 'cancelled' && order.expiry) return null;
    if (causedByDeliveryUpdate(order, event.occurredAt)) return null;
    return {
      template: 'order-status',
      variables: {
        name: user.fullName,
        orderNumber: order.orderNumber,
        status: statusLabel(to),
        ...(order.trackingNumber ? { trackingNumber: order.trackingNumber } : {}),
        ...(order.statusMessage ? { statusMessage: order.statusMessage } : {}),
        ...(to !== 'cancelled' && to !== 'delivered'
          ? { estimatedDelivery: formatDate(order.estimatedDelivery) }
          : {}),
        total: formatRupees(order.total),
      },
    };
  }
}

/** A message that names the order and its total (the expiry, a declined payment). */
abstract class OrderTotalNotification<
  E extends OrderExpired | OrderPaymentFailed,
> extends OrderNotification<E> {
  protected abstract readonly template: string;

  protected compose(_event: E, user: User, order: Order) {
    return {
      template: this.template,
      variables: { name: user.fullName, orderNumber: order.orderNumber, total: formatRupees(order.total) },
    };
  }
}

export class NotifyWhenOrderExpired extends OrderTotalNotification<OrderExpired> {
  readonly name = 'NotifyWhenOrderExpired';
  protected readonly template = 'order-expired';
}

export class NotifyWhenPaymentFailed extends OrderTotalNotification<OrderPaymentFailed> {
  readonly name = 'NotifyWhenPaymentFailed';
  protected readonly template = 'payment-failed';
}

export class NotifyWhenOrderRefunded extends OrderNotification<OrderRefunded> {
  readonly name = 'NotifyWhenOrderRefunded';

  protected compose(event: OrderRefunded, user: User, order: Order) {
    return {
      template: 'refund-issued',
      variables: {
        name: user.fullName,
        orderNumber: order.orderNumber,
        amount: formatRupees(event.payload.amount),
        refundedTotal: formatRupees(event.payload.refundedTotal),
      },
    };
  }
}

const DELIVERY_HEADLINES: Readonly<Record<DeliveryUpdated['payload']['action'], string>> = {
  'out-for-delivery': 'is out for delivery',
  delivered: 'has been delivered',
  'failed-attempt': 'could not be delivered',
  rescheduled: 'has a new delivery date',
};

/** Each delivery update (out for delivery, delivered, failed attempt, rescheduled). */
export class NotifyWhenDeliveryUpdated extends OrderNotification<DeliveryUpdated> {
  readonly name = 'NotifyWhenDeliveryUpdated';

  protected compose(event: DeliveryUpdated, user: User, order: Order) {
    const p = event.payload;
    const day = p.rescheduledTo;
    return {
      template: 'delivery-update',
      variables: {
        name: user.fullName,
        orderNumber: order.orderNumber,
        headline: DELIVERY_HEADLINES[p.action],
        ...(p.action === 'out-for-delivery' && p.courier
          ? { courier: p.courier.phone ? `${p.courier.name} (${p.courier.phone})` : p.courier.name }
          : {}),
        ...(p.action === 'out-for-delivery' && p.trackingNumber ? { trackingNumber: p.trackingNumber } : {}),
        ...(p.recipientName !== undefined ? { recipientName: p.recipientName } : {}),
        ...(p.reason !== undefined ? { reason: p.reason } : {}),
        ...(p.action === 'rescheduled' && day
          ? { rescheduledTo: day.slot ? `${day.date}, ${day.slot}` : day.date }
          : {}),
        ...(p.note !== undefined ? { note: p.note } : {}),
      },
    };
  }
}
