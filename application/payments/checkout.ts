import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import { isOwnedBy, type Order } from '../../domain/ordering/order.js';
import { newPaymentRecord } from '../../domain/payments/payment-record.js';
import type { UserRepository } from '../identity/index.js';
import type { OrderRepository } from '../ordering/index.js';
import type { AppLogger, Clock, IdGenerator } from '../shared/ports.js';
import { linkOrder, recordFor } from './intents.js';
import { latestCheckoutRecord } from './references.js';
import type { CheckoutGateway, PaymentRepository, PaymentSettings } from './ports.js';
import type { PaymentSettlement } from './settlement.js';
import { callGateway, findPayableOrder, orderNotFound, paymentsDisabled } from './support.js';

export interface CheckoutOrderView {
  readonly gatewayOrderId: string;
  readonly amount: Money;
  readonly currency: string;
  readonly keyId: string;
  readonly order: Order;
  readonly customerName: string;
  readonly customerEmail: string;
  readonly customerPhone?: string;
}

/**
 * POST /payments/create-order (compat 7): a gateway order for the owner's unpaid order, for the
 * ORDER's total (the client's amount and currency are ignored). Retries answer the same
 * gateway order (idempotency key: order, amount, currency).
 */
export class CreateCheckoutOrder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly users: UserRepository,
    private readonly payments: PaymentRepository,
    private readonly checkout: CheckoutGateway,
    private readonly settings: PaymentSettings,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly logger: AppLogger,
  ) {}

  async execute(input: {
    readonly orderId: string;
    readonly userId: string;
  }): Promise<Result<CheckoutOrderView, DomainError>> {
    // Never a fake gateway order (or the dev key id) where no real gateway is configured.
    if (!this.settings.checkoutEnabled) return Err(paymentsDisabled());
    const payable = await findPayableOrder(this.orders, input.orderId, input.userId);
    if (payable.isErr()) return payable;
    const order = payable.value;
    const currency = this.settings.currency.toUpperCase();
    // A retry reuses the order's latest gateway order (the real gateway has no idempotency keys).
    const known = latestCheckoutRecord(await this.payments.findByOrderId(order.id), this.checkout.name);
    const created =
      known && known.amount === order.total && known.currency === currency
        ? Ok({
            id: known.intentId,
            amount: known.amount,
            currency: known.currency,
            receipt: `order_${order.id}`,
          })
        : await callGateway(
            () =>
              this.checkout.createOrder({
                amount: order.total,
                currency,
                receipt: `order_${order.id}`,
                idempotencyKey: `checkout:${order.id}:${order.total}:${currency}`,
              }),
            'Failed to create payment order',
          );
    if (created.isErr()) {
      this.logger.error('gateway order creation failed', {
        orderId: order.id,
        details: created.error.details,
      });
      return created;
    }
    const now = this.clock.now();
    const record = await recordFor(
      this.payments,
      newPaymentRecord({
        id: this.ids.next(),
        orderId: order.id,
        userId: order.userId,
        gateway: this.checkout.name,
        intentId: created.value.id,
        amount: created.value.amount,
        currency: created.value.currency,
        now,
      }),
    );
    if (record.isErr()) return record;
    // A new gateway order is linked once (a retry answering the same one changes nothing).
    let linked = order;
    if (record.value.created) {
      const saved = await linkOrder(this.orders, order.id, now);
      if (saved.isErr()) return saved;
      linked = saved.value;
    }
    const user = await this.users.findById(order.userId);
    const phone = order.shippingAddress.phone ?? user?.phone;
    return Ok({
      gatewayOrderId: created.value.id,
      amount: created.value.amount,
      currency: created.value.currency,
      keyId: this.checkout.keyId,
      order: linked,
      customerName: order.shippingAddress.fullName || (user?.fullName ?? ''),
      customerEmail: user?.email ?? '',
      ...(phone !== undefined ? { customerPhone: phone } : {}),
    });
  }
}

/**
 * POST /payments/verify (compat 7): the checkout widget's signature must be the HMAC of
 * `<order_id>|<payment_id>` under the key secret, AND the gateway order must be this order's
 * (a valid signature of another, cheaper order pays nothing). Idempotent: verifying again
 * answers the paid order.
 */
export class VerifyCheckoutPayment {
  constructor(
    private readonly orders: OrderRepository,
    private readonly payments: PaymentRepository,
    private readonly checkout: CheckoutGateway,
    private readonly settings: PaymentSettings,
    private readonly settlement: PaymentSettlement,
  ) {}

  async execute(input: {
    readonly orderId: string;
    readonly userId: string;
    readonly gatewayOrderId: string;
    readonly gatewayPaymentId: string;
    readonly signature: string;
  }): Promise<Result<{ readonly order: Order; readonly paymentId: string }, DomainError>> {
    if (!this.settings.checkoutEnabled) return Err(paymentsDisabled());
    const order = await this.orders.findById(input.orderId);
    if (!order || !isOwnedBy(order, input.userId)) return Err(orderNotFound());
    const invalid = () => Err(domainError('PAYMENT_SIGNATURE_INVALID', 'Invalid payment signature'));
    const record = await this.payments.findByIntentId(input.gatewayOrderId);
    if (!record || record.orderId !== order.id || record.gateway !== this.checkout.name) return invalid();
    const valid = this.checkout.verifyPaymentSignature({
      orderId: input.gatewayOrderId,
      paymentId: input.gatewayPaymentId,
      signature: input.signature,
    });
    if (!valid) return invalid();
    const paid = await this.settlement.succeeded(record, {
      gatewayPaymentId: input.gatewayPaymentId,
      method: 'razorpay',
      signature: input.signature,
      by: input.userId,
    });
    if (paid.isErr()) return paid;
    return Ok({ order: paid.value, paymentId: input.gatewayPaymentId });
  }
}
