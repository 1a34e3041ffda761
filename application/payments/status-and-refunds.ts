import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import type { DomainEvent } from '../../domain/shared/events.js';
import { isOwnedBy, type Order, type OrderCancelled } from '../../domain/ordering/order.js';
import { refundable } from '../../domain/ordering/order-payment.js';
import type { PaymentRecord } from '../../domain/payments/payment-record.js';
import type { OrderRepository } from '../ordering/ports.js';
import type { AppLogger, EventBus, StartupTask } from '../shared/ports.js';
import type { PaymentRepository } from './ports.js';
import { SYSTEM_ACTOR, type PaymentSettlement } from './settlement.js';
import { orderNotFound } from './support.js';

export interface PaymentStatusView {
  readonly order: Order;
  /** The order's payment records, newest first. */
  readonly payments: readonly PaymentRecord[];
}

/** GET /payments/status/:orderId (compat 7): the owner's (or an admin's) order payment state. */
export class GetPaymentStatus {
  constructor(
    private readonly orders: OrderRepository,
    private readonly payments: PaymentRepository,
  ) {}

  async execute(input: {
    readonly orderId: string;
    readonly userId: string;
    readonly isAdmin: boolean;
  }): Promise<Result<PaymentStatusView, DomainError>> {
    const order = await this.orders.findById(input.orderId);
    if (!order || (!input.isAdmin && !isOwnedBy(order, input.userId))) return Err(orderNotFound());
    return Ok({ order, payments: await this.payments.findByOrderId(order.id) });
  }
}

/** Admin POST /payments/refund: full (default) or partial; order and payment statuses follow. */
export class RefundPayment {
  constructor(private readonly settlement: PaymentSettlement) {}

  async execute(input: {
    readonly orderId: string;
    readonly amount?: Money;
    readonly reason?: string;
    readonly adminId: string;
  }): Promise<Result<Order, DomainError>> {
    return this.settlement.refund(input.orderId, {
      by: input.adminId,
      ...(input.amount !== undefined ? { amount: input.amount } : {}),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
    });
  }
}

/**
 * A paid order that is cancelled (by its owner or an admin) is refunded in full through the
 * gateway; stock goes back as the cancellation does it. Subscribed to OrderCancelled at start
 * (the in-process bus runs it before the cancelling request returns).
 */
export class RefundCancelledOrders implements StartupTask {
  readonly name = 'payments: refund cancelled orders';

  constructor(
    private readonly bus: EventBus,
    private readonly orders: OrderRepository,
    private readonly settlement: PaymentSettlement,
    private readonly logger: AppLogger,
  ) {}

  async run(): Promise<void> {
    this.bus.subscribe('OrderCancelled', (event: DomainEvent) => this.handle(event as OrderCancelled));
  }

  async handle(event: OrderCancelled): Promise<void> {
    const order = await this.orders.findById(event.payload.orderId);
    if (!order || refundable(order) === 0) return;
    const refunded = await this.settlement.refund(order.id, {
      by: SYSTEM_ACTOR,
      reason: 'Order cancelled',
      key: `cancel:${order.id}`,
    });
    if (refunded.isErr()) {
      this.logger.error('refund of a cancelled order failed', {
        orderId: order.id,
        code: refunded.error.code,
      });
    }
  }
}
