import type { Container } from 'inversify';
import type * as StripeGatewayModule from '../../adapters/payments/stripe-gateway.js';
import type StripeSdk from 'stripe';
import type { Config } from '../config.js';
import { FakePaymentGateway } from '../../adapters/payments/fake-gateway.js';
import { FakeCheckoutGateway } from '../../adapters/payments/fake-checkout-gateway.js';
import type * as RazorpayModule from '../../adapters/payments/razorpay-checkout-gateway.js';
import { StripeWebhookVerifier } from '../../adapters/payments/webhook-verifier.js';
import {
  UnavailableCheckoutGateway,
  UnavailablePaymentGateway,
} from '../../adapters/payments/unavailable-gateways.js';
import {
  CHECKOUT_GATEWAY,
  PAYMENT_GATEWAY,
  PAYMENT_REPOSITORY,
  PAYMENT_SETTINGS,
  PROCESSED_EVENT_STORE,
  WEBHOOK_VERIFIER,
  type CheckoutGateway,
  type PaymentGateway,
  type PaymentSettings,
  type ProcessedEventStore,
  type WebhookVerifier,
} from '../../application/payments/ports.js';
import { PaymentSettlement } from '../../application/payments/settlement.js';
import { ConfirmPayment, CreatePaymentIntent } from '../../application/payments/intents.js';
import { ForgetProcessedWebhookEvents, HandlePaymentWebhook } from '../../application/payments/webhooks.js';
import {
  CreateSetupIntent,
  ListPaymentMethods,
  SavePaymentMethod,
} from '../../application/payments/methods.js';
import { GetPaymentStatus, RefundPayment } from '../../application/payments/status-and-refunds.js';
import { CreateCheckoutOrder, VerifyCheckoutPayment } from '../../application/payments/checkout.js';
import { PaymentReferences } from '../../application/payments/references.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import {
  APP_LOGGER,
  CLOCK,
  EVENT_BUS,
  ID_GENERATOR,
  STARTUP_TASK,
  type AppLogger,
  type Clock,
  type StartupTask,
} from '../../application/shared/ports.js';
import { bindClass, bindUseCase, loaded } from './bind.js';
import { RetentionSchedule } from './stock-reservations.js';

/** Forgets webhook claims older than PAYMENT_WEBHOOK_RETENTION_MS, hourly (and at start). */
export class ProcessedWebhookEventsRetention extends RetentionSchedule {
  readonly name = 'forget processed webhook events';
}

/** The store's currency: order totals are in its minor units (the storefront pays in INR). */
export const STORE_CURRENCY = 'INR';

/**
 * The payment SDK adapters config selects: razorpay only with both Razorpay keys, the Stripe SDK
 * (218 ESM modules) and its gateway only with STRIPE_SECRET_KEY (webhook signatures are checked
 * without the SDK).
 */
export interface PaymentModules {
  readonly razorpay: typeof RazorpayModule | null;
  readonly stripe: {
    readonly Stripe: typeof StripeSdk;
    readonly gateway: typeof StripeGatewayModule;
  } | null;
}

export async function loadPayments(config: Pick<Config, 'razorpay' | 'stripe'>): Promise<PaymentModules> {
  const [stripe, gateway] = config.stripe
    ? await Promise.all([import('stripe'), import('../../adapters/payments/stripe-gateway.js')])
    : [null, null];
  return {
    stripe: stripe && gateway ? { Stripe: stripe.default, gateway } : null,
    razorpay: config.razorpay.configured
      ? await import('../../adapters/payments/razorpay-checkout-gateway.js')
      : null,
  };
}

/**
 * Payments: the Stripe-shaped gateway (Stripe SDK with STRIPE_SECRET_KEY, else the in-memory
 * fake outside production, else none: card payments disabled), the storefront's Razorpay-shaped
 * checkout gateway, the webhook verifier (always STRIPE_WEBHOOK_SECRET), payment records and
 * processed webhook events (Mongo or memory).
 */
export function bindPayments(container: Container, config: Config, modules: PaymentModules): void {
  const production = config.nodeEnv === 'production';
  // ---- The Stripe-shaped gateway ----
  // A Stripe key stays bound when card payments are turned off, so earlier payments can be refunded.
  if (config.stripe) {
    const { secretKey } = config.stripe;
    const { Stripe, gateway } = loaded(modules.stripe, 'the Stripe SDK');
    // Retries are safe: every mutating call carries our own idempotency key.
    container
      .bind<PaymentGateway>(PAYMENT_GATEWAY)
      .toResolvedValue(
        () => new gateway.StripeGateway(new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 20_000 })),
      )
      .inSingletonScope();
  } else if (!config.cardPaymentsEnabled) {
    container.bind<PaymentGateway>(PAYMENT_GATEWAY).toConstantValue(new UnavailablePaymentGateway());
  } else if (production) {
    // loadConfig already refuses this; a hand-built config must not reach the fake either.
    throw new Error('The fake payment gateway is never used in production: set STRIPE_SECRET_KEY');
  } else {
    container.bind<PaymentGateway>(PAYMENT_GATEWAY).toConstantValue(new FakePaymentGateway());
  }
  container
    .bind<WebhookVerifier>(WEBHOOK_VERIFIER)
    .toConstantValue(new StripeWebhookVerifier(config.stripeWebhookSecret));

  // ---- The storefront's Razorpay-shaped checkout (compat 7) ----
  // With RAZORPAY_KEY_ID + RAZORPAY_KEY_SECRET: the razorpay SDK; else the fake, which creates
  // `order_...` ids and checks signatures exactly as for the real gateway (HMAC under the secret).
  if (config.razorpay.configured) {
    const { RazorpayCheckoutGateway } = loaded(modules.razorpay, 'the Razorpay SDK');
    container
      .bind<CheckoutGateway>(CHECKOUT_GATEWAY)
      .toConstantValue(
        new RazorpayCheckoutGateway({ keyId: config.razorpay.keyId, keySecret: config.razorpay.keySecret }),
      );
  } else if (config.razorpay.enabled && !production) {
    container
      .bind<CheckoutGateway>(CHECKOUT_GATEWAY)
      .toConstantValue(new FakeCheckoutGateway(config.razorpay.keyId, config.razorpay.keySecret));
  } else {
    // Production without both Razorpay keys: create-order and verify answer PAYMENTS_DISABLED.
    container.bind<CheckoutGateway>(CHECKOUT_GATEWAY).toConstantValue(new UnavailableCheckoutGateway());
  }
  container.bind<PaymentSettings>(PAYMENT_SETTINGS).toConstantValue({
    currency: STORE_CURRENCY,
    cardPaymentsEnabled: config.cardPaymentsEnabled,
    checkoutEnabled: config.razorpay.enabled && (config.razorpay.configured || !production),
  });

  // ---- Records ----

  // ---- Use cases ----
  bindClass(container, PaymentSettlement, PaymentSettlement, [
    ORDER_REPOSITORY,
    PAYMENT_REPOSITORY,
    PAYMENT_GATEWAY,
    CHECKOUT_GATEWAY,
    CLOCK,
    EVENT_BUS,
    APP_LOGGER,
  ]);
  bindUseCase(container, CreatePaymentIntent, [
    ORDER_REPOSITORY,
    PAYMENT_REPOSITORY,
    PAYMENT_GATEWAY,
    PAYMENT_SETTINGS,
    CLOCK,
    ID_GENERATOR,
    APP_LOGGER,
  ]);
  bindUseCase(container, ConfirmPayment, [
    ORDER_REPOSITORY,
    PAYMENT_REPOSITORY,
    USER_REPOSITORY,
    PAYMENT_GATEWAY,
    PAYMENT_SETTINGS,
    PaymentSettlement,
    APP_LOGGER,
  ]);
  bindUseCase(container, HandlePaymentWebhook, [
    WEBHOOK_VERIFIER,
    PROCESSED_EVENT_STORE,
    PAYMENT_REPOSITORY,
    PaymentSettlement,
    CLOCK,
    APP_LOGGER,
  ]);
  container
    .bind(ForgetProcessedWebhookEvents)
    .toResolvedValue(
      (processed: ProcessedEventStore, clock: Clock, logger: AppLogger) =>
        new ForgetProcessedWebhookEvents(processed, clock, config.paymentWebhookRetentionMs, logger),
      [PROCESSED_EVENT_STORE, CLOCK, APP_LOGGER],
    )
    .inSingletonScope();
  container
    .bind(ProcessedWebhookEventsRetention)
    .toResolvedValue(
      (forget: ForgetProcessedWebhookEvents, logger: AppLogger) =>
        new ProcessedWebhookEventsRetention(forget, logger),
      [ForgetProcessedWebhookEvents, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
  container.bind<StartupTask>(STARTUP_TASK).toService(ProcessedWebhookEventsRetention);
  bindUseCase(container, ListPaymentMethods, [USER_REPOSITORY, PAYMENT_GATEWAY, PAYMENT_SETTINGS]);
  bindUseCase(container, SavePaymentMethod, [USER_REPOSITORY, PAYMENT_GATEWAY, PAYMENT_SETTINGS, APP_LOGGER]);
  bindUseCase(container, CreateSetupIntent, [
    USER_REPOSITORY,
    PAYMENT_GATEWAY,
    PAYMENT_SETTINGS,
    ID_GENERATOR,
  ]);
  bindUseCase(container, GetPaymentStatus, [ORDER_REPOSITORY, PAYMENT_REPOSITORY]);
  bindUseCase(container, RefundPayment, [PaymentSettlement]);
  // The storefront's gateway ids of orders (compat 5.5), read from the records by the HTTP edge.
  bindClass(container, PaymentReferences, PaymentReferences, [PAYMENT_REPOSITORY, CHECKOUT_GATEWAY]);
  bindUseCase(container, CreateCheckoutOrder, [
    ORDER_REPOSITORY,
    USER_REPOSITORY,
    PAYMENT_REPOSITORY,
    CHECKOUT_GATEWAY,
    PAYMENT_SETTINGS,
    CLOCK,
    ID_GENERATOR,
    APP_LOGGER,
  ]);
  bindUseCase(container, VerifyCheckoutPayment, [
    ORDER_REPOSITORY,
    PAYMENT_REPOSITORY,
    CHECKOUT_GATEWAY,
    PAYMENT_SETTINGS,
    PaymentSettlement,
  ]);
}
