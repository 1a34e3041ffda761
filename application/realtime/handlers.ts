import type { CartChanged } from '../../domain/cart/events.js';
import type { ProductChanged, StockChanged } from '../../domain/catalog/events.js';
import type { Product } from '../../domain/catalog/product.js';
import type {
  DeliveryUpdated,
  OrderPaid,
  OrderPaymentFailed,
  OrderPlaced,
  OrderRefunded,
  OrderStatusChanged,
} from '../../domain/ordering/events.js';
import type { PaymentStatus } from '../../domain/ordering/status.js';
import type { DomainEvent } from '../../domain/shared/events.js';
import type { CurrentCart } from '../cart/index.js';
import type { ProductRepository } from '../catalog/index.js';
import type { OrderRepository } from '../ordering/index.js';
import type { EventHandler } from '../shared/ports.js';
import type { OrderDeliveryData, OrderPaymentData, OrderStatusData, StockLevelData } from './messages.js';
import { cartChannel, orderChannel, STOCK_CHANNEL, type ChannelName, type RealtimeHub } from './ports.js';
import { emptyRealtimeCart, realtimeCart, stockLevel } from './views.js';

/*
 * The realtime context's reactions: each turns a domain event into the message of one channel.
 * Fleet scope (once per fleet: the hub fans out to every instance's subscribers) and awaited (not
 * background), so two changes published one after the other reach the channel in that order.
 * Idempotent through the hub's dedupe key: the event id and the channel (and the product, when
 * one event moves several), so a redelivery publishes nothing new.
 */

const dedupeKey = (event: DomainEvent, channel: ChannelName, part?: string): string =>
  part === undefined ? `${event.id}|${channel}` : `${event.id}|${channel}|${part}`;

/** `order.status` on the order's channel: every status change (cancellation and expiry record one too). */
export class PublishOrderStatusWhenOrderStatusChanged implements EventHandler<OrderStatusChanged> {
  readonly name = 'PublishOrderStatusWhenOrderStatusChanged';

  constructor(private readonly hub: RealtimeHub) {}

  async handle(event: OrderStatusChanged): Promise<void> {
    const { orderId, orderNumber, from, to } = event.payload;
    const channel = orderChannel(orderId);
    const data: OrderStatusData = {
      orderId,
      orderNumber,
      status: to,
      previousStatus: from,
      at: event.occurredAt.toISOString(),
    };
    await this.hub.publish(channel, 'order.status', data, dedupeKey(event, channel));
  }
}

/** `order.delivery` on the order's channel: out for delivery, delivered, failed attempt, rescheduled. */
export class PublishDeliveryWhenDeliveryUpdated implements EventHandler<DeliveryUpdated> {
  readonly name = 'PublishDeliveryWhenDeliveryUpdated';

  constructor(private readonly hub: RealtimeHub) {}

  async handle(event: DeliveryUpdated): Promise<void> {
    const p = event.payload;
    const channel = orderChannel(p.orderId);
    // Who made the change (`changedBy`) stays inside: the shopper sees what happened, not who.
    const data: OrderDeliveryData = {
      orderId: p.orderId,
      orderNumber: p.orderNumber,
      action: p.action,
      state: p.state,
      status: p.status,
      at: event.occurredAt.toISOString(),
      ...(p.note !== undefined ? { note: p.note } : {}),
      ...(p.reason !== undefined ? { reason: p.reason } : {}),
      ...(p.recipientName !== undefined ? { recipientName: p.recipientName } : {}),
      ...(p.proofPhotoUrl !== undefined ? { proofPhotoUrl: p.proofPhotoUrl } : {}),
      ...(p.rescheduledTo !== undefined ? { rescheduledTo: p.rescheduledTo } : {}),
      ...(p.courier !== undefined
        ? {
            courier: {
              name: p.courier.name,
              ...(p.courier.phone !== undefined ? { phone: p.courier.phone } : {}),
            },
          }
        : {}),
      ...(p.trackingNumber !== undefined ? { trackingNumber: p.trackingNumber } : {}),
    };
    await this.hub.publish(channel, 'order.delivery', data, dedupeKey(event, channel));
  }
}

type PaymentEvent = OrderPaid | OrderPaymentFailed | OrderRefunded;

/** `order.payment` on the order's channel: a payment landed, failed, or was (partly) refunded. */
export class PublishPaymentWhenOrderPaymentChanged implements EventHandler<PaymentEvent> {
  readonly name = 'PublishPaymentWhenOrderPaymentChanged';

  constructor(
    private readonly hub: RealtimeHub,
    private readonly orders: OrderRepository,
  ) {}

  async handle(event: PaymentEvent): Promise<void> {
    const { orderId, orderNumber } = event.payload;
    const channel = orderChannel(orderId);
    const data: OrderPaymentData = {
      orderId,
      orderNumber,
      paymentStatus: await this.statusAfter(event),
      at: event.occurredAt.toISOString(),
    };
    await this.hub.publish(channel, 'order.payment', data, dedupeKey(event, channel));
  }

  /** The payment status the event left (a refund is partial while the refunded total is below the order's). */
  private async statusAfter(event: PaymentEvent): Promise<PaymentStatus> {
    switch (event.type) {
      case 'ordering.order-paid':
        return 'completed';
      case 'ordering.order-payment-failed':
        return 'failed';
      case 'ordering.order-refunded': {
        const order = await this.orders.findById(event.payload.orderId);
        const total = order?.total ?? event.payload.refundedTotal;
        return event.payload.refundedTotal >= total ? 'refunded' : 'partially_refunded';
      }
    }
  }
}

/** Publishes the current stock of each product on the stock channel (a deleted one: 0, not offered). */
async function publishStock(
  hub: RealtimeHub,
  products: ProductRepository,
  event: DomainEvent,
  productIds: readonly string[],
): Promise<void> {
  const ids = [...new Set(productIds)];
  const found = new Map<string, Product>((await products.findByIds(ids)).map((p) => [p.id, p]));
  for (const id of ids) {
    const data: StockLevelData = stockLevel(id, found.get(id) ?? null, event.occurredAt);
    await hub.publish(STOCK_CHANNEL, 'stock.changed', data, dedupeKey(event, STOCK_CHANNEL, id));
  }
}

/**
 * `stock.changed` when the catalog says a product's stock or availability may have changed (stock
 * movements, admin edits, deletion; a cancelled order's stock coming back is a stock-changed
 * notice too). The notices only say "X changed": the current product is read.
 */
export class PublishStockWhenProductChanged implements EventHandler<StockChanged | ProductChanged> {
  readonly name = 'PublishStockWhenProductChanged';

  constructor(
    private readonly hub: RealtimeHub,
    private readonly products: ProductRepository,
  ) {}

  async handle(event: StockChanged | ProductChanged): Promise<void> {
    await publishStock(this.hub, this.products, event, [event.payload.productId]);
  }
}

/**
 * `stock.changed` for every product of a placed order: the purchase took their stock (StockHold,
 * before the order was stored) without a catalog notice.
 */
export class PublishStockWhenOrderPlaced implements EventHandler<OrderPlaced> {
  readonly name = 'PublishStockWhenOrderPlaced';

  constructor(
    private readonly hub: RealtimeHub,
    private readonly products: ProductRepository,
  ) {}

  async handle(event: OrderPlaced): Promise<void> {
    await publishStock(
      this.hub,
      this.products,
      event,
      event.payload.items.map((i) => i.productId),
    );
  }
}

/** `cart.updated` on the user's cart channel: the cart as it is now (gone: an empty cart). */
export class PublishCartWhenCartChanged implements EventHandler<CartChanged> {
  readonly name = 'PublishCartWhenCartChanged';

  constructor(
    private readonly hub: RealtimeHub,
    private readonly carts: CurrentCart,
  ) {}

  async handle(event: CartChanged): Promise<void> {
    const { cartId, userId } = event.payload;
    const channel = cartChannel(userId);
    const view = await this.carts.execute({ userId });
    const data = view ? realtimeCart(view) : emptyRealtimeCart(cartId, event.occurredAt);
    await this.hub.publish(channel, 'cart.updated', data, dedupeKey(event, channel));
  }
}
