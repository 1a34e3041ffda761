import type {
  OrderExpired,
  OrderPaid,
  OrderPaymentFailed,
  OrderPlaced,
} from '../../domain/ordering/events.js';
import { toMajor } from '../../domain/shared/money.js';
import type { Metrics } from '../shared/metrics.js';
import type { EventHandler } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';

/*
 * Business metrics from the ordering events (Prometheus: README "Health and metrics"). Fleet
 * handlers: each runs under a claim in the handled-event store, so a redelivered event (the
 * sweeper, another instance) is counted once in the fleet, by the instance that handled it.
 */

/** orders_placed_total, and promo_redemptions_total when the order redeemed a code. */
export class CountOrderWhenOrderPlaced implements EventHandler<OrderPlaced> {
  readonly name = 'CountOrderWhenOrderPlaced';

  constructor(private readonly metrics: Metrics) {}

  async handle(event: OrderPlaced): Promise<void> {
    this.metrics.count('orders_placed_total', {});
    if (event.payload.promoCode) this.metrics.count('promo_redemptions_total', {});
  }
}

/** revenue_total: the amount of each captured payment, in the shop currency's major units. */
export class CountRevenueWhenOrderPaid implements EventHandler<OrderPaid> {
  readonly name = 'CountRevenueWhenOrderPaid';

  constructor(private readonly metrics: Metrics) {}

  async handle(event: OrderPaid): Promise<void> {
    this.metrics.count('revenue_total', {}, toMajor(event.payload.amount));
  }
}

/** payments_failed_total by the order's payment method (`provider`; `unknown` if the order is gone). */
export class CountFailureWhenPaymentFailed implements EventHandler<OrderPaymentFailed> {
  readonly name = 'CountFailureWhenPaymentFailed';

  constructor(
    private readonly orders: OrderRepository,
    private readonly metrics: Metrics,
  ) {}

  async handle(event: OrderPaymentFailed): Promise<void> {
    const order = await this.orders.findById(event.payload.orderId);
    this.metrics.count('payments_failed_total', { provider: order?.paymentInfo.method ?? 'unknown' });
  }
}

/**
 * carts_abandoned_total: a checkout abandoned, i.e. an order placed and never paid that expired
 * (ExpireUnpaidOrders). Carts that never reach checkout record no event; the admin analytics
 * count those (domain/analytics/figures.ts).
 */
export class CountAbandonedWhenOrderExpired implements EventHandler<OrderExpired> {
  readonly name = 'CountAbandonedWhenOrderExpired';

  constructor(private readonly metrics: Metrics) {}

  async handle(): Promise<void> {
    this.metrics.count('carts_abandoned_total', {});
  }
}
