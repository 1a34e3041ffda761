import { expect } from 'chai';
import type { Container } from 'inversify';
import { PAYMENT_GATEWAY, type PaymentGateway } from '../../../application/payments/ports.js';
import { StripeGateway } from '../../../adapters/payments/stripe-gateway.js';
import { FakePaymentGateway } from '../../../adapters/payments/fake-gateway.js';
import { buildContainer } from '../../../bootstrap/container.js';
import { testConfig } from '../../support/harness.js';

const silent = { info() {}, warn() {}, error() {} };

describe('payments: the gateway is chosen by configuration', () => {
  let containers: Container[] = [];
  afterEach(async () => {
    await Promise.all(containers.map((c) => c.unbindAllAsync()));
    containers = [];
  });

  function gateway(env: Record<string, string>): PaymentGateway {
    const container = buildContainer(testConfig(env), silent);
    containers.push(container);
    return container.get<PaymentGateway>(PAYMENT_GATEWAY);
  }

  it('binds the Stripe SDK adapter when STRIPE_SECRET_KEY is set', () => {
    const g = gateway({ STRIPE_SECRET_KEY: 'sk_test_selection' });
    expect(g).to.be.instanceOf(StripeGateway);
    expect(g.name).to.equal('stripe');
  });

  it('binds the fake gateway on the embedded default', () => {
    const g = gateway({});
    expect(g).to.be.instanceOf(FakePaymentGateway);
    expect(g.name).to.not.equal('stripe');
  });
});
