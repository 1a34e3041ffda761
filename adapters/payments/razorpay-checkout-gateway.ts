import Razorpay from 'razorpay';
import type { Money } from '../../domain/shared/money.js';
import type { CheckoutGateway, GatewayOrder } from '../../application/payments/ports.js';
import { verifyRazorpayPaymentSignature } from './razorpay-signature.js';

export interface RazorpaySettings {
  readonly keyId: string;
  readonly keySecret: string;
  /** Tests only: the API host (the SDK hard-codes https://api.razorpay.com). */
  readonly hostUrl?: string;
}

/**
 * The storefront's gateway on the official `razorpay` SDK (RAZORPAY_KEY_ID + RAZORPAY_KEY_SECRET):
 * `orders.create` for create-order, `payments.refund` for refunds; payment signatures checked
 * locally (HMAC-SHA256 of `<order_id>|<payment_id>`, constant-time). Razorpay has no idempotency
 * keys: the use case reuses the order's gateway order on retries, and the receipt names our order.
 */
export class RazorpayCheckoutGateway implements CheckoutGateway {
  readonly name = 'razorpay';
  readonly keyId: string;
  private readonly client: Razorpay;

  constructor(private readonly settings: RazorpaySettings) {
    this.keyId = settings.keyId;
    this.client = new Razorpay({ key_id: settings.keyId, key_secret: settings.keySecret });
    if (settings.hostUrl) {
      (this.client as unknown as { api: { rq: { defaults: { baseURL: string } } } }).api.rq.defaults.baseURL =
        settings.hostUrl;
    }
  }

  async createOrder(input: {
    readonly amount: Money;
    readonly currency: string;
    readonly receipt: string;
    readonly idempotencyKey: string;
  }): Promise<GatewayOrder> {
    const order = await this.client.orders.create({
      amount: input.amount,
      currency: input.currency,
      receipt: input.receipt.slice(0, 40),
      notes: { idempotencyKey: input.idempotencyKey.slice(0, 256) },
    });
    return {
      id: order.id,
      amount: Number(order.amount),
      currency: order.currency,
      receipt: order.receipt ?? input.receipt,
    };
  }

  verifyPaymentSignature(input: {
    readonly orderId: string;
    readonly paymentId: string;
    readonly signature: string;
  }): boolean {
    return verifyRazorpayPaymentSignature(input, this.settings.keySecret);
  }

  async refund(input: {
    readonly paymentId: string;
    readonly amount: Money;
    readonly idempotencyKey: string;
  }): Promise<{ readonly id: string; readonly amount: Money }> {
    const refund = await this.client.payments.refund(input.paymentId, {
      amount: input.amount,
      notes: { idempotencyKey: input.idempotencyKey.slice(0, 256) },
    });
    return { id: refund.id, amount: Number(refund.amount) };
  }
}
