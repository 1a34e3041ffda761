import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { RazorpayCheckoutGateway } from '../../../adapters/payments/razorpay-checkout-gateway.js';
import { razorpayPaymentSignature } from '../../../adapters/payments/razorpay-signature.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/** The parts of Razorpay's REST API the adapter uses, on a local server. */
describe('adapters/payments RazorpayCheckoutGateway (the razorpay SDK against a local API)', () => {
  let server: Server;
  let gateway: RazorpayCheckoutGateway;
  const seen: Seen[] = [];

  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => resolve(data));
    });

  before(async () => {
    server = createServer(async (req, res) => {
      const raw = await read(req);
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/orders') {
        res.end(
          JSON.stringify({
            id: 'order_Real123',
            entity: 'order',
            amount: body.amount,
            currency: body.currency,
            receipt: body.receipt,
            status: 'created',
          }),
        );
      } else if (req.url === '/v1/payments/pay_1/refund') {
        res.end(JSON.stringify({ id: 'rfnd_1', entity: 'refund', amount: body.amount, payment_id: 'pay_1' }));
      } else {
        res.statusCode = 400;
        res.end(
          JSON.stringify({
            error: { code: 'BAD_REQUEST_ERROR', description: 'The id provided does not exist' },
          }),
        );
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    gateway = new RazorpayCheckoutGateway({
      keyId: 'rzp_test_abc',
      keySecret: 'shh',
      hostUrl: `http://127.0.0.1:${port}`,
    });
  });
  after(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (seen.length = 0));

  it('creates orders with POST /v1/orders (basic auth, amount in paise, receipt)', async () => {
    const order = await gateway.createOrder({
      amount: 205592,
      currency: 'INR',
      receipt: 'order_6b0656',
      idempotencyKey: 'k1',
    });
    expect(order).to.deep.equal({
      id: 'order_Real123',
      amount: 205592,
      currency: 'INR',
      receipt: 'order_6b0656',
    });
    expect(seen).to.have.length(1);
    expect(seen[0]!.method).to.equal('POST');
    expect(seen[0]!.authorization).to.equal(`Basic ${Buffer.from('rzp_test_abc:shh').toString('base64')}`);
    expect(seen[0]!.body).to.deep.include({ amount: 205592, currency: 'INR', receipt: 'order_6b0656' });
    expect(gateway.keyId).to.equal('rzp_test_abc');
  });

  it('refunds with POST /v1/payments/:id/refund; API errors are thrown', async () => {
    expect(await gateway.refund({ paymentId: 'pay_1', amount: 500, idempotencyKey: 'r' })).to.deep.equal({
      id: 'rfnd_1',
      amount: 500,
    });
    expect(seen[0]!.body).to.deep.include({ amount: 500 });
    let thrown: unknown;
    try {
      await gateway.refund({ paymentId: 'pay_missing', amount: 500, idempotencyKey: 'r2' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.not.equal(undefined);
  });

  it('verifies payment signatures under the key secret', () => {
    const signature = razorpayPaymentSignature('order_Real123', 'pay_1', 'shh');
    expect(
      gateway.verifyPaymentSignature({ orderId: 'order_Real123', paymentId: 'pay_1', signature }),
    ).to.equal(true);
    expect(
      gateway.verifyPaymentSignature({ orderId: 'order_Real123', paymentId: 'pay_2', signature }),
    ).to.equal(false);
  });
});
