import { expect } from 'chai';
import type { Container } from 'inversify';
import {
  CHECKOUT_GATEWAY,
  PAYMENT_GATEWAY,
  PAYMENT_SETTINGS,
  type CheckoutGateway,
  type PaymentGateway,
  type PaymentSettings,
} from '../../../application/payments/ports.js';
import { StripeGateway } from '../../../adapters/payments/stripe-gateway.js';
import { FakePaymentGateway } from '../../../adapters/payments/fake-gateway.js';
import { FakeCheckoutGateway } from '../../../adapters/payments/fake-checkout-gateway.js';
import { RazorpayCheckoutGateway } from '../../../adapters/payments/razorpay-checkout-gateway.js';
import {
  UnavailableCheckoutGateway,
  UnavailablePaymentGateway,
} from '../../../adapters/payments/unavailable-gateways.js';
import { buildContainer } from '../../../bootstrap/container.js';
import { PRODUCTION_SECRETS, testConfig } from '../../support/harness.js';

const silent = { info() {}, warn() {}, error() {} };

describe('payments: the gateway is chosen by configuration', () => {
  let containers: Container[] = [];
  afterEach(async () => {
    await Promise.all(containers.map((c) => c.unbindAllAsync()));
    containers = [];
  });

  async function container(env: Record<string, string>): Promise<Container> {
    const built = await buildContainer(testConfig(env), silent);
    containers.push(built);
    return built;
  }
  async function gateway(env: Record<string, string>): Promise<PaymentGateway> {
    return (await container(env)).get<PaymentGateway>(PAYMENT_GATEWAY);
  }

  it('binds the Stripe SDK adapter when STRIPE_SECRET_KEY is set', async () => {
    const g = await gateway({ STRIPE_SECRET_KEY: 'sk_test_selection' });
    expect(g).to.be.instanceOf(StripeGateway);
    expect(g.name).to.equal('stripe');
  });

  it('binds the fake gateway on the embedded default', async () => {
    const g = await gateway({});
    expect(g).to.be.instanceOf(FakePaymentGateway);
    expect(g.name).to.not.equal('stripe');
  });

  it('binds the fake gateways on the embedded default, every flow enabled', async () => {
    const c = await container({});
    expect(c.get<CheckoutGateway>(CHECKOUT_GATEWAY)).to.be.instanceOf(FakeCheckoutGateway);
    expect(c.get<PaymentSettings>(PAYMENT_SETTINGS)).to.deep.equal({
      currency: 'INR',
      cardPaymentsEnabled: true,
      checkoutEnabled: true,
    });
  });

  it('production with card payments disabled and no Razorpay keys: no fake anywhere, both flows off', async () => {
    const c = await container({ ...PRODUCTION_SECRETS, CARD_PAYMENTS_ENABLED: 'false' });
    expect(c.get<PaymentGateway>(PAYMENT_GATEWAY)).to.be.instanceOf(UnavailablePaymentGateway);
    const checkout = c.get<CheckoutGateway>(CHECKOUT_GATEWAY);
    expect(checkout).to.be.instanceOf(UnavailableCheckoutGateway);
    expect(checkout.keyId).to.equal('');
    expect(c.get<PaymentSettings>(PAYMENT_SETTINGS)).to.include({
      cardPaymentsEnabled: false,
      checkoutEnabled: false,
    });
  });

  it('production with the real keys: the Stripe and Razorpay SDK adapters', async () => {
    const c = await container({
      ...PRODUCTION_SECRETS,
      STRIPE_SECRET_KEY: 'sk_live_selection',
      RAZORPAY_KEY_ID: 'rzp_live_selection',
      RAZORPAY_KEY_SECRET: 'live-secret',
    });
    expect(c.get<PaymentGateway>(PAYMENT_GATEWAY)).to.be.instanceOf(StripeGateway);
    // Imported by bootstrap only when selected (a module instance of its own under tsx): by name.
    expect(c.get<CheckoutGateway>(CHECKOUT_GATEWAY).constructor.name).to.equal(RazorpayCheckoutGateway.name);
    expect(c.get<PaymentSettings>(PAYMENT_SETTINGS)).to.include({
      cardPaymentsEnabled: true,
      checkoutEnabled: true,
    });
  });

  it('a Stripe key with card payments disabled keeps the SDK bound (refunds of earlier payments) but the flow off', async () => {
    const c = await container({ STRIPE_SECRET_KEY: 'sk_test_selection', CARD_PAYMENTS_ENABLED: 'false' });
    expect(c.get<PaymentGateway>(PAYMENT_GATEWAY)).to.be.instanceOf(StripeGateway);
    expect(c.get<PaymentSettings>(PAYMENT_SETTINGS).cardPaymentsEnabled).to.equal(false);
  });

  it('never binds the fake gateways in production, even from a hand-built config', async () => {
    const config = {
      ...testConfig({ ...PRODUCTION_SECRETS, CARD_PAYMENTS_ENABLED: 'false' }),
      cardPaymentsEnabled: true,
    };
    const refused = await buildContainer(config, silent).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused)
      .to.be.instanceOf(Error)
      .with.property('message')
      .match(/never used in production/);
    const checkout = await buildContainer(
      {
        ...testConfig({ ...PRODUCTION_SECRETS, CARD_PAYMENTS_ENABLED: 'false' }),
        razorpay: { keyId: 'k', keySecret: 's', configured: false, enabled: true },
      },
      silent,
    );
    containers.push(checkout);
    expect(checkout.get<CheckoutGateway>(CHECKOUT_GATEWAY)).to.be.instanceOf(UnavailableCheckoutGateway);
    expect(checkout.get<PaymentSettings>(PAYMENT_SETTINGS).checkoutEnabled).to.equal(false);
  });
});
