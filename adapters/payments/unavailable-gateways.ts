import type { Money } from '../../domain/shared/money.js';
import type {
  CheckoutGateway,
  GatewayIntent,
  GatewayOrder,
  GatewayRefund,
  PaymentGateway,
  SavedPaymentMethod,
} from '../../application/payments/ports.js';

/** What every call of an unavailable gateway throws (the use cases answer PAYMENTS_DISABLED first). */
export class PaymentsDisabledError extends Error {
  readonly code = 'payments_disabled';
  constructor(flow: string) {
    super(`${flow} payments are disabled on this deployment`);
    this.name = 'PaymentsDisabledError';
  }
}

/**
 * Bound for the card flow when it is disabled (CARD_PAYMENTS_ENABLED=false) and no Stripe key is
 * configured: nothing is ever charged, saved or faked; every call throws.
 */
export class UnavailablePaymentGateway implements PaymentGateway {
  readonly name = 'disabled';

  private refuse(): never {
    throw new PaymentsDisabledError('Card');
  }
  async createIntent(): Promise<GatewayIntent> {
    return this.refuse();
  }
  async confirmIntent(): Promise<GatewayIntent> {
    return this.refuse();
  }
  async retrieveIntent(): Promise<GatewayIntent | null> {
    return this.refuse();
  }
  async refund(): Promise<GatewayRefund> {
    return this.refuse();
  }
  async ensureCustomer(): Promise<string> {
    return this.refuse();
  }
  async listPaymentMethods(): Promise<SavedPaymentMethod[]> {
    return this.refuse();
  }
  async attachPaymentMethod(): Promise<SavedPaymentMethod> {
    return this.refuse();
  }
  async findPaymentMethod(): Promise<{ readonly customerId: string | null } | null> {
    return this.refuse();
  }
  async createSetupIntent(): Promise<{ readonly id: string; readonly clientSecret: string }> {
    return this.refuse();
  }
}

/**
 * Bound for the storefront's Razorpay-shaped flow in production without RAZORPAY_KEY_ID and
 * RAZORPAY_KEY_SECRET: no key id is published and no signature is ever accepted.
 */
export class UnavailableCheckoutGateway implements CheckoutGateway {
  readonly name = 'razorpay';
  readonly keyId = '';

  async createOrder(): Promise<GatewayOrder> {
    throw new PaymentsDisabledError('Checkout');
  }
  verifyPaymentSignature(): boolean {
    return false;
  }
  async refund(): Promise<{ readonly id: string; readonly amount: Money }> {
    throw new PaymentsDisabledError('Checkout');
  }
}
