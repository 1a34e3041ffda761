import { expect } from 'chai';
import Stripe from 'stripe';
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils.js';
import { FakePaymentGateway } from '../../../adapters/payments/fake-gateway.js';
import { FakeCheckoutGateway } from '../../../adapters/payments/fake-checkout-gateway.js';
import { StripeWebhookVerifier } from '../../../adapters/payments/webhook-verifier.js';
import {
  razorpayPaymentSignature,
  verifyRazorpayPaymentSignature,
} from '../../../adapters/payments/razorpay-signature.js';

describe('adapters/payments', () => {
  describe('FakePaymentGateway', () => {
    it('understands the Stripe test payment methods and captures once', async () => {
      const g = new FakePaymentGateway();
      const intent = await g.createIntent({
        orderId: 'o',
        amount: 500,
        currency: 'inr',
        idempotencyKey: 'i',
      });
      const declined = await g.confirmIntent({
        intentId: intent.id,
        paymentMethod: 'pm_card_chargeDeclined',
        idempotencyKey: 'c1',
      });
      expect(declined.status).to.equal('requires_payment_method');
      expect(declined.failure?.code).to.equal('generic_decline');
      const funds = await g.confirmIntent({
        intentId: intent.id,
        paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
        idempotencyKey: 'c2',
      });
      expect(funds.failure?.code).to.equal('insufficient_funds');
      const action = await g.confirmIntent({
        intentId: intent.id,
        paymentMethod: 'pm_card_authenticationRequired',
        idempotencyKey: 'c3',
      });
      expect(action.status).to.equal('requires_action');
      const ok = await g.confirmIntent({
        intentId: intent.id,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: 'c4',
      });
      expect(ok.status).to.equal('succeeded');
      expect(ok.failure).to.equal(undefined);
      expect(ok.chargeId).to.match(/^ch_/);
      const again = await g
        .confirmIntent({ intentId: intent.id, paymentMethod: 'pm_card_visa', idempotencyKey: 'c5' })
        .catch((error: unknown) => error);
      expect(again).to.have.property('code', 'payment_intent_unexpected_state');
      expect(g.captureCount(intent.id)).to.equal(1);
      const refund = await g.refund({ intentId: intent.id, amount: 200, idempotencyKey: 'r1' });
      expect(await g.refund({ intentId: intent.id, amount: 200, idempotencyKey: 'r1' })).to.equal(refund);
      expect(g.refundedTotal(intent.id)).to.equal(200);
      let refused: unknown;
      try {
        await g.refund({ intentId: intent.id, amount: 301, idempotencyKey: 'r2' });
      } catch (error) {
        refused = error;
      }
      expect((refused as { code: string }).code).to.equal('amount_too_large');
    });

    it("ids are random, not counters: one's own saved method does not reveal another's", async () => {
      const a = new FakePaymentGateway();
      const b = new FakePaymentGateway();
      const methods: string[] = [];
      for (const g of [a, b]) {
        const customer = await g.ensureCustomer({ userId: 'u1', email: 'a@b.c', name: 'A' });
        for (const key of ['k1', 'k2']) {
          const saved = await g.attachPaymentMethod({
            customerId: customer,
            paymentMethod: 'pm_card_visa',
            idempotencyKey: key,
          });
          methods.push(saved.id);
        }
      }
      // Same calls in the same order on two gateways: different ids (the old counters repeated).
      expect(new Set(methods).size).to.equal(4);
      for (const id of methods) expect(id).to.match(/^pm_[0-9A-Za-z]{24}$/);
      const intent = await a.createIntent({ orderId: 'o', amount: 5, currency: 'inr', idempotencyKey: 'i' });
      expect(intent.id).to.match(/^pi_[0-9A-Za-z]{24}$/);
      expect(intent.clientSecret).to.match(new RegExp(`^${intent.id}_secret_[0-9A-Za-z]{24}$`));
    });
  });

  describe('StripeWebhookVerifier', () => {
    const stripe = new Stripe('sk_test_unused');
    const payload = JSON.stringify({
      id: 'evt_1',
      type: 'charge.refunded',
      created: 5,
      data: { object: { id: 'ch_1' } },
    });
    const verifier = new StripeWebhookVerifier('whsec_unit');

    it('accepts SDK-signed events and answers id, type, created and the object', () => {
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_unit' });
      expect(verifier.verify(payload, header).unwrap()).to.deep.equal({
        id: 'evt_1',
        type: 'charge.refunded',
        created: 5,
        object: { id: 'ch_1' },
      });
    });

    it('refuses missing, forged and stale signatures', () => {
      expect(verifier.verify(payload, undefined).unwrapErr().details).to.deep.equal({
        reason: 'missing Stripe-Signature header',
      });
      const forged = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' });
      expect(verifier.verify(payload, forged).unwrapErr()).to.deep.include({
        code: 'WEBHOOK_SIGNATURE_INVALID',
        details: { reason: 'mismatch' },
      });
      const stale = stripe.webhooks.generateTestHeaderString({
        payload,
        secret: 'whsec_unit',
        timestamp: Math.floor(Date.now() / 1000) - 301,
      });
      expect(verifier.verify(payload, stale).unwrapErr().details).to.deep.equal({ reason: 'stale' });
    });

    it('applies the tolerance both ways: a signature dated beyond it in the future is refused', () => {
      const now = Math.floor(Date.now() / 1000);
      const at = (timestamp: number) =>
        stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_unit', timestamp });
      expect(verifier.verify(payload, at(now + 301)).unwrapErr()).to.deep.include({
        code: 'WEBHOOK_SIGNATURE_INVALID',
        details: { reason: 'future' },
      });
      expect(verifier.verify(payload, at(now + 365 * 86400)).unwrapErr().details).to.deep.equal({
        reason: 'future',
      });
      // Within the tolerance either way (clock skew): accepted.
      expect(verifier.verify(payload, at(now + 240)).isOk()).to.equal(true);
      expect(verifier.verify(payload, at(now - 240)).isOk()).to.equal(true);
    });

    it('checks both bounds against the clock it is given, and reads the timestamp the SDK verified', () => {
      const signedAt = 1_700_000_000;
      const header = stripe.webhooks.generateTestHeaderString({
        payload,
        secret: 'whsec_unit',
        timestamp: signedAt,
      });
      const at = (seconds: number) => new StripeWebhookVerifier('whsec_unit', 300, () => seconds * 1000);
      expect(at(signedAt).verify(payload, header).isOk()).to.equal(true);
      expect(
        at(signedAt - 301)
          .verify(payload, header)
          .unwrapErr().details,
      ).to.deep.equal({ reason: 'future' });
      expect(
        at(signedAt + 301)
          .verify(payload, header)
          .unwrapErr().details,
      ).to.deep.equal({ reason: 'stale' });
      // A second, earlier `t=` in front of a future-dated signature: the SDK verifies the last one,
      // so the check must not read the first one and let the future signature through.
      const future = stripe.webhooks.generateTestHeaderString({
        payload,
        secret: 'whsec_unit',
        timestamp: signedAt + 3600,
      });
      expect(at(signedAt).verify(payload, `t=${signedAt},${future}`).isErr()).to.equal(true);
    });
  });

  describe('StripeWebhookVerifier without the SDK (node:crypto, Stripe documented scheme)', () => {
    const stripe = new Stripe('sk_test_unused');
    const payload = JSON.stringify({
      id: 'evt_2',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_1' } },
    });
    const signedAt = 1_700_000_000;
    const verifier = new StripeWebhookVerifier('whsec_unit', 300, () => signedAt * 1000);
    const sign = (secret: string, body = payload) =>
      stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: signedAt });
    const v1 = (header: string) => header.split(',').find((item) => item.startsWith('v1='))!;
    const reason = (body: string, header: string) => verifier.verify(body, header).unwrapErr().details;

    it('accepts any of several v1 signatures (secret roll) and ignores other schemes', () => {
      const good = v1(sign('whsec_unit'));
      const other = v1(sign('whsec_old'));
      expect(verifier.verify(payload, `t=${signedAt},${other},${good}`).isOk()).to.equal(true);
      expect(verifier.verify(payload, `t=${signedAt},v0=abc,${good},x=1`).isOk()).to.equal(true);
      expect(reason(payload, `t=${signedAt},${other}`)).to.deep.equal({ reason: 'mismatch' });
      // The right digest under another scheme name is not a v1 signature.
      expect(reason(payload, `t=${signedAt},${good.replace('v1=', 'v0=')}`)).to.deep.equal({
        reason: 'mismatch',
      });
    });

    it('refuses a tampered body, a moved timestamp, odd signature encodings and unparsable headers', () => {
      const header = sign('whsec_unit');
      expect(reason(payload.replace('pi_1', 'pi_2'), header)).to.deep.equal({ reason: 'mismatch' });
      expect(reason(payload, header.replace(`t=${signedAt}`, `t=${signedAt + 1}`))).to.deep.equal({
        reason: 'mismatch',
      });
      expect(
        reason(payload, `t=${signedAt},${v1(header).toUpperCase().replace('V1=', 'v1=')}`),
      ).to.deep.equal({
        reason: 'mismatch',
      });
      expect(reason(payload, `t=${signedAt},${v1(header).slice(0, -2)}`)).to.deep.equal({
        reason: 'mismatch',
      });
      for (const bad of [
        'garbage',
        `t=${signedAt}`,
        v1(header),
        `t=abc,${v1(header)}`,
        `t=-1,${v1(header)}`,
      ]) {
        expect(reason(payload, bad), bad).to.deep.equal({ reason: 'mismatch' });
      }
      expect(reason('', sign('whsec_unit', ''))).to.deep.equal({ reason: 'mismatch' });
    });

    it('a signed body that is not a Stripe event: signed non-JSON refused, malformed events a validation error', () => {
      expect(reason('not json', sign('whsec_unit', 'not json'))).to.deep.equal({ reason: 'mismatch' });
      const noObject = JSON.stringify({ id: 'evt_3', type: 'x', data: {} });
      expect(verifier.verify(noObject, sign('whsec_unit', noObject)).unwrapErr().code).to.equal(
        'VALIDATION_FAILED',
      );
      expect(verifier.verify('null', sign('whsec_unit', 'null')).unwrapErr().code).to.equal(
        'VALIDATION_FAILED',
      );
    });

    it('the tolerance bounds are inclusive at exactly 300 s either way', () => {
      const header = sign('whsec_unit');
      const at = (seconds: number) => new StripeWebhookVerifier('whsec_unit', 300, () => seconds * 1000);
      expect(
        at(signedAt + 300)
          .verify(payload, header)
          .isOk(),
      ).to.equal(true);
      expect(
        at(signedAt - 300)
          .verify(payload, header)
          .isOk(),
      ).to.equal(true);
      expect(
        at(signedAt + 301)
          .verify(payload, header)
          .unwrapErr().details,
      ).to.deep.equal({ reason: 'stale' });
    });
  });

  describe('Razorpay-shaped signatures', () => {
    it('match the official SDK util and are checked in constant time', () => {
      const sig = razorpayPaymentSignature('order_1', 'pay_1', 'secret');
      expect(
        validatePaymentVerification({ order_id: 'order_1', payment_id: 'pay_1' }, sig, 'secret'),
      ).to.equal(true);
      expect(
        verifyRazorpayPaymentSignature({ orderId: 'order_1', paymentId: 'pay_1', signature: sig }, 'secret'),
      ).to.equal(true);
      expect(
        verifyRazorpayPaymentSignature(
          { orderId: 'order_1', paymentId: 'pay_1', signature: sig.toUpperCase() },
          'secret',
        ),
      ).to.equal(true);
      expect(
        verifyRazorpayPaymentSignature({ orderId: 'order_1', paymentId: 'pay_2', signature: sig }, 'secret'),
      ).to.equal(false);
      expect(
        verifyRazorpayPaymentSignature({ orderId: 'order_1', paymentId: 'pay_1', signature: 'zz' }, 'secret'),
      ).to.equal(false);
    });

    it('the fake checkout gateway makes order_ ids, idempotent by key', async () => {
      const g = new FakeCheckoutGateway('rzp_test_x', 'secret');
      const o = await g.createOrder({
        amount: 100,
        currency: 'INR',
        receipt: 'order_a',
        idempotencyKey: 'k',
      });
      expect(o.id).to.match(/^order_/);
      expect(
        await g.createOrder({ amount: 100, currency: 'INR', receipt: 'order_a', idempotencyKey: 'k' }),
      ).to.equal(o);
      expect(
        g.verifyPaymentSignature({
          orderId: o.id,
          paymentId: 'pay',
          signature: razorpayPaymentSignature(o.id, 'pay', 'secret'),
        }),
      ).to.equal(true);
    });
  });
});
