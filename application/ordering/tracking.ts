import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { isOwnedBy, storefrontStatus, type Order } from '../../domain/ordering/order.js';
import type { OrderProgressStatus, OrderStatus } from '../../domain/ordering/status.js';
import type { DeliveryAction, DeliveryDay, DeliveryState } from '../../domain/ordering/delivery-progress.js';
import type { OrderRepository } from './ports.js';
import { findOrder, orderNotFound } from './queries.js';

/** One entry of the tracking timeline: a status change or a delivery update. */
export type TrackingEntry =
  | { readonly kind: 'status'; readonly at: Date; readonly status: OrderStatus; readonly note?: string }
  | {
      readonly kind: 'delivery';
      readonly at: Date;
      readonly action: DeliveryAction;
      readonly note?: string;
      readonly reason?: string;
      readonly recipientName?: string;
      readonly proofPhotoUrl?: string;
      readonly rescheduledTo?: DeliveryDay;
    };

/** When the flowers should arrive, and what says so: the slot the order holds (chosen at checkout or by a reschedule), else the estimate. */
export interface Eta {
  readonly date: string;
  readonly slot?: string;
  readonly source: 'rescheduled' | 'chosen' | 'estimate';
}

export interface OrderTracking {
  readonly order: Order;
  readonly status: OrderStatus;
  readonly orderStatus: OrderProgressStatus;
  readonly deliveryState: DeliveryState | 'none';
  /** Oldest first. */
  readonly timeline: readonly TrackingEntry[];
  /** The day and slot the order holds (chosen at checkout, moved by reschedules), when it has one. */
  readonly chosenDelivery?: DeliveryDay;
  /** Absent once delivered or cancelled. */
  readonly eta?: Eta;
  readonly courier?: { readonly name: string; readonly phone?: string };
  readonly trackingNumber?: string;
  readonly deliveredAt?: Date;
  readonly failedAttempts: number;
}

/** The delivery day and slot the order holds (Order.delivery: the checkout's, or the last reschedule's). */
export function chosenDeliveryOf(order: Order): DeliveryDay | undefined {
  return order.delivery ? { date: order.delivery.date, slot: order.delivery.slot } : undefined;
}

/** The tracking view of an order (pure): timeline merged oldest first, ETA, courier. */
export function trackingOf(order: Order): OrderTracking {
  const progress = order.deliveryProgress;
  const entries: TrackingEntry[] = [
    ...order.statusHistory.map((h): TrackingEntry => ({
      kind: 'status',
      at: h.changedAt,
      status: h.status,
      ...(h.note !== undefined ? { note: h.note } : {}),
    })),
    ...(progress?.timeline ?? []).map((u): TrackingEntry => ({
      kind: 'delivery',
      at: u.at,
      action: u.action,
      ...(u.note !== undefined ? { note: u.note } : {}),
      ...(u.reason !== undefined ? { reason: u.reason } : {}),
      ...(u.recipientName !== undefined ? { recipientName: u.recipientName } : {}),
      ...(u.proofPhotoUrl !== undefined ? { proofPhotoUrl: u.proofPhotoUrl } : {}),
      ...(u.rescheduledTo !== undefined ? { rescheduledTo: u.rescheduledTo } : {}),
    })),
  ];
  // Stable: at equal instants a status change comes before the delivery update that caused it.
  const timeline = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i)
    .map(({ e }) => e);

  const chosen = chosenDeliveryOf(order);
  let eta: Eta | undefined;
  if (order.status !== 'delivered' && order.status !== 'cancelled') {
    const rescheduled = progress?.timeline.some((u) => u.action === 'rescheduled') ?? false;
    if (chosen) eta = { ...chosen, source: rescheduled ? 'rescheduled' : 'chosen' };
    else eta = { date: order.estimatedDelivery.toISOString().slice(0, 10), source: 'estimate' };
  }
  const courier = progress?.courier;
  return {
    order,
    status: order.status,
    orderStatus: storefrontStatus(order),
    deliveryState: progress?.state ?? 'none',
    timeline,
    ...(chosen !== undefined ? { chosenDelivery: chosen } : {}),
    ...(eta !== undefined ? { eta } : {}),
    ...(courier !== undefined
      ? { courier: { name: courier.name, ...(courier.phone !== undefined ? { phone: courier.phone } : {}) } }
      : {}),
    ...(order.trackingNumber !== undefined ? { trackingNumber: order.trackingNumber } : {}),
    ...(progress?.deliveredAt !== undefined ? { deliveredAt: progress.deliveredAt } : {}),
    failedAttempts: progress?.failedAttempts ?? 0,
  };
}

/** GET /orders/:id/tracking: the owner, or staff (admin, courier); anyone else gets "not found". */
export class TrackOrder {
  constructor(private readonly orders: OrderRepository) {}

  async execute(input: {
    readonly order: string;
    readonly userId: string;
    readonly isStaff: boolean;
  }): Promise<Result<OrderTracking, DomainError>> {
    const order = await findOrder(this.orders, input.order);
    if (!order || (!input.isStaff && !isOwnedBy(order, input.userId))) return Err(orderNotFound());
    return Ok(trackingOf(order));
  }
}
