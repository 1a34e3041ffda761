import { expect } from 'chai';
import fc from 'fast-check';
import Stripe from 'stripe';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { MemoryPaymentRepository } from '../../../adapters/persistence/memory/payments-records.js';
import { MemoryProcessedEventStore } from '../../../adapters/persistence/memory/payments-processed-events.js';
import { FakePaymentGateway } from '../../../adapters/payments/fake-gateway.js';
import { FakeCheckoutGateway } from '../../../adapters/payments/fake-checkout-gateway.js';
import { StripeWebhookVerifier } from '../../../adapters/payments/webhook-verifier.js';
import { RecordingBus } from '../../support/kit.js';
import { PaymentSettlement } from '../../../application/payments/settlement.js';
import { CreatePaymentIntent, ConfirmPayment } from '../../../application/payments/intents.js';
import { HandlePaymentWebhook } from '../../../application/payments/webhooks.js';
import type { PaymentRepository } from '../../../application/payments/ports.js';
import { storefrontStatus } from '../../../domain/ordering/order.js';
import { anOrder, SequentialIds, TestClock, testId } from '../../support/kit.js';

const SECRET = 'whsec_application_test';
const stripe = new Stripe('sk_test_unused');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function world(payments?: PaymentRepository) {
  const db = new MemoryDatabase();
  const orders = new MemoryOrderRepository(db);
  const records = payments ?? new MemoryPaymentRepository(db);
  const gateway = new FakePaymentGateway();
  const clock = new TestClock();
  const ids = new SequentialIds();
  const bus = new RecordingBus({ db, outboxes: [orders], clock });
  const settings = { currency: 'INR', cardPaymentsEnabled: true, checkoutEnabled: true };
  const settlement = new PaymentSettlement(
    orders,
    records,
    gateway,
    new FakeCheckoutGateway('k', 's'),
    clock,
    bus,
    silent,
  );
  const webhook = new HandlePaymentWebhook(
    new StripeWebhookVerifier(SECRET),
    new MemoryProcessedEventStore(db),
    records,
    settlement,
    clock,
    silent,
  );
  const userId = testId();
  const order = (
    await orders.create(
      anOrder({ userId, items: [{ productId: testId(), name: 'Roses', unitPrice: 10000 }] }),
      [],
    )
  ).unwrap();
  const intent = (
    await new CreatePaymentIntent(orders, records, gateway, settings, clock, ids, silent).execute({
      orderId: order.id,
      userId,
    })
  ).unwrap();
  const confirm = new ConfirmPayment(
    orders,
    records,
    new MemoryUserRepository(db),
    gateway,
    settings,
    settlement,
    silent,
  );
  const send = (id: string, type: string, object: Record<string, unknown>) => {
    const payload = JSON.stringify({ id, type, created: 1, data: { object } });
    return webhook.execute({
      rawBody: payload,
      signature: stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
    });
  };
  return { orders, records, gateway, order, intent, confirm, send, userId };
}

describe('application/payments HandlePaymentWebhook', () => {
  it('property: any order and any duplication of the events leaves the same final state', async () => {
    type Ev = {
      id: string;
      type: string;
      object: (intent: string, total: number) => Record<string, unknown>;
    };
    const events: Ev[] = [
      { id: 'evt_ok', type: 'payment_intent.succeeded', object: (id) => ({ id }) },
      {
        id: 'evt_fail',
        type: 'payment_intent.payment_failed',
        object: (id) => ({ id, last_payment_error: { code: 'card_declined' } }),
      },
      {
        id: 'evt_ref1',
        type: 'charge.refunded',
        object: (id) => ({ payment_intent: id, amount_refunded: 1000 }),
      },
      {
        id: 'evt_ref2',
        type: 'charge.refunded',
        object: (id) => ({ payment_intent: id, amount_refunded: 3000 }),
      },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 10 })
          .filter((xs) => [0, 1, 2, 3].every((i) => xs.includes(i))),
        async (sequence) => {
          const w = await world();
          for (const i of sequence) {
            const e = events[i]!;
            (await w.send(e.id, e.type, e.object(w.intent.paymentIntentId, w.order.total))).unwrap();
          }
          const order = (await w.orders.findById(w.order.id))!;
          expect(order.paymentStatus).to.equal('partially_refunded');
          expect(order.refundAmount).to.equal(3000);
          expect(storefrontStatus(order)).to.equal('refunded');
          expect(order.statusHistory.filter((h) => h.note?.startsWith('Payment completed'))).to.have.length(
            1,
          );
          const record = (await w.records.findByIntentId(w.intent.paymentIntentId))!;
          expect(record).to.deep.include({ status: 'partially_refunded', refundedAmount: 3000 });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a failure while applying releases the claim, so the retried delivery is processed', async () => {
    const db = new MemoryDatabase();
    const real = new MemoryPaymentRepository(db);
    let failures = 1;
    const flaky: PaymentRepository = {
      create: (r) => real.create(r),
      findById: (id) => real.findById(id),
      findByIntentId: (id) => real.findByIntentId(id),
      findByOrderId: (id) => real.findByOrderId(id),
      findByOrderIds: (ids) => real.findByOrderIds(ids),
      update: async (r) => {
        if (failures-- > 0) throw new Error('database away');
        return real.update(r);
      },
    };
    const w = await world(flaky);
    let thrown: unknown;
    try {
      await w.send('evt_retry', 'payment_intent.succeeded', { id: w.intent.paymentIntentId });
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).to.include('database away');
    expect((await w.orders.findById(w.order.id))!.paymentStatus).to.equal('pending');
    const retried = (
      await w.send('evt_retry', 'payment_intent.succeeded', { id: w.intent.paymentIntentId })
    ).unwrap();
    expect(retried.outcome).to.equal('processed');
    expect((await w.orders.findById(w.order.id))!.paymentStatus).to.equal('completed');
  });

  it('a capture below the order total is not taken as payment', async () => {
    const w = await world();
    const r = (
      await w.send('evt_low', 'payment_intent.succeeded', {
        id: w.intent.paymentIntentId,
        amount_received: 1,
      })
    ).unwrap();
    expect(r.outcome).to.equal('ignored');
    expect((await w.orders.findById(w.order.id))!.paymentStatus).to.equal('pending');
  });

  it('confirm after the webhook capture answers succeeded without a gateway capture', async () => {
    const w = await world();
    (await w.send('evt_first', 'payment_intent.succeeded', { id: w.intent.paymentIntentId })).unwrap();
    const confirmed = (
      await w.confirm.execute({
        paymentIntentId: w.intent.paymentIntentId,
        paymentMethod: 'pm_card_visa',
        userId: w.userId,
      })
    ).unwrap();
    expect(confirmed.status).to.equal('succeeded');
    expect(w.gateway.captureCount(w.intent.paymentIntentId)).to.equal(0);
  });
});
