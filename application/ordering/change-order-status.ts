import { Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { changeStatus, type Order } from '../../domain/ordering/order.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import type { Clock, EventBus } from '../shared/ports.js';
import { retryOnConflict } from '../shared/retry-on-conflict.js';
import { SAVE_ATTEMPTS } from './cancel-order.js';
import type { OrderRepository } from './ports.js';
import { findOrder, orderNotFound } from './queries.js';

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

/** Admin workflow along the state machine; the handlers of its events do what follows. */
export class ChangeOrderStatus {
  constructor(
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async execute(input: ChangeOrderStatusInput): Promise<Result<Order, DomainError>> {
    const run = await retryOnConflict({
      load: () => findOrder(this.orders, input.order),
      notFound: orderNotFound,
      change: (order) =>
        changeStatus(order, {
          to: input.status,
          by: input.changedBy,
          at: this.clock.now(),
          ...(input.note !== undefined ? { note: input.note } : {}),
          ...(input.trackingNumber !== undefined ? { trackingNumber: input.trackingNumber } : {}),
          ...(input.statusMessage !== undefined ? { statusMessage: input.statusMessage } : {}),
        }),
      save: (change) => this.orders.update(change.order, change.events),
      attempts: SAVE_ATTEMPTS,
    });
    if (run.isErr()) return run;
    const { saved, next: change } = run.value;
    await this.events.publish(change.events);
    return Ok(saved);
  }
}
