import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { cancelByOwner, isOwnedBy, type Order } from '../../domain/ordering/order.js';
import type { Clock, EventBus } from '../shared/ports.js';
import { changeOrder } from './change-order.js';
import type { OrderRepository } from './ports.js';

/**
 * The owner cancels while the order is pending or confirmed (the optimistic save lets only one
 * cancellation win). Others' orders are "not found". What follows a cancellation (stock, promo
 * use, refund, mail) is done by the handlers of `ordering.order-cancelled`.
 */
export class CancelOrder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async execute(input: {
    readonly orderId: string;
    readonly userId: string;
    readonly reason?: string;
  }): Promise<Result<Order, DomainError>> {
    const run = await changeOrder(
      this.orders,
      this.events,
      async () => {
        const order = await this.orders.findById(input.orderId);
        return order && isOwnedBy(order, input.userId) ? order : null;
      },
      (order) =>
        cancelByOwner(order, {
          by: input.userId,
          at: this.clock.now(),
          ...(input.reason !== undefined ? { reason: input.reason } : {}),
        }),
    );
    return run.map((r) => r.order);
  }
}
