import type { OrderCancelled } from '../../domain/ordering/events.js';
import { refundable } from '../../domain/ordering/order-payment.js';
import type { OrderRepository } from '../ordering/index.js';
import type { EventHandler } from '../shared/ports.js';
import { SYSTEM_ACTOR, type PaymentSettlement } from './settlement.js';

/**
 * A paid order that is cancelled (by its owner or an admin) is refunded in full through the
 * gateway. The refund's idempotency key is the order's (`cancel:<id>`) and an order with nothing
 * left to refund is skipped, so a redelivered event never refunds twice. A refused refund is an
 * error: the event stays pending and the sweeper tries again.
 */
export class RefundPaymentWhenPaidOrderCancelled implements EventHandler<OrderCancelled> {
  readonly name = 'RefundPaymentWhenPaidOrderCancelled';

  constructor(
    private readonly orders: OrderRepository,
    private readonly settlement: PaymentSettlement,
  ) {}

  async handle(event: OrderCancelled): Promise<void> {
    const order = await this.orders.findById(event.payload.orderId);
    if (!order || refundable(order) === 0) return;
    const refunded = await this.settlement.refund(order.id, {
      by: SYSTEM_ACTOR,
      reason: 'Order cancelled',
      key: `cancel:${order.id}`,
    });
    if (refunded.isErr() && refunded.error.code !== 'ORDER_NOT_PAID') {
      throw new Error(`refund of cancelled order ${order.id} failed: ${refunded.error.code}`);
    }
  }
}
