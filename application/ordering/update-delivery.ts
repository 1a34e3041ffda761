import { Err, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Order } from '../../domain/ordering/order.js';
import {
  checkDeliveryUpdate,
  updateDelivery,
  type DeliveryContext,
  type DeliveryUpdateInput,
} from '../../domain/ordering/delivery.js';
import type { Courier } from '../../domain/ordering/delivery-progress.js';
import type { DeliverySlotBooking } from '../delivery/index.js';
import type { ImageStore } from '../media/index.js';
import type { Clock, EventBus } from '../shared/ports.js';
import { changeOrder } from './change-order.js';
import type { OrderRepository } from './ports.js';
import { findOrder, orderNotFound } from './queries.js';

/** A delivery update as asked: a reschedule names its day and slot, the use case books them. */
export type DeliveryRequest =
  | Exclude<DeliveryUpdateInput, { readonly action: 'rescheduled' }>
  | Omit<Extract<DeliveryUpdateInput, { readonly action: 'rescheduled' }>, 'endsAt'>;

export interface UpdateDeliveryInput {
  /** The order's id or order number. */
  readonly order: string;
  readonly update: DeliveryRequest;
  /** The courier or admin recording it (name and phone shown on the tracking page). */
  readonly by: Courier;
  readonly note?: string;
}

const invalid = (field: string, message: string): DomainError =>
  domainError('VALIDATION_FAILED', `${field} ${message}`, { errors: [{ field, message }] });

/**
 * Records a delivery update (PUT /orders/:id/delivery) through the one order change path: the
 * transition, the timeline entry and `ordering.delivery-updated` (plus the status change when the
 * update moves the fulfilment status) are one version-guarded write of the order and its outbox.
 *
 * A reschedule books its new slot like a checkout (the same calendar checks and codes, a place
 * taken atomically in the SlotCapacityStore) around that write: the old place goes back once the
 * order holds the new slot, the new one when the write fails. The order's `delivery` is the slot
 * it holds. A delivered update's proof photo must be one the shop's image store holds (uploaded
 * with POST /orders/:id/delivery/proof).
 */
export class UpdateDelivery {
  constructor(
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly slots: DeliverySlotBooking,
    private readonly images: ImageStore,
  ) {}

  async execute(input: UpdateDeliveryInput): Promise<Result<Order, DomainError>> {
    const now = this.clock.now();
    const ctx: DeliveryContext = {
      by: input.by,
      at: now,
      ...(input.note !== undefined ? { note: input.note } : {}),
    };
    const { update } = input;
    if (update.action === 'delivered' && update.proofPhotoUrl !== undefined) {
      if (!this.images.owns(update.proofPhotoUrl.trim())) {
        return Err(
          invalid(
            'proofPhotoUrl',
            "must be a photo stored by the shop's image store (POST /orders/:id/delivery/proof answers it)",
          ),
        );
      }
    }
    if (update.action !== 'rescheduled') return this.change(input.order, update, ctx);

    const order = await findOrder(this.orders, input.order);
    if (!order) return Err(orderNotFound());
    const allowed = checkDeliveryUpdate(order, update, ctx);
    if (allowed.isErr()) return allowed;
    const chosen = this.slots.check({ date: update.date, slot: update.slot.trim() }, now, 'date');
    if (chosen.isErr()) return chosen;
    const { date, slot, endsAt } = chosen.value;
    const booked: DeliveryUpdateInput = { ...update, date, slot, endsAt };
    const holds = (o: Order | null) => o?.delivery?.date === date && o.delivery.slot === slot;
    // Already its slot: nothing to book or give back.
    if (holds(order)) return this.change(order.id, booked, ctx);
    return this.slots.moveAround(
      chosen.value,
      order.id,
      now,
      async () => holds(await this.orders.findById(order.id)),
      () => this.change(order.id, booked, ctx),
    );
  }

  private async change(
    ref: string,
    update: DeliveryUpdateInput,
    ctx: DeliveryContext,
  ): Promise<Result<Order, DomainError>> {
    const run = await changeOrder(
      this.orders,
      this.events,
      () => findOrder(this.orders, ref),
      (order) => updateDelivery(order, update, ctx),
    );
    return run.map((r) => r.order);
  }
}
