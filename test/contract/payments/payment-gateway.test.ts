import { FakePaymentGateway } from '../../../adapters/payments/fake-gateway.js';
import { StripeGateway } from '../../../adapters/payments/stripe-gateway.js';
import { FakeStripeServer } from '../../support/stripe/fake-stripe-server.js';
import { paymentGatewayContract } from './payment-gateway.contract.js';

describe('contract/payments PaymentGateway: fake gateway', () =>
  paymentGatewayContract({ gateway: () => new FakePaymentGateway() }));

describe('contract/payments PaymentGateway: Stripe adapter against the local Stripe-speaking server', function () {
  this.timeout(10_000);
  let server: FakeStripeServer;
  before(async () => {
    server = await new FakeStripeServer().start();
  });
  after(async () => {
    await server.stop();
  });
  paymentGatewayContract({ gateway: () => new StripeGateway(server.client()) });
});
