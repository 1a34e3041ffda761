import { expect } from 'chai';
import { MemoryRealtimeHub } from '../../../adapters/realtime/memory-hub.js';
import { AddToCart, CurrentCart, RemoveCartItem } from '../../../application/cart/use-cases.js';
import {
  PublishCartWhenCartChanged,
  PublishDeliveryWhenDeliveryUpdated,
  PublishOrderStatusWhenOrderStatusChanged,
  PublishPaymentWhenOrderPaymentChanged,
  PublishStockWhenOrderPlaced,
  PublishStockWhenProductChanged,
} from '../../../application/realtime/handlers.js';
import {
  cartChannel,
  orderChannel,
  STOCK_CHANNEL,
  type ChannelName,
  type RealtimeMessage,
} from '../../../application/realtime/ports.js';
import { productEvent, stockChanged } from '../../../domain/catalog/events.js';
import type { CartChanged } from '../../../domain/cart/events.js';
import {
  orderEvent,
  orderRef,
  type DeliveryUpdated,
  type OrderPaid,
  type OrderPaymentFailed,
  type OrderRefunded,
} from '../../../domain/ordering/events.js';
import type { Order } from '../../../domain/ordering/order.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { makeKit, type Kit } from '../ordering/kit.js';

/**
 * The realtime handlers on the ordering kit's real dispatcher and memory stores, publishing to a
 * MemoryRealtimeHub: what each channel receives, once.
 */
describe('application/realtime handlers', () => {
  let k: Kit;
  let hub: MemoryRealtimeHub;
  let userId: string;
  let productId: string;
  const received = new Map<ChannelName, RealtimeMessage[]>();

  /** Everything the channel received since the test subscribed to it. */
  function listen(channel: ChannelName): RealtimeMessage[] {
    const list: RealtimeMessage[] = [];
    received.set(channel, list);
    hub.subscribe(channel, (m) => list.push(m));
    return list;
  }

  beforeEach(async () => {
    k = makeKit();
    hub = new MemoryRealtimeHub({ maxMessages: 100, ttlSeconds: 3600 }, () => k.clock.now().getTime());
    k.bus.subscribe('ordering.order-status-changed', new PublishOrderStatusWhenOrderStatusChanged(hub));
    k.bus.subscribe('ordering.delivery-updated', new PublishDeliveryWhenDeliveryUpdated(hub));
    const payment = new PublishPaymentWhenOrderPaymentChanged(hub, k.orders);
    k.bus.subscribe('ordering.order-paid', payment);
    k.bus.subscribe('ordering.order-payment-failed', payment);
    k.bus.subscribe('ordering.order-refunded', payment);
    const stock = new PublishStockWhenProductChanged(hub, k.products);
    k.bus.subscribe('catalog.stock-changed', stock);
    k.bus.subscribe('catalog.product-updated', stock);
    k.bus.subscribe('catalog.product-deleted', stock);
    k.bus.subscribe('ordering.order-placed', new PublishStockWhenOrderPlaced(hub, k.products));
    userId = testId();
    productId = (await k.addProduct({ inventory: { stock: 10, lowStockThreshold: 1, isAvailable: true } }))
      .id;
  });

  async function place(quantity = 2, items = [{ productId, quantity }]): Promise<Order> {
    return (await k.place.execute(k.input(userId, { items }))).unwrap().order;
  }

  it('order.status: each status change once, in the order made, without who made it', async () => {
    const order = await place();
    const messages = listen(orderChannel(order.id));
    for (const status of ['confirmed', 'processing', 'shipped', 'delivered'] as const) {
      (await k.changeStatus.execute({ order: order.id, status, changedBy: testId() })).unwrap();
    }
    expect(messages.map((m) => [m.type, m.id, (m.data as { status: string }).status])).to.deep.equal([
      ['order.status', 1, 'confirmed'],
      ['order.status', 2, 'processing'],
      ['order.status', 3, 'shipped'],
      ['order.status', 4, 'delivered'],
    ]);
    expect(messages[1]!.data).to.deep.equal({
      orderId: order.id,
      orderNumber: order.orderNumber,
      status: 'processing',
      previousStatus: 'confirmed',
      at: FIXED_NOW.toISOString(),
    });
  });

  it('a redelivered event publishes nothing new: by the dispatcher (claim) or by the handler itself (hub dedupe)', async () => {
    const order = await place();
    const messages = listen(orderChannel(order.id));
    (await k.changeStatus.execute({ order: order.id, status: 'confirmed', changedBy: 'admin' })).unwrap();
    const event = k.bus.ofType('ordering.order-status-changed');
    await k.bus.publish(event);
    await new PublishOrderStatusWhenOrderStatusChanged(hub).handle(event[0] as never);
    expect(messages).to.have.length(1);
    expect(await hub.lastId(orderChannel(order.id))).to.equal(1);
  });

  it('a cancellation is an order.status (cancelled) and the stock coming back moves the stock channel', async () => {
    const order = await place(3);
    const status = listen(orderChannel(order.id));
    const stock = listen(STOCK_CHANNEL);
    (await k.cancel.execute({ orderId: order.id, userId })).unwrap();
    expect(status.map((m) => (m.data as { status: string }).status)).to.deep.equal(['cancelled']);
    expect(stock.map((m) => m.data)).to.deep.equal([
      { productId, stock: 10, isAvailable: true, inStock: true, at: FIXED_NOW.toISOString() },
    ]);
  });

  it('a purchase moves the stock channel: every product of the order with its stock after it', async () => {
    const other = (await k.addProduct({ inventory: { stock: 1, lowStockThreshold: 1, isAvailable: true } }))
      .id;
    const stock = listen(STOCK_CHANNEL);
    await place(2, [
      { productId, quantity: 2 },
      { productId: other, quantity: 1 },
    ]);
    expect(stock.map((m) => [m.type, m.data])).to.deep.equal([
      [
        'stock.changed',
        { productId, stock: 8, isAvailable: true, inStock: true, at: FIXED_NOW.toISOString() },
      ],
      [
        'stock.changed',
        { productId: other, stock: 0, isAvailable: true, inStock: false, at: FIXED_NOW.toISOString() },
      ],
    ]);
    // Redelivered: nothing new on the channel.
    await new PublishStockWhenOrderPlaced(hub, k.products).handle(
      k.bus.ofType('ordering.order-placed')[0] as never,
    );
    expect(stock).to.have.length(2);
  });

  it('catalog notices read the current product: an update shows its availability, a deletion shows 0 and not offered', async () => {
    const stock = listen(STOCK_CHANNEL);
    const product = (await k.products.findById(productId))!;
    (
      await k.products.update({ ...product, inventory: { ...product.inventory, isAvailable: false } })
    ).unwrap();
    // The notice's own stock value is not trusted: the product is read.
    await k.bus.publish([stockChanged(productId, 999, k.clock.now(), testId())]);
    await k.bus.publish([productEvent('catalog.product-updated', productId, k.clock.now(), testId())]);
    await k.products.delete(productId);
    const deleted = productEvent('catalog.product-deleted', productId, k.clock.now(), testId());
    await k.bus.publish([deleted]);
    await k.bus.publish([deleted]);
    expect(stock.map((m) => [m.id, m.data])).to.deep.equal([
      [1, { productId, stock: 10, isAvailable: false, inStock: false, at: FIXED_NOW.toISOString() }],
      [2, { productId, stock: 10, isAvailable: false, inStock: false, at: FIXED_NOW.toISOString() }],
      [3, { productId, stock: 0, isAvailable: false, inStock: false, at: FIXED_NOW.toISOString() }],
    ]);
  });

  it('order.delivery: the update from the event payload, never who recorded it', async () => {
    const order = await place();
    const messages = listen(orderChannel(order.id));
    const event = orderEvent<DeliveryUpdated>(
      order,
      'ordering.delivery-updated',
      {
        ...orderRef(order),
        action: 'out-for-delivery',
        state: 'out_for_delivery',
        previousState: 'none',
        status: 'shipped',
        changedBy: 'courier-secret-id',
        note: 'on the way',
        courier: { name: 'Ravi', phone: '+91 90000 11111' },
        trackingNumber: 'TRK-1',
      },
      k.clock.now(),
    );
    await k.bus.publish([event]);
    await k.bus.publish([event]);
    expect(messages.map((m) => [m.type, m.data])).to.deep.equal([
      [
        'order.delivery',
        {
          orderId: order.id,
          orderNumber: order.orderNumber,
          action: 'out-for-delivery',
          state: 'out_for_delivery',
          status: 'shipped',
          at: FIXED_NOW.toISOString(),
          note: 'on the way',
          courier: { name: 'Ravi', phone: '+91 90000 11111' },
          trackingNumber: 'TRK-1',
        },
      ],
    ]);
    expect(JSON.stringify(messages)).to.not.contain('courier-secret-id');
  });

  it('order.payment: paid -> completed, failed -> failed, refunds partial then full', async () => {
    const order = await place();
    const messages = listen(orderChannel(order.id));
    const at = k.clock.now();
    const ref = orderRef(order);
    await k.bus.publish([
      orderEvent<OrderPaymentFailed>(
        order,
        'ordering.order-payment-failed',
        { ...ref, code: 'card_declined' },
        at,
      ),
    ]);
    const paid = { ...order, version: order.version + 1 };
    await k.bus.publish([
      orderEvent<OrderPaid>(
        paid,
        'ordering.order-paid',
        { ...ref, amount: order.total, paymentId: 'pay_1' },
        at,
      ),
    ]);
    const part = Math.floor(order.total / 2);
    await k.bus.publish([
      orderEvent<OrderRefunded>(
        { ...order, version: order.version + 2 },
        'ordering.order-refunded',
        { ...ref, amount: part, refundedTotal: part },
        at,
      ),
    ]);
    await k.bus.publish([
      orderEvent<OrderRefunded>(
        { ...order, version: order.version + 3 },
        'ordering.order-refunded',
        { ...ref, amount: order.total - part, refundedTotal: order.total },
        at,
      ),
    ]);
    expect(messages.map((m) => [m.type, (m.data as { paymentStatus: string }).paymentStatus])).to.deep.equal([
      ['order.payment', 'failed'],
      ['order.payment', 'completed'],
      ['order.payment', 'partially_refunded'],
      ['order.payment', 'refunded'],
    ]);
    expect(messages[0]!.data).to.deep.equal({
      orderId: order.id,
      orderNumber: order.orderNumber,
      paymentStatus: 'failed',
      at: at.toISOString(),
    });
  });

  describe('cart.updated', () => {
    it('a change through the cart use cases publishes the new cart on the user channel, once', async () => {
      const store = () => [k.carts, k.products, k.clock, k.ids, k.bus] as const;
      k.bus.subscribe('cart.cart-changed', new PublishCartWhenCartChanged(hub, new CurrentCart(...store())));
      const messages = listen(cartChannel(userId));
      const others = listen(cartChannel(testId()));
      const added = (await new AddToCart(...store()).execute({ userId, productId, quantity: 2 })).unwrap();
      const product = (await k.products.findById(productId))!;
      expect(messages.map((m) => [m.type, m.id])).to.deep.equal([['cart.updated', 1]]);
      expect(messages[0]!.data).to.deep.equal({
        cartId: added.cart.id,
        version: added.cart.version,
        items: [
          {
            id: added.cart.items[0]!.id,
            productId,
            name: product.name,
            image: product.images[0]!.url,
            quantity: 2,
            price: product.price / 100,
          },
        ],
        itemCount: 2,
        subtotal: (2 * product.price) / 100,
        discount: 0,
        total: (2 * product.price) / 100,
        updatedAt: FIXED_NOW.toISOString(),
      });
      (await new RemoveCartItem(...store()).execute({ userId, itemId: added.cart.items[0]!.id })).unwrap();
      expect(messages.map((m) => (m.data as { itemCount: number }).itemCount)).to.deep.equal([2, 0]);
      // Redelivery of the first notice: nothing new.
      await k.bus.publish([k.bus.ofType('cart.cart-changed')[0]!]);
      expect(messages).to.have.length(2);
      expect(others).to.deep.equal([]);
    });

    it('an order placed from the cart empties it on every device (through the cart store)', async () => {
      const store = () => [k.carts, k.products, k.clock, k.ids, k.bus] as const;
      k.bus.subscribe('cart.cart-changed', new PublishCartWhenCartChanged(hub, new CurrentCart(...store())));
      (await new AddToCart(...store()).execute({ userId, productId, quantity: 1 })).unwrap();
      const messages = listen(cartChannel(userId));
      (await k.place.execute(k.input(userId, { lines: { from: 'cart' } }))).unwrap();
      expect(messages.map((m) => [m.type, (m.data as { itemCount: number }).itemCount])).to.deep.equal([
        ['cart.updated', 0],
      ]);
    });

    it('a cart that no longer exists is published as an empty cart', async () => {
      const handler = new PublishCartWhenCartChanged(
        hub,
        new CurrentCart(k.carts, k.products, k.clock, k.ids, k.bus),
      );
      const messages = listen(cartChannel(userId));
      const cartId = testId();
      const event: CartChanged = {
        id: `${cartId}:x:cart.cart-changed`,
        type: 'cart.cart-changed',
        aggregateId: cartId,
        occurredAt: FIXED_NOW,
        payload: { cartId, userId },
      };
      await handler.handle(event);
      expect(messages.map((m) => m.data)).to.deep.equal([
        {
          cartId,
          version: 0,
          items: [],
          itemCount: 0,
          subtotal: 0,
          discount: 0,
          total: 0,
          updatedAt: FIXED_NOW.toISOString(),
        },
      ]);
      expect(await k.carts.findByUserId(userId)).to.equal(null);
    });
  });
});
