import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { describeWith, mongoTestUri } from '../../support/services.js';
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { PAYMENT_GATEWAY } from '../../../application/payments/ports.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import type { FakePaymentGateway } from '../../../adapters/payments/fake-gateway.js';
import { DEV_RAZORPAY_KEY_ID } from '../../../bootstrap/config.js';
import { deliver, placeOrder, razorpaySignature, signedEvent } from './kit.js';

type Shopper = Awaited<ReturnType<typeof registerUser>>;

function paymentsSuite(env: () => Record<string, string>, dropOnClose: boolean) {
  return function (this: Mocha.Suite) {
    this.timeout(60_000);
    let t: TestApp;
    let shopper: Shopper;
    let other: Shopper;
    let admin: string;
    let gateway: FakePaymentGateway;

    before(async () => {
      t = await buildTestApp(env());
      shopper = await registerUser(t);
      other = await registerUser(t);
      admin = await loginAdmin(t);
      gateway = t.container.get<FakePaymentGateway>(PAYMENT_GATEWAY);
    });
    after(async () => {
      if (!t) return;
      if (dropOnClose) await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await t.close();
    });

    const post = (url: string, body: unknown, token?: string) =>
      // signed: refunds and saved-method changes are signed operations (ignored elsewhere)
      t.request({ method: 'POST', url, body, ...(token !== undefined ? { token } : {}), sign: true });
    const getOrder = async (id: string, token = shopper.token) =>
      (await t.request({ method: 'GET', url: `/api/orders/${id}`, token })).json().data;

    async function intentFor(orderId: string, token = shopper.token): Promise<string> {
      const res = await post('/api/payments/create-intent', { orderId }, token);
      expect(res.statusCode, res.body).to.equal(200);
      return res.json().data.paymentIntentId;
    }

    async function paidOrder() {
      const order = await placeOrder(t, shopper.token);
      const intent = await intentFor(order._id);
      const res = await post(
        '/api/payments/confirm',
        { paymentIntentId: intent, paymentMethod: 'pm_card_visa' },
        shopper.token,
      );
      expect(res.statusCode, res.body).to.equal(200);
      return { order, intent };
    }

    describe('POST /create-intent', () => {
      it('answers an intent for the order total in the store currency; retries answer the same intent', async () => {
        const order = await placeOrder(t, shopper.token, 2);
        const placed = await getOrder(order._id);
        const res = await post('/api/payments/create-intent', { orderId: order._id }, shopper.token);
        expect(res.statusCode).to.equal(200);
        const data = res.json().data;
        expect(data.amount).to.equal(order.total);
        expect(data.currency).to.equal('inr');
        expect(data.status).to.equal('requires_payment_method');
        expect(data.orderId).to.equal(order._id);
        expect(data.clientSecret).to.match(/^pi_.+_secret_/);
        const linked = await getOrder(order._id);
        expect(linked.__v).to.equal(placed.__v + 1);
        const again = await post('/api/payments/create-intent', { orderId: order._id }, shopper.token);
        expect(again.json().data.paymentIntentId).to.equal(data.paymentIntentId);
        // The intent is the payment record's (not a field of the order): a retry leaves the order as it was.
        expect(await getOrder(order._id)).to.deep.equal(linked);
        const status = await t.request({
          method: 'GET',
          url: `/api/payments/status/${order._id}`,
          token: shopper.token,
        });
        expect(
          status.json().data.paymentDetails.payments.map((p: { intentId: string }) => p.intentId),
        ).to.deep.equal([data.paymentIntentId]);
      });

      it('refuses client amounts, unknown fields, operators and malformed ids (400), no token (401)', async () => {
        const order = await placeOrder(t, shopper.token);
        for (const body of [
          { orderId: order._id, amount: 1 },
          { orderId: order._id, currency: 'usd' },
          { orderId: { $gt: '' } },
          { orderId: 'not-an-id' },
          {},
        ]) {
          const res = await post('/api/payments/create-intent', body, shopper.token);
          expect(res.statusCode, JSON.stringify(body)).to.equal(400);
        }
        expect((await post('/api/payments/create-intent', { orderId: order._id })).statusCode).to.equal(401);
      });

      it("another user's order is 404 Order not found; a paid order 409 ORDER_ALREADY_PAID", async () => {
        const order = await placeOrder(t, shopper.token);
        const res = await post('/api/payments/create-intent', { orderId: order._id }, other.token);
        expect(res.statusCode).to.equal(404);
        expect(res.json().message).to.equal('Order not found');
        const { order: paid } = await paidOrder();
        const again = await post('/api/payments/create-intent', { orderId: paid._id }, shopper.token);
        expect(again.statusCode).to.equal(409);
        expect(again.json().code).to.equal('ORDER_ALREADY_PAID');
      });
    });

    describe('POST /confirm', () => {
      it('pm_card_visa captures once: paid, confirmed, paidAt; confirming again changes nothing', async () => {
        const order = await placeOrder(t, shopper.token);
        const intent = await intentFor(order._id);
        const res = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: 'pm_card_visa' },
          shopper.token,
        );
        expect(res.statusCode).to.equal(200);
        const data = res.json().data;
        expect(data.status).to.equal('succeeded');
        expect(data.order.paymentStatus).to.equal('completed');
        expect(data.order.orderStatus).to.equal('confirmed');
        expect(data.order.status).to.equal('confirmed');
        expect(data.order.paidAt).to.be.a('string');
        expect(data.order.paymentInfo.paymentId).to.equal(intent);
        const again = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: 'pm_card_visa' },
          shopper.token,
        );
        expect(again.statusCode).to.equal(200);
        expect(again.json().data.order.paidAt).to.equal(data.order.paidAt);
        expect(gateway.captureCount(intent)).to.equal(1);
      });

      it('declines are 402 PAYMENT_DECLINED with the decline code; the order shows payment_failed; another card then pays', async () => {
        const order = await placeOrder(t, shopper.token);
        const intent = await intentFor(order._id);
        const declined = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: 'pm_card_chargeDeclined' },
          shopper.token,
        );
        expect(declined.statusCode).to.equal(402);
        // Stripe's decline code for pm_card_chargeDeclined (code card_declined, decline_code
        // generic_decline): what the Stripe adapter answers, and the fake gateway with it.
        expect(declined.json()).to.include({ code: 'PAYMENT_DECLINED', declineCode: 'generic_decline' });
        let current = await getOrder(order._id);
        expect(current.paymentStatus).to.equal('failed');
        expect(current.orderStatus).to.equal('payment_failed');
        const funds = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds' },
          shopper.token,
        );
        expect(funds.statusCode).to.equal(402);
        expect(funds.json().declineCode).to.equal('insufficient_funds');
        const ok = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: 'pm_card_visa' },
          shopper.token,
        );
        expect(ok.statusCode).to.equal(200);
        current = await getOrder(order._id);
        expect(current.paymentStatus).to.equal('completed');
        expect(current.orderStatus).to.equal('confirmed');
      });

      it('pm_card_authenticationRequired answers requires_action with the client secret; the order stays pending', async () => {
        const order = await placeOrder(t, shopper.token);
        const intent = await intentFor(order._id);
        const res = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: 'pm_card_authenticationRequired' },
          shopper.token,
        );
        expect(res.statusCode).to.equal(200);
        expect(res.json().data.status).to.equal('requires_action');
        expect(res.json().data.clientSecret).to.match(/_secret_/);
        expect((await getOrder(order._id)).paymentStatus).to.equal('pending');
      });

      it("another user's intent and unknown intents are 404; bad bodies 400; no token 401", async () => {
        const order = await placeOrder(t, shopper.token);
        const intent = await intentFor(order._id);
        const res = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: 'pm_card_visa' },
          other.token,
        );
        expect(res.statusCode).to.equal(404);
        expect(res.json().code).to.equal('PAYMENT_NOT_FOUND');
        expect(
          (
            await post(
              '/api/payments/confirm',
              { paymentIntentId: 'pi_nope', paymentMethod: 'pm_card_visa' },
              shopper.token,
            )
          ).statusCode,
        ).to.equal(404);
        for (const body of [
          { paymentIntentId: intent },
          { paymentIntentId: intent, paymentMethod: 'pm_card_visa', amount: 1 },
          { paymentIntentId: intent, paymentMethod: { $gt: '' } },
          { paymentIntentId: intent, paymentMethod: '4242 4242 4242 4242' },
        ]) {
          expect(
            (await post('/api/payments/confirm', body, shopper.token)).statusCode,
            JSON.stringify(body),
          ).to.equal(400);
        }
        expect(
          (await post('/api/payments/confirm', { paymentIntentId: intent, paymentMethod: 'pm_card_visa' }))
            .statusCode,
        ).to.equal(401);
        expect(gateway.captureCount(intent)).to.equal(0);
      });
    });

    describe('POST /webhook', () => {
      it('refuses missing, forged, tampered and stale signatures with 400 WEBHOOK_SIGNATURE_INVALID', async () => {
        const order = await placeOrder(t, shopper.token);
        const intent = await intentFor(order._id);
        const good = signedEvent('payment_intent.succeeded', { id: intent });
        const cases = [
          { payload: good.payload },
          {
            payload: good.payload,
            header: signedEvent('payment_intent.succeeded', { id: intent }, { secret: 'whsec_forged' })
              .header,
          },
          { payload: good.payload.replace(intent, 'pi_other'), header: good.header },
          signedEvent(
            'payment_intent.succeeded',
            { id: intent },
            { timestamp: Math.floor(Date.now() / 1000) - 600 },
          ),
          // Dated in the future beyond the tolerance (the SDK alone only bounds the past).
          signedEvent(
            'payment_intent.succeeded',
            { id: intent },
            { timestamp: Math.floor(Date.now() / 1000) + 3600 },
          ),
        ];
        for (const c of cases) {
          const res = await deliver(t, c);
          expect(res.statusCode).to.equal(400);
          expect(res.json().code).to.equal('WEBHOOK_SIGNATURE_INVALID');
        }
        expect((await getOrder(order._id)).paymentStatus).to.equal('pending');
      });

      it('a success webhook before the confirm pays the order; the confirm then answers it without a capture', async () => {
        const order = await placeOrder(t, shopper.token);
        const intent = await intentFor(order._id);
        const ev = signedEvent('payment_intent.succeeded', {
          id: intent,
          amount_received: Math.round(order.total * 100),
          latest_charge: 'ch_x',
        });
        const res = await deliver(t, ev);
        expect(res.json()).to.deep.equal({
          status: 'ok',
          received: true,
          eventId: ev.id,
          type: 'payment_intent.succeeded',
          outcome: 'processed',
        });
        expect((await getOrder(order._id)).paymentStatus).to.equal('completed');
        const confirm = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: 'pm_card_visa' },
          shopper.token,
        );
        expect(confirm.statusCode).to.equal(200);
        expect(confirm.json().data.status).to.equal('succeeded');
        expect(gateway.captureCount(intent)).to.equal(0);
        const dup = await deliver(t, ev);
        expect(dup.json().outcome).to.equal('duplicate');
      });

      it('a success webhook after the confirm changes nothing; a late failure event leaves it paid', async () => {
        const { order, intent } = await paidOrder();
        const before = await getOrder(order._id);
        expect(
          (await deliver(t, signedEvent('payment_intent.succeeded', { id: intent }))).json().outcome,
        ).to.equal('processed');
        const failed = signedEvent('payment_intent.payment_failed', {
          id: intent,
          last_payment_error: { code: 'card_declined' },
        });
        expect((await deliver(t, failed)).statusCode).to.equal(200);
        const after = await getOrder(order._id);
        expect(after.paymentStatus).to.equal('completed');
        expect(after.statusHistory).to.deep.equal(before.statusHistory);
      });

      it('payment_failed marks the order payment_failed; charge.refunded arriving before the success leaves it refunded', async () => {
        const order = await placeOrder(t, shopper.token);
        const intent = await intentFor(order._id);
        await deliver(
          t,
          signedEvent('payment_intent.payment_failed', {
            id: intent,
            last_payment_error: { decline_code: 'insufficient_funds' },
          }),
        );
        expect((await getOrder(order._id)).orderStatus).to.equal('payment_failed');
        const total = Math.round(order.total * 100);
        await deliver(
          t,
          signedEvent('charge.refunded', { id: 'ch_1', payment_intent: intent, amount_refunded: total }),
        );
        await deliver(t, signedEvent('payment_intent.succeeded', { id: intent, amount_received: total }));
        const after = await getOrder(order._id);
        expect(after.paymentStatus).to.equal('refunded');
        expect(after.orderStatus).to.equal('refunded');
        expect(after.refundAmount).to.equal(order.total);
        expect(after.paidAt).to.be.a('string');
        expect(after.refundedAt).to.be.a('string');
      });

      it('acknowledges unhandled types and unknown intents without changing anything', async () => {
        const other = signedEvent('customer.created', { id: 'cus_1' });
        expect((await deliver(t, other)).json().outcome).to.equal('ignored');
        expect(
          (await deliver(t, signedEvent('payment_intent.succeeded', { id: 'pi_unknown' }))).json().outcome,
        ).to.equal('ignored');
      });
    });

    describe('saved methods', () => {
      it('lists and saves methods through the gateway customer (brand, last4 only)', async () => {
        const fresh = await registerUser(t);
        const empty = await t.request({ method: 'GET', url: '/api/payments/methods', token: fresh.token });
        expect(empty.statusCode).to.equal(200);
        expect(empty.json().data.methods).to.deep.equal([]);
        const saved = await post('/api/payments/methods', { paymentMethod: 'pm_card_visa' }, fresh.token);
        expect(saved.statusCode).to.equal(201);
        expect(saved.json().data.method).to.include({ brand: 'visa', last4: '4242' });
        const list = await t.request({ method: 'GET', url: '/api/payments/methods', token: fresh.token });
        expect(list.json().data.methods).to.have.length(1);
        expect(list.json().data.methods[0].id).to.equal(saved.json().data.method.id);
        const mine = await t.request({ method: 'GET', url: '/api/payments/methods', token: other.token });
        expect(mine.json().data.methods.map((m: { id: string }) => m.id)).to.not.include(
          saved.json().data.method.id,
        );
        const setup = await post('/api/payments/methods/setup-intent', {}, fresh.token);
        expect(setup.statusCode).to.equal(201);
        expect(setup.json().data.clientSecret).to.match(/^seti_/);
        // No body at all is fine, and a retried request with the same key answers the same intent.
        const once = await t.request({
          method: 'POST',
          url: '/api/payments/methods/setup-intent',
          token: fresh.token,
          headers: { 'idempotency-key': 'setup-1' },
          sign: true,
        });
        const twice = await t.request({
          method: 'POST',
          url: '/api/payments/methods/setup-intent',
          token: fresh.token,
          headers: { 'idempotency-key': 'setup-1' },
          sign: true,
        });
        expect(once.statusCode).to.equal(201);
        expect(twice.statusCode).to.equal(201);
        expect(twice.headers['idempotent-replayed']).to.equal('true');
        expect(twice.json().data.setupIntentId).to.equal(once.json().data.setupIntentId);
      });

      it("another customer's saved method can be neither used nor saved (404 PAYMENT_METHOD_NOT_FOUND); the owner can use it", async () => {
        const owner = await registerUser(t);
        const saved = await post('/api/payments/methods', { paymentMethod: 'pm_card_visa' }, owner.token);
        expect(saved.statusCode, saved.body).to.equal(201);
        const methodId: string = saved.json().data.method.id;

        // The thief pays their own order with the owner's saved method id: refused, nothing charged.
        const order = await placeOrder(t, other.token);
        const intent = await intentFor(order._id, other.token);
        const stolen = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: methodId },
          other.token,
        );
        expect(stolen.statusCode, stolen.body).to.equal(404);
        expect(stolen.json().code).to.equal('PAYMENT_METHOD_NOT_FOUND');
        expect(gateway.captureCount(intent)).to.equal(0);
        const untouched = await getOrder(order._id, other.token);
        expect(untouched.paymentStatus).to.equal('pending');
        expect(untouched.orderStatus).to.not.equal('payment_failed');

        // Saving it to the thief's customer is refused too, and it never shows in their list.
        const taken = await post('/api/payments/methods', { paymentMethod: methodId }, other.token);
        expect(taken.statusCode, taken.body).to.equal(404);
        expect(taken.json().code).to.equal('PAYMENT_METHOD_NOT_FOUND');
        const list = await t.request({ method: 'GET', url: '/api/payments/methods', token: other.token });
        expect(list.json().data.methods.map((m: { id: string }) => m.id)).to.not.include(methodId);

        // The owner pays with it; the thief can still pay with a card of their own.
        const own = await placeOrder(t, owner.token);
        const ownIntent = await intentFor(own._id, owner.token);
        const paid = await post(
          '/api/payments/confirm',
          { paymentIntentId: ownIntent, paymentMethod: methodId },
          owner.token,
        );
        expect(paid.statusCode, paid.body).to.equal(200);
        expect(paid.json().data.status).to.equal('succeeded');
        const card = await post(
          '/api/payments/confirm',
          { paymentIntentId: intent, paymentMethod: 'pm_card_visa' },
          other.token,
        );
        expect(card.statusCode, card.body).to.equal(200);
      });

      it('refuses unknown methods and card data (400), no token (401)', async () => {
        expect(
          (await post('/api/payments/methods', { paymentMethod: 'pm_unknown' }, shopper.token)).statusCode,
        ).to.equal(400);
        expect(
          (
            await post(
              '/api/payments/methods',
              { paymentMethod: 'pm_card_visa', number: '4242424242424242' },
              shopper.token,
            )
          ).statusCode,
        ).to.equal(400);
        expect((await t.request({ method: 'GET', url: '/api/payments/methods' })).statusCode).to.equal(401);
        expect((await post('/api/payments/methods', { paymentMethod: 'pm_card_visa' })).statusCode).to.equal(
          401,
        );
      });
    });

    describe('GET /status/:orderId', () => {
      it('answers the compat 7 fields to the owner and admins; 404 to others; 400 malformed; 401 anonymous', async () => {
        const { order, intent } = await paidOrder();
        const res = await t.request({
          method: 'GET',
          url: `/api/payments/status/${order._id}`,
          token: shopper.token,
        });
        expect(res.statusCode).to.equal(200);
        const d = res.json().data;
        expect(d).to.include({
          orderId: order._id,
          orderNumber: order.orderNumber,
          paymentStatus: 'completed',
          orderStatus: 'confirmed',
          totalAmount: order.total,
        });
        expect(d.paidAt).to.be.a('string');
        expect(d.paymentDetails.paymentId).to.equal(intent);
        expect(d.paymentDetails.payments[0]).to.include({
          intentId: intent,
          status: 'succeeded',
          amount: order.total,
        });
        expect(
          (await t.request({ method: 'GET', url: `/api/payments/status/${order._id}`, token: admin }))
            .statusCode,
        ).to.equal(200);
        expect(
          (await t.request({ method: 'GET', url: `/api/payments/status/${order._id}`, token: other.token }))
            .statusCode,
        ).to.equal(404);
        expect(
          (await t.request({ method: 'GET', url: '/api/payments/status/xyz', token: shopper.token }))
            .statusCode,
        ).to.equal(400);
        expect(
          (await t.request({ method: 'GET', url: `/api/payments/status/${order._id}` })).statusCode,
        ).to.equal(401);
      });
    });

    describe('admin POST /refund', () => {
      it('partial then full; above the remainder 400; statuses follow', async () => {
        const { order, intent } = await paidOrder();
        const part = await post(
          '/api/payments/refund',
          { orderId: order._id, amount: 5, reason: 'late' },
          admin,
        );
        expect(part.statusCode, part.body).to.equal(200);
        expect(part.json().data.order).to.include({
          paymentStatus: 'partially_refunded',
          orderStatus: 'refunded',
          refundAmount: 5,
        });
        expect(gateway.refundedTotal(intent)).to.equal(500);
        const over = await post('/api/payments/refund', { orderId: order._id, amount: order.total }, admin);
        expect(over.statusCode).to.equal(400);
        expect(over.json().code).to.equal('REFUND_EXCEEDS_PAYMENT');
        const rest = await post('/api/payments/refund', { orderId: order._id }, admin);
        expect(rest.json().data.order).to.include({ paymentStatus: 'refunded', refundAmount: order.total });
        expect(gateway.refundedTotal(intent)).to.equal(Math.round(order.total * 100));
        // The gateway's own charge.refunded event afterwards changes nothing.
        await deliver(
          t,
          signedEvent('charge.refunded', {
            payment_intent: intent,
            amount_refunded: Math.round(order.total * 100),
          }),
        );
        expect((await getOrder(order._id)).refundAmount).to.equal(order.total);
      });

      it('unpaid 409, unknown 404, shoppers 403, anonymous 401, bad bodies 400', async () => {
        const order = await placeOrder(t, shopper.token);
        expect((await post('/api/payments/refund', { orderId: order._id }, admin)).json().code).to.equal(
          'ORDER_NOT_PAID',
        );
        expect((await post('/api/payments/refund', { orderId: 'a'.repeat(24) }, admin)).statusCode).to.equal(
          404,
        );
        expect(
          (await post('/api/payments/refund', { orderId: order._id }, shopper.token)).statusCode,
        ).to.equal(403);
        expect((await post('/api/payments/refund', { orderId: order._id })).statusCode).to.equal(401);
        expect(
          (await post('/api/payments/refund', { orderId: order._id, amount: -1 }, admin)).statusCode,
        ).to.equal(400);
        expect(
          (await post('/api/payments/refund', { orderId: order._id, amount: '5' }, admin)).statusCode,
        ).to.equal(400);
      });
    });

    describe('cancelling a paid order', () => {
      it('refunds it through the gateway and returns the stock', async () => {
        const { order, intent } = await paidOrder();
        const productId = (await getOrder(order._id)).items[0].product;
        const repo = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
        const stockOf = async () => (await repo.findById(productId))!.inventory.stock;
        const before = await stockOf();
        const res = await t.request({
          method: 'PUT',
          url: `/api/orders/${order._id}/cancel`,
          token: shopper.token,
          body: {},
        });
        expect(res.statusCode).to.equal(200);
        const after = await getOrder(order._id);
        expect(after.status).to.equal('cancelled');
        expect(after.paymentStatus).to.equal('refunded');
        expect(after.refundAmount).to.equal(order.total);
        expect(gateway.refundedTotal(intent)).to.equal(Math.round(order.total * 100));
        expect(await stockOf()).to.equal(before + 1);
        // An admin's cancellation of a paid order refunds it too.
        const { order: second, intent: secondIntent } = await paidOrder();
        const byAdmin = await t.request({
          method: 'PUT',
          url: `/api/orders/${second._id}/status`,
          token: admin,
          body: { status: 'cancelled' },
        });
        expect(byAdmin.statusCode, byAdmin.body).to.equal(200);
        expect((await getOrder(second._id)).paymentStatus).to.equal('refunded');
        expect(gateway.refundedTotal(secondIntent)).to.equal(Math.round(second.total * 100));
        // A cancelled unpaid order cannot be paid.
        const unpaid = await placeOrder(t, shopper.token);
        await t.request({
          method: 'PUT',
          url: `/api/orders/${unpaid._id}/cancel`,
          token: shopper.token,
          body: {},
        });
        const pay = await post('/api/payments/create-intent', { orderId: unpaid._id }, shopper.token);
        expect(pay.statusCode).to.equal(409);
        expect(pay.json().message).to.equal('Cannot pay for a cancelled order');
        const rzp = await post(
          '/api/payments/create-order',
          { amount: 1, orderId: unpaid._id },
          shopper.token,
        );
        expect(rzp.statusCode).to.equal(409);
      });
    });

    describe('the storefront flow (compat 7): create-order + verify', () => {
      it('create-order ignores the client amount; verify with the HMAC signature pays the order', async () => {
        const order = await placeOrder(t, shopper.token);
        const created = await post(
          '/api/payments/create-order',
          { amount: 1, orderId: order._id, currency: 'INR' },
          shopper.token,
        );
        expect(created.statusCode, created.body).to.equal(200);
        const d = created.json().data;
        expect(d.razorpayOrderId).to.match(/^order_/);
        expect(d.amount).to.equal(Math.round(order.total * 100));
        expect(d.currency).to.equal('INR');
        expect(d.key).to.equal(DEV_RAZORPAY_KEY_ID);
        expect(d.order).to.deep.equal({
          id: order._id,
          _id: order._id,
          orderNumber: order.orderNumber,
          customerName: 'Asha Rao',
          customerEmail: shopper.user.email,
          customerPhone: '+91 98765 43210',
        });
        expect((await getOrder(order._id)).razorpayOrderId).to.equal(d.razorpayOrderId);
        const retry = await post(
          '/api/payments/create-order',
          { amount: 99, orderId: order._id },
          shopper.token,
        );
        expect(retry.json().data.razorpayOrderId).to.equal(d.razorpayOrderId);
        const paymentId = 'pay_TEST123';
        const signature = razorpaySignature(d.razorpayOrderId, paymentId);
        expect(
          validatePaymentVerification(
            { order_id: d.razorpayOrderId, payment_id: paymentId },
            signature,
            'amour-florals-razorpay-development-secret',
          ),
        ).to.equal(true);
        const body = {
          razorpay_order_id: d.razorpayOrderId,
          razorpay_payment_id: paymentId,
          razorpay_signature: signature,
          orderId: order._id,
        };
        const verified = await post('/api/payments/verify', body, shopper.token);
        expect(verified.statusCode, verified.body).to.equal(200);
        expect(verified.json().message).to.equal('Payment verified successfully');
        expect(verified.json().data.paymentId).to.equal(paymentId);
        const o = verified.json().data.order;
        expect(o).to.include({
          paymentStatus: 'completed',
          orderStatus: 'confirmed',
          razorpayPaymentId: paymentId,
          razorpaySignature: signature,
        });
        expect(o.paymentInfo.method).to.equal('razorpay');
        expect(o.paidAt).to.be.a('string');
        const again = await post('/api/payments/verify', body, shopper.token);
        expect(again.statusCode).to.equal(200);
        expect(again.json().data.order.paidAt).to.equal(o.paidAt);
        expect(
          (await post('/api/payments/create-order', { amount: 1, orderId: order._id }, shopper.token))
            .statusCode,
        ).to.equal(409);
      });

      it('every order answer reads the gateway ids from the payment records, lists included', async () => {
        const pay = async () => {
          const order = await placeOrder(t, shopper.token);
          const d = (
            await post('/api/payments/create-order', { amount: 1, orderId: order._id }, shopper.token)
          ).json().data;
          return { order, gatewayOrderId: d.razorpayOrderId as string };
        };
        const paid = await pay();
        const signature = razorpaySignature(paid.gatewayOrderId, 'pay_LIST1');
        const verified = await post(
          '/api/payments/verify',
          {
            razorpay_order_id: paid.gatewayOrderId,
            razorpay_payment_id: 'pay_LIST1',
            razorpay_signature: signature,
            orderId: paid.order._id,
          },
          shopper.token,
        );
        expect(verified.statusCode, verified.body).to.equal(200);
        const unpaid = await pay();
        const ids = {
          [paid.order._id]: {
            razorpayOrderId: paid.gatewayOrderId,
            razorpayPaymentId: 'pay_LIST1',
            razorpaySignature: signature,
          },
          [unpaid.order._id]: { razorpayOrderId: unpaid.gatewayOrderId },
        };
        const gatewayIds = (o: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('razorpay')));
        const get = async (url: string, token: string) => {
          const res = await t.request({ method: 'GET', url, token });
          expect(res.statusCode, res.body).to.equal(200);
          return res.json().data;
        };
        const mine = (await get('/api/orders/my-orders', shopper.token)).orders as Record<string, unknown>[];
        const all = (await get('/api/admin/orders', admin)).orders as Record<string, unknown>[];
        for (const [id, expected] of Object.entries(ids)) {
          expect(gatewayIds(await getOrder(id)), id).to.deep.equal(expected);
          expect(gatewayIds((await getOrder(id)).order), id).to.deep.equal(expected);
          expect(gatewayIds((await get(`/api/admin/orders/${id}`, admin)).order), id).to.deep.equal(expected);
          expect(gatewayIds(mine.find((o) => o._id === id)!), id).to.deep.equal(expected);
          expect(gatewayIds(all.find((o) => o._id === id)!), id).to.deep.equal(expected);
        }
        const status = await get(`/api/payments/status/${paid.order._id}`, shopper.token);
        expect(status.paymentDetails).to.include({
          razorpayOrderId: paid.gatewayOrderId,
          razorpayPaymentId: 'pay_LIST1',
        });
      });

      it('400 with the compat messages; forged, wrong-secret and other-order signatures refused; others 404', async () => {
        const order = await placeOrder(t, shopper.token);
        const missing = await post('/api/payments/create-order', { orderId: order._id }, shopper.token);
        expect(missing.statusCode).to.equal(400);
        expect(missing.json().message).to.equal('Amount and order ID are required');
        expect(
          (await post('/api/payments/create-order', { amount: 10 }, shopper.token)).json().message,
        ).to.equal('Amount and order ID are required');
        expect(
          (await post('/api/payments/create-order', { amount: 10, orderId: order._id }, other.token))
            .statusCode,
        ).to.equal(404);
        expect(
          (await post('/api/payments/create-order', { amount: 10, orderId: order._id })).statusCode,
        ).to.equal(401);
        const d = (
          await post('/api/payments/create-order', { amount: 10, orderId: order._id }, shopper.token)
        ).json().data;
        const noFields = await post(
          '/api/payments/verify',
          { orderId: order._id, razorpay_order_id: d.razorpayOrderId },
          shopper.token,
        );
        expect(noFields.statusCode).to.equal(400);
        expect(noFields.json().message).to.equal('All payment verification fields are required');
        const base = {
          razorpay_order_id: d.razorpayOrderId,
          razorpay_payment_id: 'pay_1',
          orderId: order._id,
        };
        for (const signature of [
          'deadbeef',
          razorpaySignature(d.razorpayOrderId, 'pay_1', 'wrong-secret'),
          razorpaySignature(d.razorpayOrderId, 'pay_2'),
        ]) {
          const res = await post(
            '/api/payments/verify',
            { ...base, razorpay_signature: signature },
            shopper.token,
          );
          expect(res.statusCode).to.equal(400);
          expect(res.json().message).to.equal('Invalid payment signature');
        }
        // A valid signature of ANOTHER (cheaper) order pays nothing here.
        const cheap = await placeOrder(t, shopper.token);
        const cd = (
          await post('/api/payments/create-order', { amount: 1, orderId: cheap._id }, shopper.token)
        ).json().data;
        const cross = await post(
          '/api/payments/verify',
          {
            razorpay_order_id: cd.razorpayOrderId,
            razorpay_payment_id: 'pay_x',
            razorpay_signature: razorpaySignature(cd.razorpayOrderId, 'pay_x'),
            orderId: order._id,
          },
          shopper.token,
        );
        expect(cross.statusCode).to.equal(400);
        const sig = razorpaySignature(d.razorpayOrderId, 'pay_1');
        expect(
          (await post('/api/payments/verify', { ...base, razorpay_signature: sig }, other.token)).statusCode,
        ).to.equal(404);
        expect(
          (await post('/api/payments/verify', { ...base, razorpay_signature: sig, extra: 1 }, shopper.token))
            .statusCode,
        ).to.equal(400);
        expect((await getOrder(order._id)).paymentStatus).to.equal('pending');
      });
    });

    describe('concurrency', () => {
      it('20 parallel confirms of one intent: one capture, one state change', async () => {
        const order = await placeOrder(t, shopper.token);
        const intent = await intentFor(order._id);
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            post(
              '/api/payments/confirm',
              { paymentIntentId: intent, paymentMethod: 'pm_card_visa' },
              shopper.token,
            ),
          ),
        );
        expect(results.map((r) => r.statusCode)).to.deep.equal(Array(20).fill(200));
        expect(gateway.captureCount(intent)).to.equal(1);
        const after = await getOrder(order._id);
        expect(after.paymentStatus).to.equal('completed');
        expect(
          after.statusHistory.filter((h: { note?: string }) => h.note?.startsWith('Payment completed')),
        ).to.have.length(1);
      });

      it('20 deliveries of one webhook event: processed once, 19 duplicates, one state change', async () => {
        const order = await placeOrder(t, shopper.token);
        const intent = await intentFor(order._id);
        const ev = signedEvent('payment_intent.succeeded', { id: intent });
        const results = await Promise.all(Array.from({ length: 20 }, () => deliver(t, ev)));
        const outcomes = results.map((r) => r.json().outcome);
        expect(outcomes.filter((o) => o === 'processed')).to.have.length(1);
        expect(outcomes.filter((o) => o === 'duplicate')).to.have.length(19);
        const after = await getOrder(order._id);
        expect(
          after.statusHistory.filter((h: { note?: string }) => h.note?.startsWith('Payment completed')),
        ).to.have.length(1);
      });
    });
  };
}

describe(
  'HTTP /api/payments',
  paymentsSuite(() => ({}), false),
);

describeWith(['mongo'], 'HTTP /api/payments on MongoDB', function () {
  describe(
    'the same suite',
    paymentsSuite(() => ({ MONGODB_URI: mongoTestUri('payments_http') }), true),
  );
});
