import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Order } from '../../domain/ordering/order.js';
import { updateDelivery, type DeliveryUpdateInput } from '../../domain/ordering/delivery.js';
import type { Courier } from '../../domain/ordering/delivery-progress.js';
import type { Clock, EventBus } from '../shared/ports.js';
import { changeOrder } from './change-order.js';
import type { OrderRepository } from './ports.js';
import { findOrder } from './queries.js';

export interface UpdateDeliveryInput {
  /** The order's id or order number. */
  readonly order: string;
  readonly update: DeliveryUpdateInput;
  /** The courier or admin recording it (name and phone shown on the tracking page). */
  readonly by: Courier;
  readonly note?: string;
}

/**
 * Records a delivery update (PUT /orders/:id/delivery) through the one order change path: the
 * transition, the timeline entry and `ordering.delivery-updated` (plus the status change when the
 * update moves the fulfilment status) are one version-guarded write of the order and its outbox.
 */
export class UpdateDelivery {
  constructor(
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async execute(input: UpdateDeliveryInput): Promise<Result<Order, DomainError>> {
    const run = await changeOrder(
      this.orders,
      this.events,
      () => findOrder(this.orders, input.order),
      (order) =>
        updateDelivery(order, input.update, {
          by: input.by,
          at: this.clock.now(),
          ...(input.note !== undefined ? { note: input.note } : {}),
        }),
    );
    return run.map((r) => r.order);
  }
}
