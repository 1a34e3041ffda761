import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { buildTestApp, registerUser, type TestApp } from '../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../support/services.js';
import { razorpaySignature, signedEvent, stockedProduct } from '../http/payments/kit.js';

/**
 * Paying for orders over real HTTP, through the doubled /api/api prefix the storefront sends:
 * with the fake gateway (create-intent + confirm, then a signed webhook), and with the
 * storefront's own flow (create-order + verify) — on the embedded default and on MongoDB + Redis.
 */
describe('payments journey on the embedded default', () => paymentsJourney(() => ({})));

describeWith(['mongo', 'redis'], 'payments journey on MongoDB + Redis', () =>
  paymentsJourney(() => ({ MONGODB_URI: mongoTestUri('payments_journey'), REDIS_URL: serviceUrl('redis') })),
);

function paymentsJourney(env: () => Record<string, string>): void {
  describe('a shopper pays for orders', function () {
    this.timeout(60_000);
    let t: TestApp;
    let base: string;
    let token: string;
    let productId: string;

    before(async () => {
      t = await buildTestApp(env());
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      base = `http://127.0.0.1:${address.port}/api`;
      token = (await registerUser(t)).token;
      productId = await stockedProduct(t);
    });
    after(async () => {
      if (!t) return;
      if (t.container.isBound(MONGO_CONNECTION))
        await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await t.close();
    });

    async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }

    async function checkout() {
      const placed = await call('POST', '/api/orders', {
        items: [{ product: productId, quantity: 2, price: 1 }],
        shippingAddress: {
          fullName: 'Asha Rao',
          street: '1 MG Road',
          city: 'Pune',
          state: 'MH',
          zipCode: '411001',
          country: 'India',
          phone: '9876543210',
        },
        subtotal: 1,
        total: 1,
      });
      expect(placed.status).to.equal(201);
      return placed.body.data;
    }

    it('pays with the fake gateway (create-intent + confirm) and sees the order confirmed', async () => {
      const order = await checkout();
      const intent = await call('POST', '/api/payments/create-intent', { orderId: order._id });
      expect(intent.status).to.equal(200);
      expect(intent.body.data.amount).to.equal(order.totalAmount);
      const declined = await call('POST', '/api/payments/confirm', {
        paymentIntentId: intent.body.data.paymentIntentId,
        paymentMethod: 'pm_card_chargeDeclined',
      });
      expect(declined.status).to.equal(402);
      const paid = await call(
        'POST',
        '/api/payments/confirm',
        { paymentIntentId: intent.body.data.paymentIntentId, paymentMethod: 'pm_card_visa' },
        { 'idempotency-key': `confirm-${order._id}` },
      );
      expect(paid.status).to.equal(200);
      expect(paid.body.data.status).to.equal('succeeded');
      // Stripe then delivers its event (signed, raw body over real HTTP): nothing changes twice.
      const event = signedEvent('payment_intent.succeeded', { id: intent.body.data.paymentIntentId });
      const hook = await fetch(`${base}/api/payments/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': event.header },
        body: event.payload,
      });
      expect(hook.status).to.equal(200);
      const confirmation = await call('GET', `/api/orders/${order._id}`);
      expect(confirmation.body.data).to.include({
        paymentStatus: 'completed',
        orderStatus: 'confirmed',
        status: 'confirmed',
      });
      expect(confirmation.body.data.paidAt).to.be.a('string');
      const history = await call('GET', '/api/orders/my-orders');
      const listed = history.body.data.orders.find((o: { _id: string }) => o._id === order._id);
      expect(listed.paymentStatus).to.equal('completed');
      const status = await call('GET', `/api/payments/status/${order._id}`);
      expect(status.body.data).to.include({ paymentStatus: 'completed', orderStatus: 'confirmed' });
    });

    it("pays through the storefront's flow (create-order + verify) and sees the order confirmed", async () => {
      const order = await checkout();
      const created = await call('POST', '/api/payments/create-order', {
        amount: order.totalAmount,
        orderId: order._id,
        currency: 'INR',
      });
      expect(created.status).to.equal(200);
      const d = created.body.data;
      expect(d.amount).to.equal(Math.round(order.totalAmount * 100));
      const paymentId = `pay_${Date.now()}`;
      const verified = await call('POST', '/api/payments/verify', {
        razorpay_order_id: d.razorpayOrderId,
        razorpay_payment_id: paymentId,
        razorpay_signature: razorpaySignature(d.razorpayOrderId, paymentId),
        orderId: order._id,
      });
      expect(verified.status).to.equal(200);
      expect(verified.body.message).to.equal('Payment verified successfully');
      const confirmation = await call('GET', `/api/orders/${order._id}`);
      expect(confirmation.body.data).to.include({
        paymentStatus: 'completed',
        orderStatus: 'confirmed',
        razorpayOrderId: d.razorpayOrderId,
        razorpayPaymentId: paymentId,
      });
    });
  });
}
