import type { Money } from '../../domain/shared/money.js';
import type { CheckoutGateway, GatewayOrder } from '../../application/payments/ports.js';
import { verifyRazorpayPaymentSignature } from './razorpay-signature.js';

/**
 * The storefront's Razorpay-shaped gateway in memory: `order_...` ids (deterministic counters),
 * idempotent by key; signatures are checked exactly as for the real gateway (HMAC-SHA256 of
 * `<order_id>|<payment_id>` under RAZORPAY_KEY_SECRET, the documented dev secret by default),
 * so a client (or test) holding the secret produces signatures `verify` accepts.
 */
export class FakeCheckoutGateway implements CheckoutGateway {
  readonly name = 'razorpay';
  private counter = 0;
  private readonly byKey = new Map<string, GatewayOrder>();
  private readonly refunds = new Map<string, { readonly id: string; readonly amount: Money }>();

  constructor(
    readonly keyId: string,
    private readonly keySecret: string,
  ) {}

  async createOrder(input: {
    readonly amount: Money;
    readonly currency: string;
    readonly receipt: string;
    readonly idempotencyKey: string;
  }): Promise<GatewayOrder> {
    const known = this.byKey.get(input.idempotencyKey);
    if (known) return known;
    this.counter += 1;
    const order: GatewayOrder = {
      id: `order_Fake${String(this.counter).padStart(10, '0')}`,
      amount: input.amount,
      currency: input.currency,
      receipt: input.receipt,
    };
    this.byKey.set(input.idempotencyKey, order);
    return order;
  }

  verifyPaymentSignature(input: {
    readonly orderId: string;
    readonly paymentId: string;
    readonly signature: string;
  }): boolean {
    return verifyRazorpayPaymentSignature(input, this.keySecret);
  }

  async refund(input: {
    readonly paymentId: string;
    readonly amount: Money;
    readonly idempotencyKey: string;
  }): Promise<{
    readonly id: string;
    readonly amount: Money;
  }> {
    const key = `refund:${input.idempotencyKey}`;
    const known = this.refunds.get(key);
    if (known) return known;
    this.counter += 1;
    const refund = { id: `rfnd_Fake${String(this.counter).padStart(10, '0')}`, amount: input.amount };
    this.refunds.set(key, refund);
    return refund;
  }
}
