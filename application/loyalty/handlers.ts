import type { OrderRefunded, OrderStatusChanged } from '../../domain/ordering/events.js';
import { pointsForOrder, pointsToTakeBack } from '../../domain/loyalty/points.js';
import type { OrderRepository } from '../ordering/index.js';
import type { EventHandler } from '../shared/ports.js';
import type { LoyaltyAccount } from './account.js';
import type { LoyaltyLedger } from './ports.js';

/**
 * Credits 1 point per full rupee of the order's total when it is delivered (domain/loyalty).
 * The ledger entry's id is the event's, so a redelivered event never counts twice.
 */
export class AwardPointsWhenOrderDelivered implements EventHandler<OrderStatusChanged> {
  readonly name = 'AwardPointsWhenOrderDelivered';

  constructor(
    private readonly orders: OrderRepository,
    private readonly account: LoyaltyAccount,
  ) {}

  async handle(event: OrderStatusChanged): Promise<void> {
    if (event.payload.to !== 'delivered') return;
    const order = await this.orders.findById(event.payload.orderId);
    if (!order) return;
    const points = pointsForOrder(order.total);
    if (points === 0) return;
    await this.account.record({
      id: event.id,
      userId: order.userId,
      requested: points,
      reason: 'order-delivered',
      orderId: order.id,
      at: event.occurredAt,
    });
  }
}

/**
 * Takes back the points a refunded order earned, in proportion to what was refunded of it in all
 * (domain/loyalty pointsToTakeBack); an order that was never delivered earned nothing and loses
 * nothing. Keyed by the event's id like the award.
 */
export class TakeBackPointsWhenOrderRefunded implements EventHandler<OrderRefunded> {
  readonly name = 'TakeBackPointsWhenOrderRefunded';

  constructor(
    private readonly orders: OrderRepository,
    private readonly ledger: LoyaltyLedger,
    private readonly account: LoyaltyAccount,
  ) {}

  async handle(event: OrderRefunded): Promise<void> {
    const { orderId, userId, refundedTotal } = event.payload;
    const order = await this.orders.findById(orderId);
    if (!order) return;
    // Computed after each read of the ledger's head, so parallel refunds of one order never
    // take back the same share twice.
    await this.account.recordComputed(event.id, userId, async () => {
      const entries = await this.ledger.forOrder(userId, orderId);
      const sum = (reason: string) =>
        entries.filter((e) => e.reason === reason).reduce((n, e) => n + e.requested, 0);
      const points = pointsToTakeBack({
        earned: sum('order-delivered'),
        orderTotal: order.total,
        refundedTotal,
        alreadyTakenBack: -sum('order-refunded'),
      });
      if (points === 0) return null;
      return {
        id: event.id,
        userId,
        requested: -points,
        reason: 'order-refunded',
        orderId,
        at: event.occurredAt,
      };
    });
  }
}
