import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { StripeGateway } from '../../adapters/payments/stripe-gateway.js';
import { STATUS_BY_CODE } from '../../adapters/http/error-table.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../application/catalog/ports.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../support/harness.js';
import { aProduct } from '../support/kit.js';
import { multipartBody, png } from '../support/media/images.js';
import { deliver, placeOrder, razorpaySignature, signedEvent } from '../http/payments/kit.js';
import type { Shopper } from './support.js';

/**
 * API10:2023 Unsafe Consumption of APIs: what third parties send us (Stripe webhooks, Razorpay
 * checkout signatures) is verified before it changes anything and is processed once; what they
 * answer us (Stripe's API, Cloudinary's upload API) is checked, and garbage is a 502, never a 500
 * nor a stored payment or image.
 */

/** A local server answering every request with whatever `next` says. */
class GarbageServer {
  next: { status: number; body: string; type?: string } = { status: 200, body: 'not json' };
  requests = 0;
  private server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      this.requests += 1;
      res.writeHead(this.next.status, { 'content-type': this.next.type ?? 'application/json' });
      res.end(this.next.body);
    });
  });
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const GARBAGE = [
  { status: 200, body: 'not json' },
  { status: 200, body: '{}' },
  { status: 200, body: 'null' },
  { status: 200, body: '[]' },
  { status: 200, body: '{"id": 5, "object": "payment_intent", "amount": "lots"}' },
  { status: 200, body: '{"id": "pi_x", "amount": 1e400}' },
  { status: 200, body: '<html>proxy error</html>', type: 'text/html' },
  { status: 502, body: '<html>bad gateway</html>', type: 'text/html' },
  { status: 500, body: '{"error": {"type": "api_error"}}' },
];

describe('OWASP API10 unsafe consumption of APIs', function () {
  this.timeout(60_000);

  describe('webhooks and signatures sent to us', () => {
    let t: TestApp;
    let shopper: Shopper;

    before(async () => {
      t = await buildTestApp();
      shopper = await registerUser(t);
    });
    after(async () => t.close());

    const paymentStatus = async (orderId: string) =>
      (await t.request({ method: 'GET', url: `/api/orders/${orderId}`, token: shopper.token })).json().data
        .paymentStatus;

    async function intentFor(orderId: string): Promise<string> {
      const res = await t.request({
        method: 'POST',
        url: '/api/payments/create-intent',
        token: shopper.token,
        body: { orderId },
      });
      expect(res.statusCode, res.body).to.equal(200);
      return res.json().data.paymentIntentId;
    }

    it('refuses Stripe webhooks with a missing, wrong, stale or mismatched signature, and nothing changes', async () => {
      const order = await placeOrder(t, shopper.token);
      const intent = await intentFor(order._id);
      const good = signedEvent('payment_intent.succeeded', { id: intent });
      const other = signedEvent('payment_intent.succeeded', { id: intent, amount: 1 });
      const bad = {
        missing: { payload: good.payload },
        empty: { payload: good.payload, header: '' },
        'another secret': signedEvent(
          'payment_intent.succeeded',
          { id: intent },
          { secret: 'whsec_attacker' },
        ),
        stale: signedEvent(
          'payment_intent.succeeded',
          { id: intent },
          { timestamp: Math.floor(Date.now() / 1000) - 3600 },
        ),
        future: signedEvent(
          'payment_intent.succeeded',
          { id: intent },
          { timestamp: Math.floor(Date.now() / 1000) + 3600 },
        ),
        'another body': { payload: other.payload, header: good.header },
        'garbage header': { payload: good.payload, header: 't=1,v1=deadbeef' },
      };
      for (const [name, event] of Object.entries(bad)) {
        const res = await deliver(t, event);
        expect(res.statusCode, `${name}: ${res.body}`).to.equal(400);
      }
      expect(await paymentStatus(order._id)).to.not.equal('completed');
      const res = await deliver(t, good);
      expect(res.statusCode).to.equal(200);
      expect(await paymentStatus(order._id)).to.equal('completed');
    });

    it('processes a replayed webhook event once, even when the copies arrive in parallel', async () => {
      const order = await placeOrder(t, shopper.token);
      const intent = await intentFor(order._id);
      const event = signedEvent('payment_intent.succeeded', { id: intent });
      const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(t, event)));
      expect(answers.map((a) => a.statusCode)).to.deep.equal(new Array(10).fill(200));
      const outcomes = answers.map((a) => a.json().outcome);
      expect(outcomes.filter((o) => o === 'processed')).to.have.length(1);
      const later = await deliver(t, event);
      expect(later.json().outcome).to.equal('duplicate');
      const history = (
        await t.request({ method: 'GET', url: `/api/orders/${order._id}`, token: shopper.token })
      ).json().data.statusHistory as { note?: string }[];
      expect(history.filter((h) => h.note?.startsWith('Payment completed'))).to.have.length(1);
    });

    it('refuses a Razorpay payment whose signature is not the gateway’s, and an event for another order', async () => {
      const order = await placeOrder(t, shopper.token);
      const created = await t.request({
        method: 'POST',
        url: '/api/payments/create-order',
        token: shopper.token,
        body: { amount: 1, orderId: order._id },
      });
      expect(created.statusCode, created.body).to.equal(200);
      const razorpayOrderId = created.json().data.razorpayOrderId as string;
      const base = {
        orderId: order._id,
        razorpay_order_id: razorpayOrderId,
        razorpay_payment_id: 'pay_attacker123',
      };
      for (const signature of [
        '',
        'deadbeef',
        razorpaySignature(razorpayOrderId, 'pay_other'),
        razorpaySignature(razorpayOrderId, 'pay_attacker123', 'guessed-secret'),
      ]) {
        const res = await t.request({
          method: 'POST',
          url: '/api/payments/verify',
          token: shopper.token,
          body: { ...base, razorpay_signature: signature },
        });
        expect(res.statusCode, `${signature}: ${res.body}`).to.be.within(400, 499);
      }
      expect(await paymentStatus(order._id)).to.not.equal('completed');
    });
  });

  describe('answers we consume', () => {
    let garbage: GarbageServer;
    before(async () => {
      garbage = await new GarbageServer().start();
    });
    after(async () => garbage.stop());

    it('the Stripe gateway rejects every garbage answer (a gateway failure: 502) instead of returning it as a payment', async () => {
      expect(STATUS_BY_CODE.PAYMENT_GATEWAY_FAILED).to.equal(502);
      const gateway = new StripeGateway(
        new Stripe('sk_test_garbage', {
          host: '127.0.0.1',
          port: garbage.port,
          protocol: 'http',
          maxNetworkRetries: 0,
          telemetry: false,
        }),
      );
      const calls = {
        createIntent: () =>
          gateway.createIntent({
            orderId: '65f0a1b2c3d4e5f6a7b8c9d0',
            amount: 4999,
            currency: 'INR',
            idempotencyKey: 'k1',
          }),
        retrieveIntent: () => gateway.retrieveIntent('pi_123'),
        confirmIntent: () =>
          gateway.confirmIntent({ intentId: 'pi_123', paymentMethod: 'pm_card_visa', idempotencyKey: 'k2' }),
        refund: () => gateway.refund({ intentId: 'pi_123', amount: 100, idempotencyKey: 'k3' }),
      };
      const accepted: string[] = [];
      for (const answer of GARBAGE) {
        garbage.next = answer;
        for (const [name, call] of Object.entries(calls)) {
          const outcome = await call().then(
            (value) => value,
            () => 'rejected',
          );
          if (outcome !== 'rejected')
            accepted.push(`${name} accepted ${answer.body}: ${JSON.stringify(outcome)}`);
        }
      }
      expect(accepted).to.deep.equal([]);
    });

    it('Cloudinary answering garbage: the upload is a 502, never a 500, and the product keeps its images', async () => {
      const t = await buildTestApp({
        CLOUDINARY_URL: `cloudinary://998877:top-secret@florals-cloud?upload_prefix=${encodeURIComponent(`http://127.0.0.1:${garbage.port}`)}`,
        UPLOADS_DIR: mkdtempSync(join(tmpdir(), 'af-owasp-cloud-')),
      });
      try {
        const admin = await loginAdmin(t);
        const product = await t.container
          .get<ProductRepository>(PRODUCT_REPOSITORY)
          .create(aProduct({ images: [] }));
        const wrong: string[] = [];
        for (const answer of [
          ...GARBAGE,
          { status: 200, body: '{"public_id": 5, "secure_url": "javascript:alert(1)"}' },
        ]) {
          garbage.next = answer;
          const { payload, headers } = multipartBody([
            { name: 'file', filename: 'a.png', contentType: 'image/png', data: png(20, 20) },
          ]);
          const res = await t.app.inject({
            method: 'POST',
            url: `/api/admin/products/${product.id}/images/upload`,
            headers: { ...headers, authorization: `Bearer ${admin}` },
            payload,
          });
          if (res.statusCode !== 502)
            wrong.push(`${answer.body} -> ${res.statusCode} ${res.body.slice(0, 120)}`);
        }
        expect(wrong).to.deep.equal([]);
        expect(garbage.requests).to.be.greaterThan(0);
        const stored = await t.container.get<ProductRepository>(PRODUCT_REPOSITORY).findById(product.id);
        expect(stored!.images).to.deep.equal([]);
      } finally {
        await t.close();
      }
    });
  });
});
