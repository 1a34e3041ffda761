import { expect } from 'chai';
import type { PaymentRepository, ProcessedEventStore } from '../../../application/payments/ports.js';
import {
  markRefundedTotal,
  markSucceeded,
  newPaymentRecord,
  type PaymentRecord,
} from '../../../domain/payments/payment-record.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryPaymentRepository } from '../../../adapters/persistence/memory/payments-records.js';
import { MemoryProcessedEventStore } from '../../../adapters/persistence/memory/payments-processed-events.js';
import { MongoPaymentRepository } from '../../../adapters/persistence/mongo/payments-records.js';
import { MongoProcessedEventStore } from '../../../adapters/persistence/mongo/payments-processed-events.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

const minutes = (n: number) => new Date(FIXED_NOW.getTime() + n * 60_000);

function record(overrides: { orderId?: string; intentId?: string; at?: Date } = {}): PaymentRecord {
  return newPaymentRecord({
    id: testId(),
    orderId: overrides.orderId ?? testId(),
    userId: testId(),
    gateway: 'fake',
    intentId: overrides.intentId ?? `pi_${testId()}`,
    amount: 205592,
    currency: 'inr',
    now: overrides.at ?? FIXED_NOW,
  });
}

function paymentContract(make: () => Promise<PaymentRepository>): void {
  it('creates (version 1) and finds by id, intent id and order (newest first), reading back equal', async () => {
    const repo = await make();
    const orderId = testId();
    const first = (await repo.create(record({ orderId, at: minutes(1) }))).unwrap();
    const second = (await repo.create(record({ orderId, at: minutes(2) }))).unwrap();
    expect(first.version).to.equal(1);
    expect(await repo.findById(first.id)).to.deep.equal(first);
    expect(await repo.findByIntentId(second.intentId)).to.deep.equal(second);
    expect((await repo.findByOrderId(orderId)).map((r) => r.id)).to.deep.equal([second.id, first.id]);
    expect(await repo.findByIntentId('pi_missing')).to.equal(null);
    expect(await repo.findByOrderId(testId())).to.deep.equal([]);
  });

  it("finds the records of several orders in one read (other orders' records left out)", async () => {
    const repo = await make();
    const [a, b, other] = [testId(), testId(), testId()];
    const a1 = (await repo.create(record({ orderId: a, at: minutes(1) }))).unwrap();
    const a2 = (await repo.create(record({ orderId: a, at: minutes(2) }))).unwrap();
    const b1 = (await repo.create(record({ orderId: b, at: minutes(3) }))).unwrap();
    await repo.create(record({ orderId: other }));
    const found = await repo.findByOrderIds([a, b, testId()]);
    const byId = (x: PaymentRecord, y: PaymentRecord) => (x.id < y.id ? -1 : 1);
    expect([...found].sort(byId)).to.deep.equal([a1, a2, b1].sort(byId));
    expect(await repo.findByOrderIds([])).to.deep.equal([]);
  });

  it('keeps the checkout signature of a verified capture', async () => {
    const repo = await make();
    const r = (await repo.create(record({ intentId: `order_${testId()}` }))).unwrap();
    const paid = markSucceeded(r, { gatewayPaymentId: 'pay_1', signature: 'ab12', at: minutes(3) })!;
    const saved = (await repo.update(paid)).unwrap();
    expect(await repo.findById(r.id)).to.deep.equal(saved);
    expect(saved).to.deep.include({ gatewayPaymentId: 'pay_1', signature: 'ab12' });
  });

  it('refuses a second record for the same intent or id (CONFLICT naming the field)', async () => {
    const repo = await make();
    const r = (await repo.create(record())).unwrap();
    const sameIntent = await repo.create(record({ intentId: r.intentId }));
    expect(sameIntent.unwrapErr()).to.deep.include({ code: 'CONFLICT', details: { field: 'intentId' } });
    const sameId = await repo.create({ ...record(), id: r.id });
    expect(sameId.unwrapErr()).to.deep.include({ code: 'CONFLICT', details: { field: 'id' } });
  });

  it('updates optimistically: the stale writer gets CONFLICT; a missing record PAYMENT_NOT_FOUND; all fields survive', async () => {
    const repo = await make();
    const r = (await repo.create(record())).unwrap();
    const paid = markSucceeded(r, { gatewayPaymentId: 'ch_1', at: minutes(3), eventId: 'evt_1' })!;
    const saved = (await repo.update(paid)).unwrap();
    expect(saved.version).to.equal(2);
    expect(await repo.findById(r.id)).to.deep.equal(saved);
    const stale = await repo.update(markRefundedTotal(paid, { refundedTotal: 10, at: minutes(4) })!);
    expect(stale.unwrapErr().code).to.equal('CONFLICT');
    const refunded = (
      await repo.update(markRefundedTotal(saved, { refundedTotal: 100, at: minutes(4) })!)
    ).unwrap();
    expect(await repo.findById(r.id)).to.deep.equal(refunded);
    expect(refunded).to.deep.include({
      status: 'partially_refunded',
      refundedAmount: 100,
      gatewayPaymentId: 'ch_1',
    });
    expect((await repo.update({ ...record(), version: 1 })).unwrapErr().code).to.equal('PAYMENT_NOT_FOUND');
  });

  it('concurrent updates of one version: exactly one wins', async () => {
    const repo = await make();
    const r = (await repo.create(record())).unwrap();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        repo.update(
          markRefundedTotal(markSucceeded(r, { at: minutes(1) })!, { refundedTotal: i + 1, at: minutes(2) })!,
        ),
      ),
    );
    expect(results.filter((x) => x.isOk())).to.have.length(1);
  });
}

function eventsContract(make: () => Promise<ProcessedEventStore>): void {
  it('the first claim of an event id wins; released claims can be taken again', async () => {
    const store = await make();
    const id = `evt_${testId()}`;
    expect(await store.claim(id, 'payment_intent.succeeded', FIXED_NOW)).to.equal(true);
    expect(await store.claim(id, 'payment_intent.succeeded', FIXED_NOW)).to.equal(false);
    await store.release(id);
    expect(await store.claim(id, 'payment_intent.succeeded', FIXED_NOW)).to.equal(true);
    await store.release('evt_never_claimed');
  });

  it('20 concurrent claims of one id: exactly one true', async () => {
    const store = await make();
    const id = `evt_${testId()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.claim(id, 'charge.refunded', FIXED_NOW)),
    );
    expect(results.filter(Boolean)).to.have.length(1);
  });

  it('forget drops claims made before the cutoff, oldest first and at most the limit', async () => {
    const store = await make();
    const at = (minutes: number) => new Date(FIXED_NOW.getTime() + minutes * 60_000);
    const ids = [0, 1, 2, 3].map((i) => `evt_${testId()}_${i}`);
    // claimed at minutes 3, 0, 2, 10 (not in claim order)
    for (const [id, minute] of [
      [ids[0]!, 3],
      [ids[1]!, 0],
      [ids[2]!, 2],
      [ids[3]!, 10],
    ] as const) {
      expect(await store.claim(id, 'charge.refunded', at(minute))).to.equal(true);
    }
    expect(await store.forget(at(5), 2)).to.equal(2); // minutes 0 and 2
    expect(await store.claim(ids[1]!, 'charge.refunded', at(20))).to.equal(true);
    expect(await store.claim(ids[2]!, 'charge.refunded', at(20))).to.equal(true);
    expect(await store.claim(ids[0]!, 'charge.refunded', at(20))).to.equal(false); // minute 3: kept
    expect(await store.forget(at(5), 10)).to.equal(1); // minute 3
    expect(await store.forget(at(5), 10)).to.equal(0);
    expect(await store.claim(ids[3]!, 'charge.refunded', at(20))).to.equal(false); // after the cutoff
  });
}

describe('contract/payments PaymentRepository and ProcessedEventStore', () => {
  describe('memory', () => {
    paymentContract(async () => new MemoryPaymentRepository(new MemoryDatabase()));
    eventsContract(async () => new MemoryProcessedEventStore(new MemoryDatabase()));
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('payments');
    paymentContract(async () => {
      const repo = new MongoPaymentRepository(mongo.connection());
      await mongo.reset();
      return repo;
    });
    eventsContract(async () => {
      const store = new MongoProcessedEventStore(mongo.connection());
      await mongo.reset();
      return store;
    });
  });
});
