import { token } from '../shared/token.js';
import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import type { PaymentRecord } from '../../domain/payments/payment-record.js';

/**
 * The payment gateway as the application sees it: Stripe-shaped (payment intents, customers,
 * saved methods, refunds). Adapters: the Stripe SDK (STRIPE_SECRET_KEY) and a fake gateway for
 * the embedded default and tests that understands Stripe's test payment-method ids
 * (`pm_card_visa` succeeds, `pm_card_chargeDeclined` and
 * `pm_card_chargeDeclinedInsufficientFunds` decline, `pm_card_authenticationRequired` requires
 * action). Amounts are integer minor units. Every mutating call takes an idempotency key that the
 * adapter forwards (Stripe's `Idempotency-Key`), so a retried call never charges twice.
 */
export type IntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'succeeded'
  | 'canceled';

export interface GatewayIntent {
  readonly id: string;
  readonly clientSecret: string;
  readonly amount: Money;
  readonly currency: string;
  readonly status: IntentStatus;
  /** Our order id, stored in the intent's metadata. */
  readonly orderId: string;
  readonly customerId?: string;
  /** The latest charge's id once captured (refunds refer to it). */
  readonly chargeId?: string;
  /** Why the last attempt failed (decline code / message). */
  readonly failure?: { readonly code: string; readonly message: string };
}

export interface GatewayRefund {
  readonly id: string;
  readonly intentId: string;
  readonly amount: Money;
  readonly status: 'pending' | 'succeeded' | 'failed';
}

export interface SavedPaymentMethod {
  readonly id: string;
  readonly brand: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

export interface PaymentGateway {
  /** The adapter's name on the wire and in the order (`stripe`, `fake`). */
  readonly name: string;
  createIntent(input: {
    readonly orderId: string;
    readonly amount: Money;
    readonly currency: string;
    readonly customerId?: string;
    readonly idempotencyKey: string;
  }): Promise<GatewayIntent>;
  confirmIntent(input: {
    readonly intentId: string;
    readonly paymentMethod: string;
    readonly idempotencyKey: string;
  }): Promise<GatewayIntent>;
  retrieveIntent(intentId: string): Promise<GatewayIntent | null>;
  refund(input: {
    readonly intentId: string;
    readonly amount: Money;
    readonly idempotencyKey: string;
  }): Promise<GatewayRefund>;
  /** The gateway customer of one of our users, created on first use. */
  ensureCustomer(input: {
    readonly userId: string;
    readonly email: string;
    readonly name: string;
  }): Promise<string>;
  listPaymentMethods(customerId: string): Promise<SavedPaymentMethod[]>;
  /** Saves a method to the customer (Stripe: attach), never seeing card data. */
  attachPaymentMethod(input: {
    readonly customerId: string;
    readonly paymentMethod: string;
    readonly idempotencyKey: string;
  }): Promise<SavedPaymentMethod>;
  /**
   * Who a payment method belongs to: `customerId` is the gateway customer it is saved to, null
   * when it is not saved to any (a one-off method, a test id); null when the gateway does not
   * know it. The application refuses another customer's saved method (ownership is checked
   * above the adapters, so every gateway honours it).
   */
  findPaymentMethod(paymentMethod: string): Promise<{ readonly customerId: string | null } | null>;
  /** For clients that collect a card for later (Stripe setup intent). */
  createSetupIntent(input: { readonly customerId: string; readonly idempotencyKey: string }): Promise<{
    readonly id: string;
    readonly clientSecret: string;
  }>;
}
export const PAYMENT_GATEWAY = token<PaymentGateway>('PaymentGateway');

/** A webhook event after its signature was verified (Stripe's event format). */
export interface GatewayEvent {
  readonly id: string;
  readonly type: string;
  readonly created: number;
  /** `data.object` of the event: an intent for payment_intent.*, a charge for charge.refunded. */
  readonly object: Readonly<Record<string, unknown>>;
}

/**
 * Checks the `Stripe-Signature` header over the raw body with STRIPE_WEBHOOK_SECRET (whichever
 * gateway is active, so the fake gateway's intents can be driven by signed events like
 * `stripe trigger` drives test mode). Forged or stale signatures: WEBHOOK_SIGNATURE_INVALID.
 */
export interface WebhookVerifier {
  verify(rawBody: string, signatureHeader: string | undefined): Result<GatewayEvent, DomainError>;
}
export const WEBHOOK_VERIFIER = token<WebhookVerifier>('WebhookVerifier');

// ---- Payment records, processed webhook events, the storefront's Razorpay-shaped flow ----

/** Payment records (one per gateway intent / gateway order). */
export interface PaymentRepository {
  /** Stores a new record (version 0 -> 1); CONFLICT when its id or intent id exists. */
  create(record: PaymentRecord): Promise<Result<PaymentRecord, DomainError>>;
  /** Optimistic: saves when the stored version equals `record.version` (answers version + 1); CONFLICT otherwise, PAYMENT_NOT_FOUND when gone. */
  update(record: PaymentRecord): Promise<Result<PaymentRecord, DomainError>>;
  findById(id: string): Promise<PaymentRecord | null>;
  findByIntentId(intentId: string): Promise<PaymentRecord | null>;
  /** The order's records, newest first. */
  findByOrderId(orderId: string): Promise<PaymentRecord[]>;
  /** The records of any of these orders (one read for a list of orders), in no particular order. */
  findByOrderIds(orderIds: readonly string[]): Promise<PaymentRecord[]>;
}
export const PAYMENT_REPOSITORY = token<PaymentRepository>('PaymentRepository');

/**
 * Webhook events already taken (exactly-once processing): `claim` inserts the event id BEFORE the
 * event is applied and answers true only for the first claimant (unique key: insert wins), so
 * duplicated and concurrent deliveries are no-ops. `release` forgets a claim whose processing
 * failed, so the gateway's retry runs it again; `forget` drops claims older than any retry
 * (ForgetProcessedWebhookEvents), so the store stays bounded.
 */
export interface ProcessedEventStore {
  claim(eventId: string, type: string, at: Date): Promise<boolean>;
  release(eventId: string): Promise<void>;
  /** Forgets at most `limit` claims made before `before`, oldest first; answers how many. */
  forget(before: Date, limit: number): Promise<number>;
}
export const PROCESSED_EVENT_STORE = token<ProcessedEventStore>('ProcessedEventStore');

/** The storefront's gateway (compat 7): Razorpay orders and their HMAC payment signatures. */
export interface GatewayOrder {
  readonly id: string;
  readonly amount: Money;
  readonly currency: string;
  readonly receipt: string;
}
export interface CheckoutGateway {
  readonly name: string;
  /** The public key id the checkout widget opens with. */
  readonly keyId: string;
  createOrder(input: {
    readonly amount: Money;
    readonly currency: string;
    readonly receipt: string;
    readonly idempotencyKey: string;
  }): Promise<GatewayOrder>;
  /** Hex HMAC-SHA256 of `<order_id>|<payment_id>` under the key secret, compared in constant time. */
  verifyPaymentSignature(input: {
    readonly orderId: string;
    readonly paymentId: string;
    readonly signature: string;
  }): boolean;
  /** Refunds part or all of a captured payment (Razorpay: `payments.refund`). */
  refund(input: {
    readonly paymentId: string;
    readonly amount: Money;
    readonly idempotencyKey: string;
  }): Promise<{
    readonly id: string;
    readonly amount: Money;
  }>;
}
export const CHECKOUT_GATEWAY = token<CheckoutGateway>('CheckoutGateway');

/** Store-wide payment settings. */
export interface PaymentSettings {
  /** ISO currency of every order (amounts are in its minor units). */
  readonly currency: string;
  /** The Stripe-shaped card flow (intents, confirm, saved methods); off: PAYMENTS_DISABLED. */
  readonly cardPaymentsEnabled: boolean;
  /** The storefront's Razorpay-shaped flow (create-order, verify); off: PAYMENTS_DISABLED. */
  readonly checkoutEnabled: boolean;
}
export const PAYMENT_SETTINGS = token<PaymentSettings>('PaymentSettings');
