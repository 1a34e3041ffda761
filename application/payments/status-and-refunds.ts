import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import { isOwnedBy, type Order } from '../../domain/ordering/order.js';
import type { PaymentRecord } from '../../domain/payments/payment-record.js';
import type { OrderRepository } from '../ordering/index.js';
import type { PaymentRepository } from './ports.js';
import { type PaymentSettlement } from './settlement.js';
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
