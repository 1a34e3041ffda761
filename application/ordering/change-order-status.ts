import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { changeStatus, type Order } from '../../domain/ordering/order.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import type { Clock, EventBus } from '../shared/ports.js';
import { changeOrder } from './change-order.js';
import type { OrderRepository } from './ports.js';
import { findOrder } from './queries.js';

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
    const run = await changeOrder(
      this.orders,
      this.events,
      () => findOrder(this.orders, input.order),
      (order) =>
        changeStatus(order, {
          to: input.status,
          by: input.changedBy,
          at: this.clock.now(),
          ...(input.note !== undefined ? { note: input.note } : {}),
          ...(input.trackingNumber !== undefined ? { trackingNumber: input.trackingNumber } : {}),
          ...(input.statusMessage !== undefined ? { statusMessage: input.statusMessage } : {}),
        }),
    );
    return run.map((r) => r.order);
  }
}
