import type { OrderCancelled } from '../../domain/ordering/events.js';
import type { EventHandler } from '../shared/ports.js';
import type { SlotCapacityStore } from './ports.js';

/**
 * Gives the order's delivery slot back when the order is cancelled (by its owner, an admin or
 * payment expiry). Release is once per order, so a redelivered event frees nothing twice.
 */
export class ReleaseSlotWhenOrderCancelled implements EventHandler<OrderCancelled> {
  readonly name = 'ReleaseSlotWhenOrderCancelled';

  constructor(private readonly store: SlotCapacityStore) {}

  async handle(event: OrderCancelled): Promise<void> {
    await this.store.release(event.payload.orderId);
  }
}
