import Stripe from 'stripe';
import type {
  GatewayIntent,
  GatewayRefund,
  IntentStatus,
  PaymentGateway,
  SavedPaymentMethod,
} from '../../application/payments/ports.js';
import type { Money } from '../../domain/shared/money.js';

/**
 * The payment gateway on the official Stripe SDK. Every mutating call forwards the caller's
 * idempotency key as Stripe's `Idempotency-Key`, so a retried call replays Stripe's first answer
 * instead of charging twice. Card declines on confirm are answers, not exceptions: Stripe says 402
 * with the intent inside the error, and the intent comes back with its `failure`. Anything else
 * Stripe or the network refuses (5xx, 4xx, timeouts, connection errors) is thrown as the SDK's
 * error, for the use case to turn into a gateway failure.
 *
 * Bound when STRIPE_SECRET_KEY is set:
 * `new StripeGateway(new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 20_000 }))`.
 */
export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe';

  constructor(private readonly stripe: Stripe) {}

  async createIntent(input: {
    readonly orderId: string;
    readonly amount: Money;
    readonly currency: string;
    readonly customerId?: string;
    readonly idempotencyKey: string;
  }): Promise<GatewayIntent> {
    const intent = await this.stripe.paymentIntents.create(
      {
        amount: input.amount,
        currency: input.currency.toLowerCase(),
        // Cards only (API 2026-10-28: `allowed_payment_method_types`, formerly
        // `payment_method_types`): the server confirms with a payment method id and no
        // return_url, which redirect-based methods would refuse.
        allowed_payment_method_types: ['card'],
        metadata: { orderId: input.orderId },
        ...(input.customerId ? { customer: input.customerId } : {}),
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return toGatewayIntent(intent);
  }

  async confirmIntent(input: {
    readonly intentId: string;
    readonly paymentMethod: string;
    readonly idempotencyKey: string;
  }): Promise<GatewayIntent> {
    try {
      const intent = await this.stripe.paymentIntents.confirm(
        input.intentId,
        { payment_method: input.paymentMethod },
        { idempotencyKey: input.idempotencyKey },
      );
      return toGatewayIntent(intent);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeCardError)) throw error;
      const failure = {
        code: error.decline_code || error.code || 'card_declined',
        message: error.message || 'Your card was declined.',
      };
      // Stripe puts the intent (with last_payment_error) in the 402 body; fetch it if it is not there.
      const intent = error.payment_intent ?? (await this.stripe.paymentIntents.retrieve(input.intentId));
      const mapped = toGatewayIntent(intent);
      return mapped.failure ? mapped : { ...mapped, failure };
    }
  }

  async retrieveIntent(intentId: string): Promise<GatewayIntent | null> {
    try {
      return toGatewayIntent(await this.stripe.paymentIntents.retrieve(intentId));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async refund(input: {
    readonly intentId: string;
    readonly amount: Money;
    readonly idempotencyKey: string;
  }): Promise<GatewayRefund> {
    const refund = await this.stripe.refunds.create(
      { payment_intent: input.intentId, amount: input.amount },
      { idempotencyKey: input.idempotencyKey },
    );
    wellFormed('refund', refund, 're_', refund?.amount);
    return {
      id: refund.id,
      intentId: idOf(refund.payment_intent) ?? input.intentId,
      amount: refund.amount,
      status: refundStatus(refund.status),
    };
  }

  /**
   * Finds the customer carrying `metadata.userId` among the customers with the user's email
   * (the list endpoint is strongly consistent, and unlike the Search API it is available in every
   * region, India included), else creates it under the idempotency key `customer-<userId>`, so
   * two concurrent first uses create one customer.
   */
  async ensureCustomer(input: {
    readonly userId: string;
    readonly email: string;
    readonly name: string;
  }): Promise<string> {
    const existing = await this.stripe.customers.list({ email: input.email, limit: 100 });
    const mine = existing.data.find((customer) => customer.metadata?.userId === input.userId);
    if (mine) return mine.id;
    const customer = await this.stripe.customers.create(
      { email: input.email, name: input.name, metadata: { userId: input.userId } },
      { idempotencyKey: `customer-${input.userId}` },
    );
    return customer.id;
  }

  async listPaymentMethods(customerId: string): Promise<SavedPaymentMethod[]> {
    const methods = await this.stripe.paymentMethods.list({ customer: customerId, type: 'card', limit: 100 });
    return methods.data.flatMap((method) => {
      const saved = toSavedMethod(method);
      return saved ? [saved] : [];
    });
  }

  async attachPaymentMethod(input: {
    readonly customerId: string;
    readonly paymentMethod: string;
    readonly idempotencyKey: string;
  }): Promise<SavedPaymentMethod> {
    const method = await this.stripe.paymentMethods.attach(
      input.paymentMethod,
      { customer: input.customerId },
      { idempotencyKey: input.idempotencyKey },
    );
    const saved = toSavedMethod(method);
    if (!saved) throw new Error(`Stripe payment method ${method.id} is a ${method.type}, not a card`);
    return saved;
  }

  /** GET /v1/payment_methods/:id: its `customer` (null when not attached); unknown: null. */
  async findPaymentMethod(paymentMethod: string): Promise<{ readonly customerId: string | null } | null> {
    try {
      const method = await this.stripe.paymentMethods.retrieve(paymentMethod);
      return { customerId: idOf(method.customer) ?? null };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async createSetupIntent(input: {
    readonly customerId: string;
    readonly idempotencyKey: string;
  }): Promise<{ readonly id: string; readonly clientSecret: string }> {
    const intent = await this.stripe.setupIntents.create(
      { customer: input.customerId, allowed_payment_method_types: ['card'], usage: 'off_session' },
      { idempotencyKey: input.idempotencyKey },
    );
    if (!intent.client_secret)
      throw new Error(`Stripe setup intent ${intent.id} came without a client secret`);
    return { id: intent.id, clientSecret: intent.client_secret };
  }
}

/**
 * An answer that is not the object asked for (garbage from a proxy, a changed API, a spoof) is
 * thrown like any other gateway failure (the use case answers 502), never stored as a payment.
 */
function wellFormed(
  what: string,
  value: { id?: unknown } | null | undefined,
  prefix: string,
  amount: unknown,
): void {
  const id = value?.id;
  if (
    typeof id !== 'string' ||
    !id.startsWith(prefix) ||
    typeof amount !== 'number' ||
    !Number.isSafeInteger(amount)
  )
    throw new Error(`Stripe answered a malformed ${what}`);
}

/** Stripe's PaymentIntent as the port sees it. */
export function toGatewayIntent(intent: Stripe.PaymentIntent): GatewayIntent {
  wellFormed('payment intent', intent, 'pi_', intent?.amount);
  if (typeof intent.status !== 'string') throw new Error('Stripe answered a malformed payment intent');
  const customerId = idOf(intent.customer);
  const chargeId = idOf(intent.latest_charge);
  const error = intent.last_payment_error;
  return {
    id: intent.id,
    clientSecret: intent.client_secret ?? '',
    amount: intent.amount,
    currency: intent.currency,
    status: intentStatus(intent.status),
    orderId: intent.metadata?.orderId ?? '',
    ...(customerId ? { customerId } : {}),
    ...(chargeId && intent.status === 'succeeded' ? { chargeId } : {}),
    ...(error
      ? {
          failure: {
            code: error.decline_code || error.code || error.type || 'payment_failed',
            message: error.message || 'The payment failed.',
          },
        }
      : {}),
  };
}

const INTENT_STATUSES: ReadonlySet<string> = new Set<IntentStatus>([
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'succeeded',
  'canceled',
]);

/**
 * Stripe's status as the port's. Manual capture is never requested, so `requires_capture` (and
 * any status a later API version adds) counts as still in flight: `processing`.
 */
function intentStatus(status: Stripe.PaymentIntent.Status): IntentStatus {
  return INTENT_STATUSES.has(status) ? (status as IntentStatus) : 'processing';
}

function refundStatus(status: string | null): GatewayRefund['status'] {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return 'pending';
}

function toSavedMethod(method: Stripe.PaymentMethod): SavedPaymentMethod | null {
  const card = method.card;
  if (!card) return null;
  return {
    id: method.id,
    brand: card.brand,
    last4: card.last4,
    expMonth: card.exp_month,
    expYear: card.exp_year,
  };
}

/** An expandable field's id (Stripe answers a string, or the object when expanded). */
function idOf(value: string | { readonly id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    (error.statusCode === 404 || error.code === 'resource_missing')
  );
}
