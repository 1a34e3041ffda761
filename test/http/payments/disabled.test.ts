import { expect } from 'chai';
import { ConfigError, DEV_RAZORPAY_KEY_ID } from '../../../bootstrap/config.js';
import { buildTestApp, PRODUCTION_SECRETS, registerUser, type TestApp } from '../../support/harness.js';
import { placeOrder, razorpaySignature } from './kit.js';

type Shopper = Awaited<ReturnType<typeof registerUser>>;

/** Every card-flow call a shopper can make, with what it sends. */
function cardCalls(orderId: string) {
  return [
    { method: 'POST', url: '/api/payments/create-intent', body: { orderId } },
    {
      method: 'POST',
      url: '/api/payments/confirm',
      body: { paymentIntentId: 'pi_anything', paymentMethod: 'pm_card_visa' },
    },
    { method: 'GET', url: '/api/payments/methods' },
    { method: 'POST', url: '/api/payments/methods', body: { paymentMethod: 'pm_card_visa' } },
    { method: 'POST', url: '/api/payments/methods/setup-intent', body: {} },
  ] as const;
}

describe('HTTP /api/payments when a flow has no real gateway', function () {
  this.timeout(30_000);

  it('production refuses to start without STRIPE_SECRET_KEY (the fake gateway never takes payments there)', async () => {
    let failure: unknown;
    try {
      const t = await buildTestApp({ ...PRODUCTION_SECRETS });
      await t.close();
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(ConfigError);
    expect((failure as Error).message).to.include('STRIPE_SECRET_KEY');
  });

  describe('production with CARD_PAYMENTS_ENABLED=false and no Razorpay keys', () => {
    let t: TestApp;
    let shopper: Shopper;
    before(async () => {
      t = await buildTestApp({ ...PRODUCTION_SECRETS, CARD_PAYMENTS_ENABLED: 'false' });
      shopper = await registerUser(t);
    });
    after(async () => t?.close());

    it('every card-flow route answers 503 PAYMENTS_DISABLED; pm_card_visa pays nothing', async () => {
      const order = await placeOrder(t, shopper.token);
      for (const call of cardCalls(order._id)) {
        const res = await t.request({ ...call, token: shopper.token, sign: true });
        expect(res.statusCode, `${call.method} ${call.url} ${res.body}`).to.equal(503);
        expect(res.json()).to.include({ status: 'error', code: 'PAYMENTS_DISABLED' });
      }
      const latest = (
        await t.request({ method: 'GET', url: `/api/orders/${order._id}`, token: shopper.token })
      ).json().data;
      expect(latest.paymentStatus).to.equal('pending');
    });

    it('create-order answers 503 PAYMENTS_DISABLED, never a fake gateway order or the dev key id; verify pays nothing', async () => {
      const order = await placeOrder(t, shopper.token);
      const res = await t.request({
        method: 'POST',
        url: '/api/payments/create-order',
        token: shopper.token,
        body: { amount: order.total, orderId: order._id, currency: 'INR' },
      });
      expect(res.statusCode, res.body).to.equal(503);
      expect(res.json().code).to.equal('PAYMENTS_DISABLED');
      expect(res.body).to.not.include(DEV_RAZORPAY_KEY_ID).and.not.include('order_');
      const verify = await t.request({
        method: 'POST',
        url: '/api/payments/verify',
        token: shopper.token,
        body: {
          razorpay_order_id: 'order_Fake0000000001',
          razorpay_payment_id: 'pay_1',
          razorpay_signature: razorpaySignature('order_Fake0000000001', 'pay_1'),
          orderId: order._id,
        },
      });
      expect(verify.statusCode, verify.body).to.equal(503);
      expect(verify.json().code).to.equal('PAYMENTS_DISABLED');
      const latest = (
        await t.request({ method: 'GET', url: `/api/orders/${order._id}`, token: shopper.token })
      ).json().data;
      expect(latest.paymentStatus).to.equal('pending');
    });

    it('the OpenAPI document lists the 503 of the payment routes', async () => {
      const paths = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json().paths;
      expect(paths['/api/payments/create-order'].post.responses).to.have.property('503');
      expect(paths['/api/payments/create-intent'].post.responses).to.have.property('503');
      expect(paths['/api/payments/methods'].post.responses).to.have.property('404');
    });
  });

  describe('development with CARD_PAYMENTS_ENABLED=false', () => {
    let t: TestApp;
    let shopper: Shopper;
    before(async () => {
      t = await buildTestApp({ CARD_PAYMENTS_ENABLED: 'false' });
      shopper = await registerUser(t);
    });
    after(async () => t?.close());

    it('turns the card flow off and leaves the storefront checkout (fake Razorpay) on', async () => {
      const order = await placeOrder(t, shopper.token);
      for (const call of cardCalls(order._id)) {
        const res = await t.request({ ...call, token: shopper.token, sign: true });
        expect(res.statusCode, `${call.method} ${call.url}`).to.equal(503);
        expect(res.json().code).to.equal('PAYMENTS_DISABLED');
      }
      const res = await t.request({
        method: 'POST',
        url: '/api/payments/create-order',
        token: shopper.token,
        body: { amount: order.total, orderId: order._id, currency: 'INR' },
      });
      expect(res.statusCode, res.body).to.equal(200);
      expect(res.json().data.key).to.equal(DEV_RAZORPAY_KEY_ID);
    });
  });
});
