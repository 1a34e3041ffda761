import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { changeStatus, type Order } from '../../domain/ordering/order.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import type { ProductRepository } from '../catalog/ports.js';
import type { Clock, EventBus } from '../shared/ports.js';
import { SAVE_ATTEMPTS } from './cancel-order.js';
import type { OrderRepository } from './ports.js';
import { findOrder, orderNotFound } from './queries.js';
import { releaseAll, stockNeeds } from './stock.js';

export interface ChangeOrderStatusInput {
  /** The order's id or its order number (the CLI's `order:status <orderNumber> <status>`). */
  readonly order: string;
  readonly status: OrderStatus;
  /** The admin's user id. */
  readonly changedBy: string;
  readonly trackingNumber?: string;
  readonly statusMessage?: string;
  readonly note?: string;
}

/** Admin workflow along the state machine; a cancellation here puts the stock back too. */
export class ChangeOrderStatus {
  constructor(
    private readonly orders: OrderRepository,
    private readonly products: ProductRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async execute(input: ChangeOrderStatusInput): Promise<Result<Order, DomainError>> {
    for (let attempt = 0; ; attempt++) {
      const order = await findOrder(this.orders, input.order);
      if (!order) return Err(orderNotFound());
      const change = changeStatus(order, {
        to: input.status,
        by: input.changedBy,
        at: this.clock.now(),
        ...(input.note !== undefined ? { note: input.note } : {}),
        ...(input.trackingNumber !== undefined ? { trackingNumber: input.trackingNumber } : {}),
        ...(input.statusMessage !== undefined ? { statusMessage: input.statusMessage } : {}),
      });
      if (change.isErr()) return change;
      const saved = await this.orders.update(change.value.order);
      if (saved.isErr()) {
        if (saved.error.code === 'CONFLICT' && attempt + 1 < SAVE_ATTEMPTS) continue;
        return saved;
      }
      if (saved.value.status === 'cancelled') {
        await releaseAll(this.products, stockNeeds(saved.value.items), {
          actor: input.changedBy,
          reference: saved.value.id,
        });
      }
      await this.events.publish(change.value.events);
      return Ok(saved.value);
    }
  }
}
