import { Err, Ok, type Result } from '../shared/result.js';
import { domainError, type DomainError } from '../shared/errors.js';
import { isCalendarDate } from '../delivery/slots.js';
import { orderEvent, orderRef, type DeliveryUpdated, type OrderEvent } from './events.js';
import { changeStatus, type Order, type OrderChange } from './order.js';
import type { OrderStatus } from './status.js';
import {
  ACTION_STATUSES,
  DELIVERY_TRANSITIONS,
  STATE_AFTER,
  type Courier,
  type DeliveryProgress,
  type DeliveryState,
  type DeliveryUpdate,
} from './delivery-progress.js';

export type DeliveryUpdateInput =
  | { readonly action: 'out-for-delivery'; readonly trackingNumber?: string }
  | {
      readonly action: 'delivered';
      readonly recipientName: string;
      /** A URL of the shop's image store (the upload route answers it); checked by the use case. */
      readonly proofPhotoUrl?: string;
    }
  | { readonly action: 'failed-attempt'; readonly reason: string }
  | {
      readonly action: 'rescheduled';
      /** The new day and slot, already booked by the caller (the order holds it from now on). */
      readonly date: string;
      readonly slot: string;
      readonly reason: string;
      /** When the new slot ends: the order's new estimated delivery (absent: unchanged). */
      readonly endsAt?: Date;
    };

export interface DeliveryContext {
  readonly by: Courier;
  readonly at: Date;
  readonly note?: string;
}

function trimmed(value: string | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}

const invalid = (field: string, message: string): DomainError =>
  domainError('VALIDATION_FAILED', message, { errors: [{ field, message }] });

export function deliveryStateOf(order: Pick<Order, 'deliveryProgress'>): DeliveryState | 'none' {
  return order.deliveryProgress?.state ?? 'none';
}

/** The update the input describes, checked (fields named on refusal). */
function updateOf(input: DeliveryUpdateInput, ctx: DeliveryContext): Result<DeliveryUpdate, DomainError> {
  const note = trimmed(ctx.note);
  const base = { action: input.action, at: ctx.at, by: ctx.by.id, ...(note !== undefined ? { note } : {}) };
  switch (input.action) {
    case 'out-for-delivery':
      return Ok(base);
    case 'delivered': {
      const recipientName = trimmed(input.recipientName);
      if (recipientName === undefined) return Err(invalid('recipientName', 'recipientName is required'));
      const proofPhotoUrl = trimmed(input.proofPhotoUrl);
      return Ok({ ...base, recipientName, ...(proofPhotoUrl !== undefined ? { proofPhotoUrl } : {}) });
    }
    case 'failed-attempt': {
      const reason = trimmed(input.reason);
      if (reason === undefined) return Err(invalid('reason', 'reason is required'));
      return Ok({ ...base, reason });
    }
    case 'rescheduled': {
      const reason = trimmed(input.reason);
      if (reason === undefined) return Err(invalid('reason', 'reason is required'));
      // Past, closed, unknown or full days and slots are the delivery calendar's (the use case).
      if (!isCalendarDate(input.date)) return Err(invalid('date', 'date must be a calendar day YYYY-MM-DD'));
      const slot = trimmed(input.slot);
      if (slot === undefined) return Err(invalid('slot', 'slot is required (HH:MM-HH:MM)'));
      return Ok({ ...base, reason, rescheduledTo: { date: input.date, slot } });
    }
  }
}

/**
 * Whether the update may be recorded on the order now: its fields (named on refusal), then the
 * transition. What updateDelivery checks first; a caller with work to do before the change (a
 * reschedule books its slot) asks this before that work.
 */
export function checkDeliveryUpdate(
  order: Order,
  input: DeliveryUpdateInput,
  ctx: DeliveryContext,
): Result<DeliveryUpdate, DomainError> {
  // Bad input is a 400 naming the field whatever state the order is in.
  const checked = updateOf(input, ctx);
  if (checked.isErr()) return checked;
  const from = deliveryStateOf(order);
  const { action } = input;
  if (!ACTION_STATUSES[action].includes(order.status) || !DELIVERY_TRANSITIONS[from].includes(action)) {
    return Err(
      domainError(
        'INVALID_DELIVERY_TRANSITION',
        `Cannot record ${action} on an order whose status is ${order.status} and delivery is ${from}`,
        { action, deliveryState: from, status: order.status },
      ),
    );
  }
  return checked;
}

/**
 * One delivery update: a transition of the delivery state machine (and, for out-for-delivery of
 * a processing order and for delivered, of the fulfilment one through changeStatus), appended to
 * the delivery timeline, recording `ordering.delivery-updated` with what a customer message
 * needs. Anything out of order is INVALID_DELIVERY_TRANSITION naming the state, status and action.
 */
export function updateDelivery(
  order: Order,
  input: DeliveryUpdateInput,
  ctx: DeliveryContext,
): Result<OrderChange, DomainError> {
  const checked = checkDeliveryUpdate(order, input, ctx);
  if (checked.isErr()) return checked;
  const update = checked.value;
  const from = deliveryStateOf(order);
  const { action } = input;

  // Fulfilment first (same aggregate version, so the events share the change).
  let base: Order = order;
  const events: OrderEvent[] = [];
  const statusTo: OrderStatus | null =
    action === 'delivered'
      ? 'delivered'
      : action === 'out-for-delivery' && order.status === 'processing'
        ? 'shipped'
        : null;
  if (statusTo !== null) {
    const noteFor = action === 'delivered' ? `Delivered to ${update.recipientName}` : 'Out for delivery';
    const moved = changeStatus(order, {
      to: statusTo,
      by: ctx.by.id,
      at: ctx.at,
      note: update.note ?? noteFor,
      ...(input.action === 'out-for-delivery' && input.trackingNumber !== undefined
        ? { trackingNumber: input.trackingNumber }
        : {}),
    });
    if (moved.isErr()) return moved;
    base = moved.value.order;
    events.push(...moved.value.events);
  } else if (input.action === 'out-for-delivery' && trimmed(input.trackingNumber) !== undefined) {
    base = { ...base, trackingNumber: trimmed(input.trackingNumber)! };
  } else if (input.action === 'rescheduled' && update.rescheduledTo?.slot !== undefined) {
    // The order's delivery is the one record of the slot it holds (the SlotCapacityStore's booking
    // follows it): a reschedule moves it, and the estimate with it.
    base = {
      ...base,
      delivery: { date: update.rescheduledTo.date, slot: update.rescheduledTo.slot },
      ...(input.endsAt !== undefined ? { estimatedDelivery: input.endsAt } : {}),
    };
  }

  const previous = order.deliveryProgress;
  const state = STATE_AFTER[action];
  const courier: Courier | undefined =
    action === 'out-for-delivery'
      ? {
          id: ctx.by.id,
          name: ctx.by.name,
          ...(trimmed(ctx.by.phone) !== undefined ? { phone: trimmed(ctx.by.phone)! } : {}),
        }
      : previous?.courier;
  const progress: DeliveryProgress = {
    state,
    timeline: [...(previous?.timeline ?? []), update],
    ...(courier !== undefined ? { courier } : {}),
    failedAttempts: (previous?.failedAttempts ?? 0) + (action === 'failed-attempt' ? 1 : 0),
    ...(action === 'delivered' ? { deliveredAt: ctx.at } : {}),
  };
  const next: Order = { ...base, deliveryProgress: progress, updatedAt: ctx.at };
  events.push(
    orderEvent<DeliveryUpdated>(
      order,
      'ordering.delivery-updated',
      {
        ...orderRef(order),
        action,
        state,
        previousState: from,
        status: next.status,
        changedBy: ctx.by.id,
        ...(update.note !== undefined ? { note: update.note } : {}),
        ...(update.reason !== undefined ? { reason: update.reason } : {}),
        ...(update.recipientName !== undefined ? { recipientName: update.recipientName } : {}),
        ...(update.proofPhotoUrl !== undefined ? { proofPhotoUrl: update.proofPhotoUrl } : {}),
        ...(update.rescheduledTo !== undefined ? { rescheduledTo: update.rescheduledTo } : {}),
        ...(courier !== undefined
          ? {
              courier: {
                name: courier.name,
                ...(courier.phone !== undefined ? { phone: courier.phone } : {}),
              },
            }
          : {}),
        ...(next.trackingNumber !== undefined ? { trackingNumber: next.trackingNumber } : {}),
      },
      ctx.at,
    ),
  );
  return Ok({ order: next, events });
}
