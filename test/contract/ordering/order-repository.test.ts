import { expect } from 'chai';
import type { OrderRepository } from '../../../application/ordering/ports.js';
import { changeStatus, storefrontStatus, type Order } from '../../../domain/ordering/order.js';
import { updateDelivery } from '../../../domain/ordering/delivery.js';
import { recordPayment, recordPaymentFailure, recordRefund } from '../../../domain/ordering/order-payment.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import {
  defaultOrderNumber,
  MongoOrderRepository,
} from '../../../adapters/persistence/mongo/ordering-order-repository.js';
import { describeWith } from '../../support/services.js';
import { anOrder, aPlacedOrder, FIXED_NOW, testId, type OrderSpec } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { testPiiCipher } from '../../support/pii.js';

const minutes = (n: number) => new Date(FIXED_NOW.getTime() + n * 60_000);

/** An order with every optional line and order field set, as the repository must round-trip it. */
function newOrder(overrides: OrderSpec = {}): Order {
  return anOrder({
    items: [
      {
        productId: testId(),
        name: 'Red Roses',
        unitPrice: 129900,
        quantity: 2,
        size: { name: 'deluxe', price: 50000 },
        personalNote: 'For you',
        image: 'https://img/r.jpg',
      },
      { productId: testId(), name: 'Lilies', unitPrice: 5000, quantity: 1 },
    ],
    shippingMethod: 'express',
    notes: 'Ring twice',
    ...overrides,
  });
}

function contract(make: () => Promise<OrderRepository>): void {
  it('create stores version 1 and every field round-trips; finds by id and by number', async () => {
    const orders = await make();
    const order = newOrder();
    const created = await orders.create(order, []);
    expect(created.isOk() && created.value).to.deep.equal({ ...order, version: 1 });
    expect(await orders.findById(order.id)).to.deep.equal({ ...order, version: 1 });
    expect(await orders.findByNumber(order.orderNumber)).to.deep.equal({ ...order, version: 1 });
    expect(await orders.findById('f00000000000000000000000')).to.equal(null);
    expect(await orders.findByNumber('AF-000000000')).to.equal(null);
  });

  it('a taken order number is a CONFLICT naming orderNumber; a taken id names id', async () => {
    const orders = await make();
    const order = newOrder();
    await orders.create(order, []);
    const sameNumber = await orders.create(newOrder({ orderNumber: order.orderNumber }), []);
    expect(sameNumber.isErr() && sameNumber.error).to.deep.equal({
      code: 'CONFLICT',
      message: 'Order number already in use',
      details: { field: 'orderNumber' },
    });
    const sameId = await orders.create(newOrder({ id: order.id }), []);
    expect(sameId.isErr() && sameId.error.details).to.deep.equal({ field: 'id' });
  });

  it('parallel creates with one order number: exactly one wins, the others name orderNumber', async () => {
    const orders = await make();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => orders.create(newOrder({ orderNumber: 'AF-555555555' }), [])),
    );
    expect(results.filter((r) => r.isOk())).to.have.length(1);
    expect(
      results.filter(
        (r) => r.isErr() && r.error.code === 'CONFLICT' && r.error.details?.field === 'orderNumber',
      ),
    ).to.have.length(4);
  });

  it('update is optimistic (version + 1, stale CONFLICT, gone ORDER_NOT_FOUND) and drops cleared fields', async () => {
    const orders = await make();
    const order = (await orders.create(newOrder(), [])).unwrap();
    const shipped = changeStatus(order, { to: 'confirmed', by: 'admin', at: minutes(5), note: 'ok' }).unwrap()
      .order;
    const { notes: _notes, ...withoutNotes } = shipped;
    const saved = await orders.update({ ...withoutNotes, trackingNumber: 'TRK1' }, []);
    expect(saved.isOk() && saved.value.version).to.equal(2);
    expect(await orders.findById(order.id)).to.deep.equal({
      ...withoutNotes,
      trackingNumber: 'TRK1',
      version: 2,
    });
    const stale = await orders.update(order, []);
    expect(stale.isErr() && stale.error.code).to.equal('CONFLICT');
    const gone = await orders.update(newOrder(), []);
    expect(gone.isErr() && gone.error.code).to.equal('ORDER_NOT_FOUND');
  });

  it('update to a taken order number is a CONFLICT naming orderNumber; to a free one moves it', async () => {
    const orders = await make();
    const a = (await orders.create(newOrder(), [])).unwrap();
    const b = (await orders.create(newOrder(), [])).unwrap();
    const clash = await orders.update({ ...b, orderNumber: a.orderNumber }, []);
    expect(clash.isErr() && clash.error.details).to.deep.equal({ field: 'orderNumber' });
    const moved = await orders.update({ ...b, orderNumber: 'AF-999999999' }, []);
    expect(moved.isOk()).to.equal(true);
    expect((await orders.findByNumber('AF-999999999'))?.id).to.equal(b.id);
    expect(await orders.findByNumber(b.orderNumber)).to.equal(null);
  });

  it('parallel updates at one version: exactly one wins', async () => {
    const orders = await make();
    const order = (await orders.create(newOrder(), [])).unwrap();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => orders.update({ ...order, notes: `note ${i}` }, [])),
    );
    expect(results.filter((r) => r.isOk())).to.have.length(1);
    expect((await orders.findById(order.id))?.version).to.equal(2);
  });

  it("findByUser answers the user's orders newest first (ties by id, descending)", async () => {
    const orders = await make();
    const userId = testId();
    const a = newOrder({ userId, now: minutes(1) });
    const b = newOrder({ userId, now: minutes(3) });
    const c = newOrder({ userId, now: minutes(2) });
    const d = newOrder({ userId, now: minutes(2) });
    for (const o of [a, b, c, d, newOrder({ now: minutes(9) })]) await orders.create(o, []);
    expect((await orders.findByUser(userId)).map((o) => o.id)).to.deep.equal([b.id, d.id, c.id, a.id]);
    expect(await orders.findByUser(testId())).to.deep.equal([]);
  });

  it('list filters by status and user, newest first, paged, with the total', async () => {
    const orders = await make();
    const userId = testId();
    const created: Order[] = [];
    for (let i = 0; i < 7; i++) {
      created.push(
        (await orders.create(newOrder({ userId: i < 5 ? userId : testId(), now: minutes(i) }), [])).unwrap(),
      );
    }
    const confirmed = changeStatus(created[1]!, { to: 'confirmed', by: 'a', at: minutes(10) }).unwrap().order;
    await orders.update(confirmed, []);
    const all = await orders.list({}, 1, 3);
    expect(all.total).to.equal(7);
    expect(all.items.map((o) => o.id)).to.deep.equal([created[6]!.id, created[5]!.id, created[4]!.id]);
    expect([all.page, all.limit]).to.deep.equal([1, 3]);
    const page3 = await orders.list({}, 3, 3);
    expect(page3.items.map((o) => o.id)).to.deep.equal([created[0]!.id]);
    const mine = await orders.list({ userId }, 2, 2);
    expect(mine.total).to.equal(5);
    expect(mine.items.map((o) => o.id)).to.deep.equal([created[2]!.id, created[1]!.id]);
    const byStatus = await orders.list({ status: 'confirmed' }, 1, 10);
    expect(byStatus.items.map((o) => o.id)).to.deep.equal([created[1]!.id]);
    expect((await orders.list({ status: 'pending', userId }, 1, 10)).total).to.equal(4);
    expect((await orders.list({ status: 'shipped' }, 1, 10)).items).to.deep.equal([]);
  });

  it('listAfter walks by cursor in list order (equal times newest id first), stable under inserts', async () => {
    const orders = await make();
    const userId = testId();
    const created: Order[] = [];
    // Nine orders at one instant and two later, all the user's; one of someone else's.
    for (let i = 0; i < 11; i++) {
      created.push((await orders.create(newOrder({ userId, now: minutes(i < 9 ? 0 : i) }), [])).unwrap());
    }
    await orders.create(newOrder({ userId: testId(), now: minutes(1) }), []);
    const listed = (await orders.list({ userId }, 1, 100)).items.map((o) => o.id);
    expect(listed).to.have.length(11);
    const walked: string[] = [];
    let page = await orders.listAfter({ userId }, { after: null, limit: 4 });
    expect(page.total).to.equal(11);
    walked.push(...page.items.map((o) => o.id));
    // Newer than every order: before the position, so the next pages do not shift.
    await orders.create(newOrder({ userId, now: minutes(60) }), []);
    while (page.next !== null) {
      page = await orders.listAfter({ userId }, { after: page.next, limit: 4 });
      walked.push(...page.items.map((o) => o.id));
    }
    expect(walked).to.deep.equal(listed);
    const pending = await orders.listAfter({ status: 'pending' }, { after: null, limit: 50 });
    expect(pending.items).to.have.length(13);
    expect(pending.next).to.equal(null);
  });

  it('listCreatedBetween answers [from, to] inclusive, oldest first, either end open', async () => {
    const orders = await make();
    const at = [0, 1, 2, 3, 4].map(minutes);
    const created: Order[] = [];
    for (const t of at) created.push((await orders.create(newOrder({ now: t }), [])).unwrap());
    const ids = (list: Order[]) => list.map((o) => o.id);
    expect(ids(await orders.listCreatedBetween(at[1], at[3]))).to.deep.equal(ids(created.slice(1, 4)));
    expect(ids(await orders.listCreatedBetween(at[3]))).to.deep.equal(ids(created.slice(3)));
    expect(ids(await orders.listCreatedBetween(undefined, at[1]))).to.deep.equal(ids(created.slice(0, 2)));
    expect(ids(await orders.listCreatedBetween())).to.deep.equal(ids(created));
    expect(await orders.listCreatedBetween(minutes(60))).to.deep.equal([]);
  });
  it('figuresBetween answers the figures of [from, to] inclusive, oldest first', async () => {
    const orders = await make();
    const at = [0, 1, 2, 3].map(minutes);
    const created: Order[] = [];
    for (const t of at) created.push((await orders.create(newOrder({ now: t }), [])).unwrap());
    const confirmed = changeStatus(created[1]!, { to: 'confirmed', by: 'a', at: minutes(5) }).unwrap();
    (await orders.update(confirmed.order, confirmed.events)).unwrap();
    const figures = await orders.figuresBetween(at[1]!, at[2]!);
    expect(figures).to.deep.equal(
      [created[1]!, created[2]!].map((o, i) => ({
        id: o.id,
        createdAt: o.createdAt,
        status: i === 0 ? 'confirmed' : 'pending',
        total: o.total,
        refundAmount: 0,
      })),
    );
    expect(await orders.figuresBetween(minutes(60), minutes(61))).to.deep.equal([]);
  });

  it('delivery progress (state, timeline, courier, reschedule, delivered) round-trips; its event rides the outbox', async () => {
    const orders = await make();
    let order = (await orders.create(newOrder(), [])).unwrap();
    for (const to of ['confirmed', 'processing', 'shipped'] as const) {
      const c = changeStatus(order, { to, by: 'a', at: minutes(1) }).unwrap();
      order = (await orders.update(c.order, c.events)).unwrap();
    }
    const courier = { id: 'c1', name: 'Ravi', phone: '+91 1' };
    const steps = [
      { action: 'out-for-delivery', trackingNumber: 'T1' },
      { action: 'failed-attempt', reason: 'Out' },
      { action: 'rescheduled', date: '2099-01-02', slot: '09:00-12:00', reason: 'Asked' },
      { action: 'out-for-delivery' },
      { action: 'delivered', recipientName: 'Meera', proofPhotoUrl: 'https://img/p.jpg' },
    ] as const;
    let i = 2;
    for (const step of steps) {
      const c = updateDelivery(order, step, { by: courier, at: minutes(i++), note: 'n' }).unwrap();
      order = (await orders.update(c.order, c.events)).unwrap();
    }
    expect(order.deliveryProgress?.timeline).to.have.length(5);
    expect(await orders.findById(order.id)).to.deep.equal(order);
    const pending = await orders.pending(minutes(100), 100);
    expect(pending.filter((e) => e.type === 'ordering.delivery-updated')).to.have.length(5);
  });

  describe("the outbox: events ride in the order's own writes", () => {
    it('create and update keep the events pending, oldest first, until marked dispatched', async () => {
      const orders = await make();
      const placed = aPlacedOrder({ now: minutes(1) });
      const stored = (await orders.create(placed.order, placed.events)).unwrap();
      const cancelled = changeStatus(stored, { to: 'cancelled', by: 'u', at: minutes(2) }).unwrap();
      (await orders.update(cancelled.order, cancelled.events)).unwrap();
      expect(orders.owns('ordering.order-placed')).to.equal(true);
      expect(orders.owns('catalog.stock-changed')).to.equal(false);

      const all = [...placed.events, ...cancelled.events];
      expect((await orders.pending(minutes(3), 10)).map((e) => e.id)).to.deep.equal(all.map((e) => e.id));
      expect(await orders.pending(minutes(3), 10)).to.deep.equal(all);
      expect((await orders.pending(minutes(1), 10)).map((e) => e.type)).to.deep.equal([
        'ordering.order-placed',
      ]);

      await orders.markDispatched([placed.events[0]!, cancelled.events[1]!]);
      expect((await orders.pending(minutes(3), 10)).map((e) => e.id)).to.deep.equal([
        cancelled.events[0]!.id,
      ]);
      await orders.markDispatched(all); // already gone ones are ignored
      expect(await orders.pending(minutes(3), 10)).to.deep.equal([]);
      // Dispatching never bumps the version: the order's next change does not conflict.
      expect((await orders.findById(stored.id))!.version).to.equal(2);
    });

    it("a dispatch racing a change loses no event: the change's events stay pending", async () => {
      const orders = await make();
      const placed = aPlacedOrder({ now: minutes(1) });
      const stored = (await orders.create(placed.order, placed.events)).unwrap();
      const changes = Array.from({ length: 4 }, (_, i) =>
        changeStatus(stored, { to: 'confirmed', by: `admin${i}`, at: minutes(2) }).unwrap(),
      );
      const results = await Promise.all([
        orders.markDispatched(placed.events),
        ...changes.map((c) => orders.update(c.order, c.events)),
      ]);
      const winners = changes.filter((_, i) => (results[i + 1] as { isOk(): boolean }).isOk());
      expect(winners).to.have.length(1);
      expect((await orders.pending(minutes(3), 10)).map((e) => e.id)).to.deep.equal(
        winners[0]!.events.map((e) => e.id),
      );
    });
  });
}

describe('contract/ordering OrderRepository', () => {
  describe('memory', () => {
    contract(async () => new MemoryOrderRepository(new MemoryDatabase()));
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('orders');
    contract(async () => {
      const repo = new MongoOrderRepository(mongo.connection(), testPiiCipher(mongo.connection()));
      await mongo.reset();
      return repo;
    });

    it('compat 20: a document inserted without orderNumber/totalAmount reads with defaults and stores them on save', async () => {
      const orders = new MongoOrderRepository(mongo.connection(), testPiiCipher(mongo.connection()));
      await mongo.reset();
      const id = testId();
      const createdAt = minutes(1);
      await mongo
        .connection()
        .db!.collection('orders')
        .insertOne({ _id: id, userId: 'u1', status: 'delivered', total: 25000, createdAt } as never);
      const order = (await orders.findById(id))!;
      expect(order).to.deep.include({
        orderNumber: defaultOrderNumber(id, createdAt),
        total: 25000,
        subtotal: 25000,
        status: 'delivered',
        version: 0,
      });
      expect(order.orderNumber).to.match(/^AF-\d{9}$/);
      expect((await orders.listCreatedBetween()).map((o) => o.id)).to.deep.equal([id]);
      const saved = await orders.update({ ...order, notes: 'backfilled' }, []);
      expect(saved.isOk() && saved.value.version).to.equal(1);
      const raw = await mongo
        .connection()
        .db!.collection('orders')
        .findOne({ _id: id } as never);
      expect([raw?.orderNumber, raw?.totalAmount, raw?.version]).to.deep.equal([order.orderNumber, 25000, 1]);
    });

    it("writes the storefront's orderStatus and paymentInfo.status derived from status and paymentStatus", async () => {
      const orders = new MongoOrderRepository(mongo.connection(), testPiiCipher(mongo.connection()));
      await mongo.reset();
      const raw = async (id: string) =>
        (await mongo
          .connection()
          .db!.collection('orders')
          .findOne({ _id: id } as never))!;
      const placed = (await orders.create(newOrder(), [])).unwrap();
      expect([(await raw(placed.id)).orderStatus, (await raw(placed.id)).paymentInfo]).to.deep.equal([
        'pending',
        { method: 'card', status: 'pending' },
      ]);
      const declined = recordPaymentFailure(placed, { code: 'card_declined', by: 'g', at: minutes(1) });
      const failed = (await orders.update(declined.order, declined.events)).unwrap();
      expect([(await raw(failed.id)).orderStatus, (await raw(failed.id)).paymentInfo.status]).to.deep.equal([
        'payment_failed',
        'failed',
      ]);
      const paid = recordPayment(failed, { paymentId: 'pi_1', by: 'g', at: minutes(2) });
      const savedPaid = (await orders.update(paid.order, paid.events)).unwrap();
      const refunded = recordRefund(savedPaid, { amount: 100, by: 'admin', at: minutes(3) }).unwrap();
      const stored = (await orders.update(refunded.order, refunded.events)).unwrap();
      const doc = await raw(stored.id);
      expect([doc.status, doc.orderStatus, doc.paymentStatus, doc.paymentInfo]).to.deep.equal([
        'confirmed',
        'refunded',
        'partially_refunded',
        { method: 'card', paymentId: 'pi_1', status: 'partially_refunded' },
      ]);
    });

    it('reads an old document by its status and paymentStatus: stale storefront copies do not win', async () => {
      const orders = new MongoOrderRepository(mongo.connection(), testPiiCipher(mongo.connection()));
      await mongo.reset();
      const id = testId();
      await mongo
        .connection()
        .db!.collection('orders')
        .insertMany([
          {
            _id: id,
            userId: 'u1',
            status: 'shipped',
            orderStatus: 'pending',
            paymentStatus: 'completed',
            paymentInfo: { method: 'razorpay', paymentId: 'pay_1', status: 'pending' },
            total: 25000,
            createdAt: minutes(1),
          },
          // The original schema: only paymentInfo.status, no paymentStatus nor orderStatus.
          {
            _id: `${id}-old`,
            userId: 'u1',
            status: 'pending',
            paymentInfo: { method: 'card', status: 'failed' },
            total: 1,
            createdAt: minutes(2),
          },
        ] as never);
      const order = (await orders.findById(id))!;
      expect([order.status, order.paymentStatus, order.paymentInfo]).to.deep.equal([
        'shipped',
        'completed',
        { method: 'razorpay', paymentId: 'pay_1' },
      ]);
      expect(storefrontStatus(order)).to.equal('shipped');
      const old = (await orders.findById(`${id}-old`))!;
      expect([old.paymentStatus, storefrontStatus(old)]).to.deep.equal(['failed', 'payment_failed']);
    });
  });
});
