import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { PaymentGateway } from '../../../application/payments/ports.js';

/**
 * What every PaymentGateway must do alike (the fake gateway of the embedded default and the
 * Stripe adapter): Stripe's documented behaviour for payment intents, Stripe's test payment
 * methods, refunds, customers, saved methods and setup intents. Refusals are thrown errors
 * carrying Stripe's error `code` (the use cases report it as PAYMENT_GATEWAY_FAILED's gatewayCode);
 * card declines on confirm are answers (the intent with its `failure`), not errors.
 */
export interface PaymentGatewayContractOptions {
  /** A gateway to run one test against (tests use unique keys and users, so it may be shared). */
  gateway(): PaymentGateway;
}

/**
 * The `code` of the error the call was refused with (fails when it was not refused). Stripe's
 * idempotency errors carry no code (only their type), so a refusal need not have one.
 */
async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  expect.fail('expected the call to be refused');
}

export function paymentGatewayContract(options: PaymentGatewayContractOptions): void {
  let g: PaymentGateway;
  const run = randomBytes(4).toString('hex');
  let seq = 0;
  const key = (label: string): string => `contract-${run}-${label}-${++seq}`;
  const orderId = '65f0a1b2c3d4e5f6a7b8c9d0';

  beforeEach(() => {
    g = options.gateway();
  });

  const newIntent = async (amount = 4999, customerId?: string) =>
    g.createIntent({
      orderId,
      amount,
      currency: 'INR',
      idempotencyKey: key('create'),
      ...(customerId !== undefined ? { customerId } : {}),
    });
  const paidIntent = async (amount = 4999) => {
    const intent = await newIntent(amount);
    return g.confirmIntent({
      intentId: intent.id,
      paymentMethod: 'pm_card_visa',
      idempotencyKey: key('pay'),
    });
  };
  const newCustomer = async (label: string) =>
    g.ensureCustomer({
      userId: `u-${run}-${label}-${++seq}`,
      email: `${label}-${run}@amour.test`,
      name: label,
    });

  describe('createIntent', () => {
    it('answers an intent awaiting a payment method: amount, lowercase currency, orderId, Stripe-shaped ids', async () => {
      const intent = await newIntent(129900);
      expect(intent.id).to.match(/^pi_/);
      expect(intent.clientSecret.startsWith(`${intent.id}_secret_`)).to.equal(true);
      expect(intent).to.deep.equal({
        id: intent.id,
        clientSecret: intent.clientSecret,
        amount: 129900,
        currency: 'inr',
        status: 'requires_payment_method',
        orderId,
      });
      expect(await g.retrieveIntent(intent.id)).to.deep.equal(intent);
    });

    it("carries the customer's id; an unknown customer is refused (resource_missing)", async () => {
      const customerId = await newCustomer('intent');
      expect((await newIntent(500, customerId)).customerId).to.equal(customerId);
      expect(await refusal(newIntent(500, 'cus_unknown'))).to.equal('resource_missing');
    });

    it('the same key replays the first intent; another key makes another; the same key with another amount is refused', async () => {
      const input = { orderId, amount: 2500, currency: 'inr', idempotencyKey: key('same') };
      const first = await g.createIntent(input);
      expect(await g.createIntent(input)).to.deep.equal(first);
      expect((await g.createIntent({ ...input, idempotencyKey: key('other') })).id).to.not.equal(first.id);
      // Stripe's idempotency_error: refused, and nothing is made or changed.
      await refusal(g.createIntent({ ...input, amount: 2600 }));
      expect(await g.createIntent(input)).to.deep.equal(first);
      expect(await g.retrieveIntent(first.id)).to.deep.equal(first);
    });

    it('a zero amount is refused', async () => {
      await refusal(g.createIntent({ orderId, amount: 0, currency: 'inr', idempotencyKey: key('zero') }));
    });
  });

  describe('confirmIntent', () => {
    it('pm_card_visa succeeds with a charge id and no failure', async () => {
      const paid = await paidIntent(4999);
      expect(paid).to.include({ status: 'succeeded', amount: 4999, currency: 'inr', orderId });
      expect(paid.chargeId).to.match(/^ch_/);
      expect(paid.failure).to.equal(undefined);
      expect(await g.retrieveIntent(paid.id)).to.deep.equal(paid);
    });

    it("pm_card_chargeDeclined is an answer, not an error: back to requires_payment_method with Stripe's decline code", async () => {
      const intent = await newIntent();
      const declined = await g.confirmIntent({
        intentId: intent.id,
        paymentMethod: 'pm_card_chargeDeclined',
        idempotencyKey: key('declined'),
      });
      expect(declined).to.deep.equal({
        ...intent,
        status: 'requires_payment_method',
        failure: { code: 'generic_decline', message: 'Your card was declined.' },
      });
      expect(await g.retrieveIntent(intent.id)).to.deep.include({ failure: declined.failure });
    });

    it('pm_card_chargeDeclinedInsufficientFunds declines with insufficient_funds; a good card then pays and clears the failure', async () => {
      const intent = await newIntent();
      const declined = await g.confirmIntent({
        intentId: intent.id,
        paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
        idempotencyKey: key('nsf'),
      });
      expect(declined.status).to.equal('requires_payment_method');
      expect(declined.failure).to.deep.equal({
        code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
      });
      expect(declined.chargeId).to.equal(undefined);
      const paid = await g.confirmIntent({
        intentId: intent.id,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: key('retry'),
      });
      expect(paid.status).to.equal('succeeded');
      expect(paid.failure).to.equal(undefined);
    });

    it('pm_card_authenticationRequired leaves the intent requiring action (no charge, no failure)', async () => {
      const intent = await newIntent();
      const action = await g.confirmIntent({
        intentId: intent.id,
        paymentMethod: 'pm_card_authenticationRequired',
        idempotencyKey: key('3ds'),
      });
      expect(action).to.deep.equal({ ...intent, status: 'requires_action' });
    });

    it('the same key replays the first answer; a paid intent confirmed under a new key is refused (payment_intent_unexpected_state)', async () => {
      const intent = await newIntent();
      const input = { intentId: intent.id, paymentMethod: 'pm_card_visa', idempotencyKey: key('twice') };
      const first = await g.confirmIntent(input);
      expect(await g.confirmIntent(input)).to.deep.equal(first);
      expect(await refusal(g.confirmIntent({ ...input, idempotencyKey: key('again') }))).to.equal(
        'payment_intent_unexpected_state',
      );
      expect(await g.retrieveIntent(intent.id)).to.deep.equal(first);
    });

    it('an unknown intent and an unknown payment method are refused (resource_missing)', async () => {
      expect(
        await refusal(
          g.confirmIntent({
            intentId: 'pi_unknown',
            paymentMethod: 'pm_card_visa',
            idempotencyKey: key('x'),
          }),
        ),
      ).to.equal('resource_missing');
      const intent = await newIntent();
      expect(
        await refusal(
          g.confirmIntent({ intentId: intent.id, paymentMethod: 'pm_unknown', idempotencyKey: key('pm') }),
        ),
      ).to.equal('resource_missing');
      expect((await g.retrieveIntent(intent.id))?.status).to.equal('requires_payment_method');
    });
  });

  describe('retrieveIntent', () => {
    it('an unknown intent is null', async () => {
      expect(await g.retrieveIntent('pi_doesnotexist')).to.equal(null);
    });
  });

  describe('refund', () => {
    it('partial, replayed by key, then the rest; once fully refunded, more is refused (charge_already_refunded)', async () => {
      const paid = await paidIntent(5000);
      const input = { intentId: paid.id, amount: 1500, idempotencyKey: key('refund') };
      const partial = await g.refund(input);
      expect(partial.id).to.match(/^re_/);
      expect(partial).to.deep.equal({ id: partial.id, intentId: paid.id, amount: 1500, status: 'succeeded' });
      expect(await g.refund(input)).to.deep.equal(partial);
      await refusal(g.refund({ ...input, amount: 1600 })); // Stripe's idempotency_error
      const rest = await g.refund({ intentId: paid.id, amount: 3500, idempotencyKey: key('rest') });
      expect(rest).to.include({ intentId: paid.id, amount: 3500, status: 'succeeded' });
      expect(rest.id).to.not.equal(partial.id);
      expect(await refusal(g.refund({ intentId: paid.id, amount: 1, idempotencyKey: key('more') }))).to.equal(
        'charge_already_refunded',
      );
    });

    it('more than the unrefunded amount is refused (amount_too_large)', async () => {
      const paid = await paidIntent(1000);
      expect(
        await refusal(g.refund({ intentId: paid.id, amount: 1001, idempotencyKey: key('over') })),
      ).to.equal('amount_too_large');
      await g.refund({ intentId: paid.id, amount: 600, idempotencyKey: key('part') });
      expect(
        await refusal(g.refund({ intentId: paid.id, amount: 401, idempotencyKey: key('over2') })),
      ).to.equal('amount_too_large');
      expect(
        (await g.refund({ intentId: paid.id, amount: 400, idempotencyKey: key('last') })).amount,
      ).to.equal(400);
    });

    it('an unpaid intent is refused; an unknown one too (resource_missing)', async () => {
      const intent = await newIntent();
      await refusal(g.refund({ intentId: intent.id, amount: 100, idempotencyKey: key('unpaid') }));
      expect(
        await refusal(g.refund({ intentId: 'pi_unknown', amount: 100, idempotencyKey: key('unknown') })),
      ).to.equal('resource_missing');
    });
  });

  describe('customers', () => {
    it('ensureCustomer answers one customer per user; another user with the same email gets their own', async () => {
      const input = { userId: `u-${run}-same`, email: `same-${run}@amour.test`, name: 'A' };
      const id = await g.ensureCustomer(input);
      expect(id).to.match(/^cus_/);
      expect(await g.ensureCustomer(input)).to.equal(id);
      expect(await g.ensureCustomer({ ...input, userId: `u-${run}-other`, name: 'B' })).to.not.equal(id);
    });
  });

  describe('saved payment methods', () => {
    it("attach saves a card (brand, last4, expiry), replayed by key; list answers the customer's cards", async () => {
      const customerId = await newCustomer('pm');
      expect(await g.listPaymentMethods(customerId)).to.deep.equal([]);
      const input = { customerId, paymentMethod: 'pm_card_visa', idempotencyKey: key('attach') };
      const visa = await g.attachPaymentMethod(input);
      expect(visa.id).to.match(/^pm_/);
      expect(visa).to.deep.include({ brand: 'visa', last4: '4242', expMonth: 12 });
      expect(visa.expYear).to.be.a('number').and.to.be.greaterThan(new Date().getUTCFullYear());
      expect(await g.attachPaymentMethod(input)).to.deep.equal(visa);
      const master = await g.attachPaymentMethod({
        customerId,
        paymentMethod: 'pm_card_mastercard',
        idempotencyKey: key('attach'),
      });
      expect(master).to.include({ brand: 'mastercard', last4: '4444' });
      // Newest first, as Stripe lists them.
      expect(await g.listPaymentMethods(customerId)).to.deep.equal([master, visa]);
      expect(await g.listPaymentMethods(await newCustomer('empty'))).to.deep.equal([]);
    });

    it('findPaymentMethod: the customer a method is saved to, null for an unsaved test id, null when unknown', async () => {
      const customerId = await newCustomer('find');
      const saved = await g.attachPaymentMethod({
        customerId,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: key('attach'),
      });
      expect(await g.findPaymentMethod(saved.id)).to.deep.equal({ customerId });
      expect(await g.findPaymentMethod('pm_card_mastercard')).to.deep.equal({ customerId: null });
      expect(await g.findPaymentMethod('pm_unknown')).to.equal(null);
    });

    it("a saved card pays its customer's intent; another customer's intent refuses it", async () => {
      const owner = await newCustomer('owner');
      const saved = await g.attachPaymentMethod({
        customerId: owner,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: key('attach'),
      });
      const mine = await newIntent(1200, owner);
      const paid = await g.confirmIntent({
        intentId: mine.id,
        paymentMethod: saved.id,
        idempotencyKey: key('pay'),
      });
      expect(paid).to.include({ status: 'succeeded', customerId: owner });
      const other = await newIntent(1200, await newCustomer('thief'));
      await refusal(
        g.confirmIntent({ intentId: other.id, paymentMethod: saved.id, idempotencyKey: key('steal') }),
      );
      expect((await g.retrieveIntent(other.id))?.status).to.equal('requires_payment_method');
    });

    it("refuses another customer's saved method (payment_method_unexpected_state), a declining card (card_declined), unknown ids and customers", async () => {
      const owner = await newCustomer('a');
      const other = await newCustomer('b');
      const saved = await g.attachPaymentMethod({
        customerId: owner,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: key('attach'),
      });
      const attach = (customerId: string, paymentMethod: string) =>
        g.attachPaymentMethod({ customerId, paymentMethod, idempotencyKey: key('attach') });
      expect(await refusal(attach(other, saved.id))).to.equal('payment_method_unexpected_state');
      expect(await refusal(attach(other, 'pm_card_chargeDeclined'))).to.equal('card_declined');
      expect(await refusal(attach(other, 'pm_unknown'))).to.equal('resource_missing');
      expect(await refusal(attach('cus_unknown', 'pm_card_visa'))).to.equal('resource_missing');
      expect(await refusal(g.listPaymentMethods('cus_unknown'))).to.equal('resource_missing');
      expect(await g.listPaymentMethods(other)).to.deep.equal([]);
      expect(await g.findPaymentMethod(saved.id)).to.deep.equal({ customerId: owner });
    });
  });

  describe('createSetupIntent', () => {
    it('answers only an id and a client secret, replayed by key; an unknown customer is refused', async () => {
      const customerId = await newCustomer('seti');
      const input = { customerId, idempotencyKey: key('seti') };
      const setup = await g.createSetupIntent(input);
      expect(setup.id).to.match(/^seti_/);
      expect(setup.clientSecret.startsWith(`${setup.id}_secret_`)).to.equal(true);
      expect(Object.keys(setup).sort()).to.deep.equal(['clientSecret', 'id']);
      expect(await g.createSetupIntent(input)).to.deep.equal(setup);
      expect((await g.createSetupIntent({ customerId, idempotencyKey: key('seti') })).id).to.not.equal(
        setup.id,
      );
      expect(
        await refusal(g.createSetupIntent({ customerId: 'cus_unknown', idempotencyKey: key('seti') })),
      ).to.equal('resource_missing');
    });
  });
}
