import { expect } from 'chai';
import Stripe from 'stripe';
import { StripeGateway } from '../../../adapters/payments/stripe-gateway.js';
import {
  FakeStripeServer,
  decodeStripeForm,
  type RecordedStripeRequest,
} from '../../support/stripe/fake-stripe-server.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected');
}

describe('StripeGateway (official SDK) against a local server speaking the Stripe API', function () {
  this.timeout(10_000);
  let fake: FakeStripeServer;
  let gateway: StripeGateway;
  let seq = 0;
  const key = (label: string): string => `test-${label}-${Date.now()}-${++seq}`;
  const only = (): RecordedStripeRequest => {
    expect(fake.requests, 'requests sent').to.have.length(1);
    return fake.requests[0]!;
  };

  before(async () => {
    fake = await new FakeStripeServer().start();
    gateway = new StripeGateway(fake.client());
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(() => fake.resetRequests());

  async function newIntent(amount = 4999, customerId?: string): Promise<string> {
    const intent = await gateway.createIntent({
      orderId: '65f0a1b2c3d4e5f6a7b8c9d0',
      amount,
      currency: 'INR',
      idempotencyKey: key('create'),
      ...(customerId ? { customerId } : {}),
    });
    fake.resetRequests();
    return intent.id;
  }

  async function paidIntent(amount = 4999): Promise<string> {
    const id = await newIntent(amount);
    await gateway.confirmIntent({
      intentId: id,
      paymentMethod: 'pm_card_visa',
      idempotencyKey: key('confirm'),
    });
    fake.resetRequests();
    return id;
  }

  describe('decodeStripeForm (the fake server decodes what the SDK sends)', () => {
    it('reads bracket notation: nested objects, [] and [index] arrays, encoded values', () => {
      expect(
        decodeStripeForm(
          'amount=100&metadata[orderId]=a%20b&expand[]=x&expand[]=y&types[0]=card&types[1]=upi&a[b][c]=d',
        ),
      ).to.deep.equal({
        amount: '100',
        metadata: { orderId: 'a b' },
        expand: ['x', 'y'],
        types: ['card', 'upi'],
        a: { b: { c: 'd' } },
      });
    });
  });

  describe('createIntent', () => {
    it('POSTs /v1/payment_intents form-encoded with amount, lowercase currency, cards only, metadata.orderId and the idempotency key', async () => {
      const idempotencyKey = key('create');
      const intent = await gateway.createIntent({
        orderId: '65f0a1b2c3d4e5f6a7b8c9d0',
        amount: 129900,
        currency: 'INR',
        idempotencyKey,
      });

      const request = only();
      expect(request.method).to.equal('POST');
      expect(request.path).to.equal('/v1/payment_intents');
      expect(request.rawBody).to.equal(
        'amount=129900&currency=inr&allowed_payment_method_types[0]=card&metadata[orderId]=65f0a1b2c3d4e5f6a7b8c9d0',
      );
      expect(request.form).to.deep.equal({
        amount: '129900',
        currency: 'inr',
        allowed_payment_method_types: ['card'],
        metadata: { orderId: '65f0a1b2c3d4e5f6a7b8c9d0' },
      });
      expect(request.headers['content-type']).to.equal('application/x-www-form-urlencoded');
      expect(request.headers['idempotency-key']).to.equal(idempotencyKey);
      expect(request.headers['stripe-version']).to.equal(Stripe.API_VERSION);
      expect(request.headers.authorization).to.equal(`Bearer ${fake.secretKey}`);

      expect(intent.id).to.match(/^pi_/);
      expect(intent.clientSecret).to.match(new RegExp(`^${intent.id}_secret_`));
      expect(intent).to.deep.equal({
        id: intent.id,
        clientSecret: intent.clientSecret,
        amount: 129900,
        currency: 'inr',
        status: 'requires_payment_method',
        orderId: '65f0a1b2c3d4e5f6a7b8c9d0',
      });
    });

    it('sends the customer when given and answers its id', async () => {
      const customerId = await gateway.ensureCustomer({ userId: 'u-create', email: 'c@x.test', name: 'C' });
      fake.resetRequests();
      const intent = await gateway.createIntent({
        orderId: 'o1',
        amount: 500,
        currency: 'inr',
        customerId,
        idempotencyKey: key('create'),
      });
      expect(only().form.customer).to.equal(customerId);
      expect(intent.customerId).to.equal(customerId);
    });

    it('a repeated idempotency key replays the first intent instead of creating a second one', async () => {
      const idempotencyKey = key('same');
      const input = { orderId: 'o-same', amount: 2500, currency: 'inr', idempotencyKey };
      const before = fake.intents.size;
      const first = await gateway.createIntent(input);
      const second = await gateway.createIntent(input);

      expect(second).to.deep.equal(first);
      expect(fake.intents.size).to.equal(before + 1);
      expect(fake.requests.map((r) => r.headers['idempotency-key'])).to.deep.equal([
        idempotencyKey,
        idempotencyKey,
      ]);
    });

    it('the same key with a different amount is refused (Stripe idempotency_error), never a second intent', async () => {
      const idempotencyKey = key('clash');
      await gateway.createIntent({ orderId: 'o-clash', amount: 2500, currency: 'inr', idempotencyKey });
      const size = fake.intents.size;
      const error = await rejection(
        gateway.createIntent({ orderId: 'o-clash', amount: 9900, currency: 'inr', idempotencyKey }),
      );
      expect(error).to.be.instanceOf(Stripe.errors.StripeIdempotencyError);
      expect(fake.intents.size).to.equal(size);
    });

    it('a 500 from Stripe is thrown (the use case reports a gateway failure)', async () => {
      fake.failWith = { status: 500 };
      const error = await rejection(
        gateway.createIntent({ orderId: 'o500', amount: 100, currency: 'inr', idempotencyKey: key('500') }),
      );
      expect(error).to.be.instanceOf(Stripe.errors.StripeAPIError);
      expect((error as Stripe.errors.StripeError).statusCode).to.equal(500);
      expect(fake.requests).to.have.length(1);
    });

    it('a wrong secret key is thrown as an authentication error', async () => {
      const wrong = new StripeGateway(fake.client({ apiKey: 'sk_test_wrong' }));
      const error = await rejection(
        wrong.createIntent({ orderId: 'o401', amount: 100, currency: 'inr', idempotencyKey: key('401') }),
      );
      expect(error).to.be.instanceOf(Stripe.errors.StripeAuthenticationError);
    });

    it('a connection failure is thrown', async () => {
      const down = new StripeGateway(
        new Stripe(fake.secretKey, { host: '127.0.0.1', port: 1, protocol: 'http', maxNetworkRetries: 0 }),
      );
      const error = await rejection(
        down.createIntent({ orderId: 'o-down', amount: 100, currency: 'inr', idempotencyKey: key('down') }),
      );
      expect(error).to.be.instanceOf(Stripe.errors.StripeConnectionError);
    });
  });

  describe('confirmIntent', () => {
    it('POSTs /v1/payment_intents/:id/confirm with the payment method and key; pm_card_visa succeeds with a charge', async () => {
      const id = await newIntent(4999);
      const idempotencyKey = key('confirm');
      const intent = await gateway.confirmIntent({
        intentId: id,
        paymentMethod: 'pm_card_visa',
        idempotencyKey,
      });

      const request = only();
      expect(request.method).to.equal('POST');
      expect(request.path).to.equal(`/v1/payment_intents/${id}/confirm`);
      expect(request.rawBody).to.equal('payment_method=pm_card_visa');
      expect(request.headers['idempotency-key']).to.equal(idempotencyKey);

      expect(intent.status).to.equal('succeeded');
      expect(intent.chargeId).to.match(/^ch_/);
      expect(intent.chargeId).to.equal(fake.intents.get(id)!.latest_charge);
      expect(intent.failure).to.equal(undefined);
      expect(intent.amount).to.equal(4999);
      expect(intent.orderId).to.equal('65f0a1b2c3d4e5f6a7b8c9d0');
    });

    it('pm_card_chargeDeclined: Stripe answers 402; the intent comes back with the decline, not an exception', async () => {
      const id = await newIntent();
      const intent = await gateway.confirmIntent({
        intentId: id,
        paymentMethod: 'pm_card_chargeDeclined',
        idempotencyKey: key('declined'),
      });
      expect(only().status).to.equal(402);
      expect(intent).to.deep.equal({
        id,
        clientSecret: intent.clientSecret,
        amount: 4999,
        currency: 'inr',
        status: 'requires_payment_method',
        orderId: '65f0a1b2c3d4e5f6a7b8c9d0',
        failure: { code: 'generic_decline', message: 'Your card was declined.' },
      });
    });

    it('a 402 without the intent in its body: the adapter fetches the intent and keeps the decline', async () => {
      const id = await newIntent();
      fake.omitIntentFromCardErrors = true;
      const intent = await gateway.confirmIntent({
        intentId: id,
        paymentMethod: 'pm_card_chargeDeclined',
        idempotencyKey: key('declined-bare'),
      });
      expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([
        `POST /v1/payment_intents/${id}/confirm 402`,
        `GET /v1/payment_intents/${id} 200`,
      ]);
      expect(intent.status).to.equal('requires_payment_method');
      expect(intent.failure).to.deep.equal({ code: 'generic_decline', message: 'Your card was declined.' });
    });

    it('pm_card_authenticationRequired leaves the intent requiring action', async () => {
      const id = await newIntent();
      const intent = await gateway.confirmIntent({
        intentId: id,
        paymentMethod: 'pm_card_authenticationRequired',
        idempotencyKey: key('3ds'),
      });
      expect(intent.status).to.equal('requires_action');
      expect(intent.chargeId).to.equal(undefined);
      expect(intent.failure).to.equal(undefined);
      expect(fake.intents.get(id)!.next_action).to.have.property('type', 'use_stripe_sdk');
    });

    it('a retried confirm under the same key replays the first answer: one charge', async () => {
      const id = await newIntent();
      const idempotencyKey = key('confirm-twice');
      const [first, second] = await Promise.all([
        gateway.confirmIntent({ intentId: id, paymentMethod: 'pm_card_visa', idempotencyKey }),
        gateway.confirmIntent({ intentId: id, paymentMethod: 'pm_card_visa', idempotencyKey }),
      ]);
      expect(second).to.deep.equal(first);
      expect(first.status).to.equal('succeeded');
      expect(fake.requests.map((r) => r.status)).to.deep.equal([200, 200]);
    });

    it('confirming an already paid intent under a new key is thrown (not a card error)', async () => {
      const id = await paidIntent();
      const error = await rejection(
        gateway.confirmIntent({ intentId: id, paymentMethod: 'pm_card_visa', idempotencyKey: key('again') }),
      );
      expect(error).to.be.instanceOf(Stripe.errors.StripeInvalidRequestError);
      expect((error as Stripe.errors.StripeError).code).to.equal('payment_intent_unexpected_state');
    });

    it('an unknown intent and a 500 are thrown', async () => {
      const missing = await rejection(
        gateway.confirmIntent({
          intentId: 'pi_nope',
          paymentMethod: 'pm_card_visa',
          idempotencyKey: key('x'),
        }),
      );
      expect(missing).to.be.instanceOf(Stripe.errors.StripeInvalidRequestError);

      const id = await newIntent();
      fake.failWith = { status: 500 };
      const failed = await rejection(
        gateway.confirmIntent({ intentId: id, paymentMethod: 'pm_card_visa', idempotencyKey: key('500') }),
      );
      expect(failed).to.be.instanceOf(Stripe.errors.StripeAPIError);
    });
  });

  describe('retrieveIntent', () => {
    it('GETs /v1/payment_intents/:id and maps it; an unknown id is null', async () => {
      const id = await paidIntent(7000);
      const intent = await gateway.retrieveIntent(id);
      const request = only();
      expect(request.method).to.equal('GET');
      expect(request.path).to.equal(`/v1/payment_intents/${id}`);
      expect(request.headers['idempotency-key']).to.equal(undefined);
      expect(intent).to.include({ id, amount: 7000, currency: 'inr', status: 'succeeded' });
      expect(intent!.chargeId).to.match(/^ch_/);

      expect(await gateway.retrieveIntent('pi_doesnotexist')).to.equal(null);
    });

    it('a 500 is thrown, not taken for a missing intent', async () => {
      fake.failWith = { status: 500 };
      expect(await rejection(gateway.retrieveIntent('pi_x'))).to.be.instanceOf(Stripe.errors.StripeAPIError);
    });
  });

  describe('refund', () => {
    it('POSTs /v1/refunds with payment_intent and amount under the key; partial then the rest', async () => {
      const id = await paidIntent(5000);
      const idempotencyKey = key('refund');
      const partial = await gateway.refund({ intentId: id, amount: 1500, idempotencyKey });

      const request = only();
      expect(request.method).to.equal('POST');
      expect(request.path).to.equal('/v1/refunds');
      expect(request.rawBody).to.equal(`payment_intent=${id}&amount=1500`);
      expect(request.headers['idempotency-key']).to.equal(idempotencyKey);
      expect(partial.id).to.match(/^re_/);
      expect(partial).to.deep.equal({ id: partial.id, intentId: id, amount: 1500, status: 'succeeded' });

      const replay = await gateway.refund({ intentId: id, amount: 1500, idempotencyKey });
      expect(replay).to.deep.equal(partial);

      const rest = await gateway.refund({ intentId: id, amount: 3500, idempotencyKey: key('refund-rest') });
      expect(rest.amount).to.equal(3500);
      expect([...fake.refunds.values()].filter((r) => r.payment_intent === id)).to.have.length(2);

      const tooMuch = await rejection(
        gateway.refund({ intentId: id, amount: 1, idempotencyKey: key('refund-more') }),
      );
      expect(tooMuch).to.be.instanceOf(Stripe.errors.StripeInvalidRequestError);
      expect((tooMuch as Stripe.errors.StripeError).code).to.equal('charge_already_refunded');
    });
  });

  describe('ensureCustomer', () => {
    it('looks the user up by email and metadata.userId, creates it once under customer-<userId>, then finds it', async () => {
      const input = { userId: '65f0a1b2c3d4e5f6a7b8c9e1', email: 'rose@amour.test', name: 'Rose Petal' };
      const id = await gateway.ensureCustomer(input);

      expect(id).to.match(/^cus_/);
      expect(fake.requests).to.have.length(2);
      const [lookup, create] = fake.requests;
      expect(lookup!.method).to.equal('GET');
      expect(lookup!.path).to.equal('/v1/customers');
      expect(lookup!.query).to.deep.equal({ email: 'rose@amour.test', limit: '100' });
      expect(create!.method).to.equal('POST');
      expect(create!.path).to.equal('/v1/customers');
      expect(create!.form).to.deep.equal({
        email: 'rose@amour.test',
        name: 'Rose Petal',
        metadata: { userId: '65f0a1b2c3d4e5f6a7b8c9e1' },
      });
      expect(create!.headers['idempotency-key']).to.equal('customer-65f0a1b2c3d4e5f6a7b8c9e1');

      fake.resetRequests();
      expect(await gateway.ensureCustomer(input)).to.equal(id);
      expect(fake.requests.map((r) => r.method)).to.deep.equal(['GET']);
    });

    it('concurrent first uses create one customer; another user with the same email gets their own', async () => {
      const input = { userId: '65f0a1b2c3d4e5f6a7b8c9e2', email: 'shared@amour.test', name: 'A' };
      const ids = await Promise.all([gateway.ensureCustomer(input), gateway.ensureCustomer(input)]);
      expect(ids[0]).to.equal(ids[1]);
      expect([...fake.customers.values()].filter((c) => c.email === 'shared@amour.test')).to.have.length(1);

      const other = await gateway.ensureCustomer({ ...input, userId: '65f0a1b2c3d4e5f6a7b8c9e3', name: 'B' });
      expect(other).to.not.equal(ids[0]);
    });
  });

  describe('saved payment methods', () => {
    it("attach POSTs /v1/payment_methods/:id/attach with the customer and key; list GETs the customer's cards", async () => {
      const customerId = await gateway.ensureCustomer({ userId: 'u-pm', email: 'pm@amour.test', name: 'P' });
      fake.resetRequests();

      expect(await gateway.listPaymentMethods(customerId)).to.deep.equal([]);
      const list = only();
      expect(list.method).to.equal('GET');
      expect(list.path).to.equal('/v1/payment_methods');
      expect(list.query).to.deep.equal({ customer: customerId, type: 'card', limit: '100' });
      fake.resetRequests();

      const idempotencyKey = key('attach');
      const saved = await gateway.attachPaymentMethod({
        customerId,
        paymentMethod: 'pm_card_visa',
        idempotencyKey,
      });
      const attach = only();
      expect(attach.method).to.equal('POST');
      expect(attach.path).to.equal('/v1/payment_methods/pm_card_visa/attach');
      expect(attach.rawBody).to.equal(`customer=${customerId}`);
      expect(attach.headers['idempotency-key']).to.equal(idempotencyKey);
      expect(saved.id).to.match(/^pm_/);
      expect(saved).to.deep.equal({
        id: saved.id,
        brand: 'visa',
        last4: '4242',
        expMonth: 12,
        expYear: new Date().getUTCFullYear() + 3,
      });

      await gateway.attachPaymentMethod({
        customerId,
        paymentMethod: 'pm_card_mastercard',
        idempotencyKey: key('attach'),
      });
      const methods = await gateway.listPaymentMethods(customerId);
      expect(methods.map((m) => [m.brand, m.last4])).to.have.deep.members([
        ['visa', '4242'],
        ['mastercard', '4444'],
      ]);

      // The saved card pays an intent of the same customer.
      const intentId = await newIntent(1200, customerId);
      const paid = await gateway.confirmIntent({
        intentId,
        paymentMethod: saved.id,
        idempotencyKey: key('pay-saved'),
      });
      expect(paid.status).to.equal('succeeded');
      expect(paid.customerId).to.equal(customerId);
    });

    it('findPaymentMethod GETs /v1/payment_methods/:id: its customer, null when unattached, null when unknown', async () => {
      const customerId = await gateway.ensureCustomer({
        userId: 'u-pm3',
        email: 'pm3@amour.test',
        name: 'P',
      });
      const saved = await gateway.attachPaymentMethod({
        customerId,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: key('attach'),
      });
      fake.resetRequests();
      expect(await gateway.findPaymentMethod(saved.id)).to.deep.equal({ customerId });
      const get = only();
      expect(get.method).to.equal('GET');
      expect(get.path).to.equal(`/v1/payment_methods/${saved.id}`);
      expect(await gateway.findPaymentMethod('pm_card_mastercard')).to.deep.equal({ customerId: null });
      expect(await gateway.findPaymentMethod('pm_unknown')).to.equal(null);
      fake.failWith = { status: 500 };
      expect(await rejection(gateway.findPaymentMethod(saved.id))).to.be.instanceOf(
        Stripe.errors.StripeAPIError,
      );
    });

    it('attaching an unknown payment method is thrown', async () => {
      const customerId = await gateway.ensureCustomer({
        userId: 'u-pm2',
        email: 'pm2@amour.test',
        name: 'P',
      });
      const error = await rejection(
        gateway.attachPaymentMethod({
          customerId,
          paymentMethod: 'pm_unknown',
          idempotencyKey: key('attach'),
        }),
      );
      expect(error).to.be.instanceOf(Stripe.errors.StripeInvalidRequestError);
    });

    it('createSetupIntent POSTs /v1/setup_intents for cards, off session, under the key', async () => {
      const customerId = await gateway.ensureCustomer({
        userId: 'u-seti',
        email: 'seti@amour.test',
        name: 'S',
      });
      fake.resetRequests();
      const idempotencyKey = key('seti');
      const setup = await gateway.createSetupIntent({ customerId, idempotencyKey });

      const request = only();
      expect(request.method).to.equal('POST');
      expect(request.path).to.equal('/v1/setup_intents');
      expect(request.form).to.deep.equal({
        customer: customerId,
        allowed_payment_method_types: ['card'],
        usage: 'off_session',
      });
      expect(request.headers['idempotency-key']).to.equal(idempotencyKey);
      expect(setup.id).to.match(/^seti_/);
      expect(setup.clientSecret).to.match(new RegExp(`^${setup.id}_secret_`));
      expect(Object.keys(setup).sort()).to.deep.equal(['clientSecret', 'id']);
    });
  });

  describe('webhook signatures (the SDK helpers the webhook verifier relies on)', () => {
    const secret = 'whsec_test_amour_secret';
    const payload = JSON.stringify({
      id: 'evt_test_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: 1_760_000_000,
      data: { object: { id: 'pi_123', object: 'payment_intent', amount: 4999, metadata: { orderId: 'o1' } } },
    });

    it('an event signed with generateTestHeaderString is accepted by constructEvent (static, no API key needed)', () => {
      const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
      expect(header).to.match(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = Stripe.webhooks.constructEvent(payload, header, secret);
      expect(event.id).to.equal('evt_test_1');
      expect(event.type).to.equal('payment_intent.succeeded');
      expect((event.data.object as { id: string }).id).to.equal('pi_123');
      // A Buffer of the raw body works as well.
      expect(fake.client().webhooks.constructEvent(Buffer.from(payload), header, secret).id).to.equal(
        'evt_test_1',
      );
    });

    it('rejects a tampered body, another secret, a missing header and a stale timestamp', () => {
      const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
      const SignatureError = Stripe.errors.StripeSignatureVerificationError;
      expect(() => Stripe.webhooks.constructEvent(payload.replace('4999', '1'), header, secret)).to.throw(
        SignatureError,
      );
      expect(() => Stripe.webhooks.constructEvent(payload, header, 'whsec_other')).to.throw(SignatureError);
      expect(() => Stripe.webhooks.constructEvent(payload, '', secret)).to.throw(SignatureError);
      expect(() => Stripe.webhooks.constructEvent(payload, 't=1,v1=deadbeef', secret)).to.throw(
        SignatureError,
      );

      const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
      const stale = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: tenMinutesAgo });
      expect(() => Stripe.webhooks.constructEvent(payload, stale, secret)).to.throw(
        SignatureError,
        /timestamp outside the tolerance/i,
      );
      expect(() => Stripe.webhooks.constructEvent(payload, stale, secret, 300)).to.throw(SignatureError);
      // Within a wider tolerance the same header is accepted (tolerance is in seconds; default 300).
      expect(Stripe.webhooks.constructEvent(payload, stale, secret, 900).id).to.equal('evt_test_1');
      expect(Stripe.webhooks.DEFAULT_TOLERANCE).to.equal(300);
    });
  });
});
