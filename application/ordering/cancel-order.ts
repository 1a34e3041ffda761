import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { cancelByOwner, isOwnedBy, type Order } from '../../domain/ordering/order.js';
import type { ProductRepository } from '../catalog/ports.js';
import type { Clock, EventBus } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';
import { orderNotFound } from './queries.js';
import { releaseAll, stockNeeds } from './stock.js';

/** Optimistic saves lost to a concurrent writer are retried on a fresh read this many times. */
export const SAVE_ATTEMPTS = 5;

/**
 * The owner cancels while the order is pending or confirmed; stock goes back exactly once (the
 * optimistic save lets only one cancellation win). Others' orders are "not found".
 */
export class CancelOrder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly products: ProductRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async execute(input: {
    readonly orderId: string;
    readonly userId: string;
    readonly reason?: string;
  }): Promise<Result<Order, DomainError>> {
    for (let attempt = 0; ; attempt++) {
      const order = await this.orders.findById(input.orderId);
      if (!order || !isOwnedBy(order, input.userId)) return Err(orderNotFound());
      const change = cancelByOwner(order, {
        by: input.userId,
        at: this.clock.now(),
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
      });
      if (change.isErr()) return change;
      const saved = await this.orders.update(change.value.order);
      if (saved.isErr()) {
        if (saved.error.code === 'CONFLICT' && attempt + 1 < SAVE_ATTEMPTS) continue;
        return saved;
      }
      await releaseAll(this.products, stockNeeds(saved.value.items), {
        actor: input.userId,
        reference: saved.value.id,
      });
      await this.events.publish(change.value.events);
      return Ok(saved.value);
    }
  }
}
