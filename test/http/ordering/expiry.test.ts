import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { STOCK_STORE, type StockStore } from '../../../application/inventory/ports.js';
import { EventDispatcher } from '../../../application/shared/event-dispatcher.js';
import { DispatchPendingEvents } from '../../../application/shared/dispatch-pending-events.js';
import { ExpireUnpaidOrders } from '../../../application/ordering/expire-unpaid-orders.js';
import { isAwaitingPayment } from '../../../domain/ordering/order-payment.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { PROMO_CODE_REPOSITORY, type PromoCodeRepository } from '../../../application/promotions/ports.js';
import { PAYMENT_GATEWAY, type PaymentGateway } from '../../../application/payments/ports.js';
import { EVENT_BUS, type EventBus } from '../../../application/shared/ports.js';
import { OrderExpirySchedule } from '../../../bootstrap/modules/ordering.js';
import { ADDRESS, aProduct, TestClock } from '../../support/kit.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { describeWith, mongoTestUri } from '../../support/services.js';
import { deliver, signedEvent } from '../payments/kit.js';
import { notificationsSettled } from '../../support/notifications.js';

const TTL = 30 * 60_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function suite(label: string, env: () => Record<string, string>) {
  let t: TestApp;
  let clock: TestClock;
  let admin: string;
  let products: ProductRepository;
  let orders: OrderRepository;
  let promos: PromoCodeRepository;

  before(async function () {
    this.timeout(60_000);
    clock = new TestClock(Date.now());
    t = await buildTestApp(
      {
        ORDER_PAYMENT_TTL_MS: String(TTL),
        ORDER_EXPIRY_SWEEP_INTERVAL_MS: '3600000',
        MAX_UNPAID_ORDERS_PER_USER: '3',
        ...env(),
      },
      { clock },
    );
    admin = await loginAdmin(t);
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    orders = t.container.get<OrderRepository>(ORDER_REPOSITORY);
    promos = t.container.get<PromoCodeRepository>(PROMO_CODE_REPOSITORY);
  });
  after(async () => {
    if (label === 'mongo') {
      await t.container
        .get<Connection>(MONGO_CONNECTION)
        .dropDatabase()
        .catch(() => undefined);
    }
    await t.close();
  });

  const post = (url: string, token: string, body: unknown) => t.request({ method: 'POST', url, token, body });
  const stockOf = async (id: string) => (await products.findById(id))!.inventory.stock;
  const place = (token: string, productId: string, quantity: number, extra: Record<string, unknown> = {}) =>
    post('/api/orders', token, {
      items: [{ product: productId, quantity }],
      shippingAddress: ADDRESS,
      ...extra,
    });
  const sweep = async () => {
    await t.container.get(OrderExpirySchedule).sweepOnce();
    await t.container.get(EventDispatcher).drain();
  };
  /** The outbox sweeper, once pending events are old enough to count as left behind. */
  const redeliver = async () => {
    clock.advance(t.config.events.redeliverAfterMs + 1);
    await t.container.get(DispatchPendingEvents).execute();
    await t.container.get(EventDispatcher).drain();
  };
  const pendingEvents = () => orders.pending(new Date(8.64e15), 100);
  /** The mail outbox, once the notification workers have sent what was queued. */
  const mails = async (): Promise<{ to: string; subject: string }[]> => {
    await notificationsSettled(t);
    const dir = t.config.mail.outboxDir;
    if (!existsSync(dir)) return [];
    return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  };
  const pay = async (token: string, orderId: string, paymentMethod = 'pm_card_visa') => {
    const intent = await post('/api/payments/create-intent', token, { orderId });
    expect(intent.statusCode, intent.body).to.equal(200);
    const paymentIntentId = intent.json().data.paymentIntentId as string;
    return {
      paymentIntentId,
      res: await post('/api/payments/confirm', token, { paymentIntentId, paymentMethod }),
    };
  };

  it('unpaid orders holding the whole stock are cancelled after the TTL: stock, promo use back, customer mailed', async function () {
    this.timeout(30_000);
    const p = await products.create(
      aProduct({ price: 10_000, inventory: { stock: 6, lowStockThreshold: 0, isAvailable: true } }),
    );
    const promo = await post('/api/promos', admin, {
      code: `EXP${label}`,
      type: 'fixed',
      value: 5,
      usageLimit: 1,
    });
    expect(promo.statusCode, promo.body).to.equal(201);
    const squatter = await registerUser(t);
    const held = [];
    held.push(await place(squatter.token, p.id, 2, { promoCode: `EXP${label}` }));
    held.push(await place(squatter.token, p.id, 2));
    // A declined attempt keeps the order waiting for payment: it expires too.
    held.push(await place(squatter.token, p.id, 2));
    for (const r of held) expect(r.statusCode, r.body).to.equal(201);
    expect(
      (await pay(squatter.token, held[2]!.json().data.order._id, 'pm_card_chargeDeclined')).res.statusCode,
    ).to.equal(402);
    expect(await stockOf(p.id)).to.equal(0);
    const buyer = await registerUser(t);
    expect((await place(buyer.token, p.id, 1)).statusCode).to.equal(400); // INSUFFICIENT_STOCK

    // Before the deadline nothing happens.
    clock.advance(TTL - 1000);
    await sweep();
    expect(await stockOf(p.id)).to.equal(0);

    clock.advance(2000);
    await sweep();
    expect(await stockOf(p.id)).to.equal(6);
    for (const r of held) {
      const order = (await orders.findById(r.json().data.order._id))!;
      expect(order.status).to.equal('cancelled');
      expect(order.expiry?.at).to.be.instanceOf(Date);
    }
    expect(await pendingEvents()).to.deep.equal([]); // every reaction ran
    expect((await promos.findByCode(`EXP${label}`))!.usedCount).to.equal(0);
    const told = (await mails()).filter(
      (m) => m.to === squatter.user.email && /was cancelled/.test(m.subject),
    );
    expect(told).to.have.length(3);
    // No generic "is cancelled" status mail on top of the expiry mail.
    expect(
      (await mails()).filter((m) => m.to === squatter.user.email && / is cancelled$/.test(m.subject)),
    ).to.deep.equal([]);

    // Sweeping again changes nothing; the product is on sale again.
    await sweep();
    expect(await stockOf(p.id)).to.equal(6);
    expect((await place(buyer.token, p.id, 1)).statusCode).to.equal(201);
  });

  it('never cancels a paid order, nor one staff confirmed; a payment for an expired order is refused, or refunded when it lands anyway', async function () {
    this.timeout(30_000);
    const p = await products.create(aProduct({ price: 10_000 }));
    const shopper = await registerUser(t);
    const paidOrder = (await place(shopper.token, p.id, 1)).json().data.order;
    expect((await pay(shopper.token, paidOrder._id)).res.statusCode).to.equal(200);
    const staffConfirmed = (await place(shopper.token, p.id, 1)).json().data.order;
    const confirm = await t.request({
      method: 'PUT',
      url: `/api/orders/${staffConfirmed._id}/status`,
      token: admin,
      body: { status: 'confirmed', note: 'cash arranged' },
    });
    expect(confirm.statusCode, confirm.body).to.equal(200);
    const late = (await place(shopper.token, p.id, 1)).json().data.order;
    const intent = await post('/api/payments/create-intent', shopper.token, { orderId: late._id });
    const paymentIntentId = intent.json().data.paymentIntentId as string;
    const lateToo = (await place(shopper.token, p.id, 1)).json().data.order;
    const intentToo = (
      await post('/api/payments/create-intent', shopper.token, { orderId: lateToo._id })
    ).json().data.paymentIntentId as string;

    clock.advance(TTL + 1000);
    await sweep();
    expect((await orders.findById(paidOrder._id))!.status).to.equal('confirmed');
    expect((await orders.findById(staffConfirmed._id))!.status).to.equal('confirmed');
    expect((await orders.findById(late._id))!.status).to.equal('cancelled');

    // The shopper comes back and confirms: refused before the card is charged.
    const refused = await post('/api/payments/confirm', shopper.token, {
      paymentIntentId,
      paymentMethod: 'pm_card_visa',
    });
    expect(refused.statusCode, refused.body).to.equal(409);
    expect((await orders.findById(late._id))!.paymentStatus).to.equal('pending');
    const again = await post('/api/payments/create-intent', shopper.token, { orderId: late._id });
    expect(again.statusCode).to.equal(409);

    // A capture the gateway made anyway (e.g. confirmed client-side) is refunded in full.
    await t.container.get<PaymentGateway>(PAYMENT_GATEWAY).confirmIntent({
      intentId: intentToo,
      paymentMethod: 'pm_card_visa',
      idempotencyKey: `client:${intentToo}`,
    });
    const event = signedEvent('payment_intent.succeeded', { id: intentToo });
    expect((await deliver(t, event)).statusCode).to.equal(200);
    const refunded = (await orders.findById(lateToo._id))!;
    expect(refunded.status).to.equal('cancelled');
    expect(refunded.paymentStatus).to.equal('refunded');
    expect(refunded.refundAmount).to.equal(refunded.total);
  });

  it('a payment landing while the sweeper expires the order wins: the paid order is left alone', async () => {
    const p = await products.create(aProduct({ price: 10_000 }));
    const shopper = await registerUser(t);
    const placed = (await place(shopper.token, p.id, 1)).json().data.order;
    clock.advance(TTL + 1000);
    const stale = (await orders.findById(placed._id))!;
    // The sweeper read the order before the payment was saved.
    const racing = Object.create(orders) as OrderRepository;
    racing.awaitingPayment = async () => [stale];
    expect((await pay(shopper.token, placed._id)).res.statusCode).to.equal(200);
    const stock = await stockOf(p.id);
    const expire = new ExpireUnpaidOrders(racing, clock, t.container.get<EventBus>(EVENT_BUS), silent, {
      paymentTtlMs: TTL,
    });
    const result = (await expire.execute()).unwrap();
    expect(result).to.deep.equal({ expired: 0, skipped: 1 });
    const order = (await orders.findById(placed._id))!;
    expect([order.status, order.paymentStatus]).to.deep.equal(['confirmed', 'completed']);
    expect(await stockOf(p.id)).to.equal(stock);
  });

  it('crash-safe: an expiry whose sweeper dies after saving, or whose reaction fails, is finished by the outbox sweeper: stock, promo use and mail exactly once', async function () {
    this.timeout(30_000);
    const p = await products.create(
      aProduct({ price: 10_000, inventory: { stock: 10, lowStockThreshold: 0, isAvailable: true } }),
    );
    const promo = await post('/api/promos', admin, {
      code: `CRASH${label}`,
      type: 'fixed',
      value: 5,
      usageLimit: 1,
    });
    expect(promo.statusCode, promo.body).to.equal(201);
    const shopper = await registerUser(t);
    const a = (await place(shopper.token, p.id, 3, { promoCode: `CRASH${label}` })).json().data.order;
    const b = (await place(shopper.token, p.id, 4)).json().data.order;
    expect(await stockOf(p.id)).to.equal(3);
    clock.advance(TTL + 1000);
    const bus = t.container.get<EventBus>(EVENT_BUS);
    const policy = { paymentTtlMs: TTL };
    const expiryMails = async () =>
      (await mails()).filter((m) => m.to === shopper.user.email && /was cancelled/.test(m.subject));

    // Sweeper 1 saves a's expiry, then its process dies before delivering a single event.
    const onlyA = Object.create(orders) as OrderRepository;
    onlyA.awaitingPayment = async (before, limit) =>
      (await orders.awaitingPayment(before, limit)).filter((o) => o.id === a._id);
    const deadBus: EventBus = {
      publish: async () => {
        throw new Error('process killed');
      },
      subscribe: () => undefined,
      stage: async () => undefined,
      discard: async () => undefined,
    };
    expect(
      (await new ExpireUnpaidOrders(onlyA, clock, deadBus, silent, policy).execute()).unwrap(),
    ).to.deep.equal({
      expired: 1,
      skipped: 0,
    });
    // Sweeper 2 expires b; putting its stock back fails (the database hiccups) while the rest runs.
    const failOnce = sinon
      .stub(t.container.get<StockStore>(STOCK_STORE), 'releaseStock')
      .rejects(new Error('connection reset'));
    const onlyB = Object.create(orders) as OrderRepository;
    onlyB.awaitingPayment = async (before, limit) =>
      (await orders.awaitingPayment(before, limit)).filter((o) => o.id === b._id);
    await new ExpireUnpaidOrders(onlyB, clock, bus, silent, policy).execute();
    await t.container.get(EventDispatcher).drain();
    failOnce.restore();
    expect((await orders.findById(a._id))!.status).to.equal('cancelled');
    expect((await orders.findById(b._id))!.status).to.equal('cancelled');
    expect(await stockOf(p.id)).to.equal(3); // nothing back yet
    expect((await promos.findByCode(`CRASH${label}`))!.usedCount).to.equal(1);
    expect(await expiryMails()).to.have.length(1); // b's mail went; a's events were never delivered
    expect((await pendingEvents()).map((e) => [e.aggregateId, e.type])).to.deep.include.members([
      [a._id, 'ordering.order-cancelled'],
      [a._id, 'ordering.order-expired'],
      [b._id, 'ordering.order-cancelled'],
    ]);

    // The outbox sweeper finishes both: a's stock, promo use and mail; b's stock; nothing twice.
    const leftBehind = await pendingEvents();
    await redeliver();
    expect(await stockOf(p.id)).to.equal(10);
    expect((await promos.findByCode(`CRASH${label}`))!.usedCount).to.equal(0);
    expect(await expiryMails()).to.have.length(2);
    expect(await pendingEvents()).to.deep.equal([]);
    // Delivering those events again (a second sweeper, a duplicate) is a no-op.
    await bus.publish(leftBehind);
    await t.container.get(EventDispatcher).drain();
    expect(await stockOf(p.id)).to.equal(10);
    expect(await expiryMails()).to.have.length(2);
  });

  it('a shopper holds at most MAX_UNPAID_ORDERS_PER_USER unpaid orders; paying or expiry frees a place', async function () {
    this.timeout(30_000);
    const p = await products.create(aProduct({ price: 10_000 }));
    const shopper = await registerUser(t);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await place(shopper.token, p.id, 1);
      expect(r.statusCode, r.body).to.equal(201);
      ids.push(r.json().data.order._id);
    }
    const stock = await stockOf(p.id);
    const refused = await place(shopper.token, p.id, 1);
    expect(refused.statusCode).to.equal(409);
    expect(refused.json().code).to.equal('TOO_MANY_UNPAID_ORDERS');
    expect(await stockOf(p.id)).to.equal(stock);
    // Another shopper is not affected.
    expect((await place((await registerUser(t)).token, p.id, 1)).statusCode).to.equal(201);

    expect((await pay(shopper.token, ids[0]!)).res.statusCode).to.equal(200);
    expect((await place(shopper.token, p.id, 1)).statusCode).to.equal(201);
    expect((await place(shopper.token, p.id, 1)).statusCode).to.equal(409);
    clock.advance(TTL + 1000);
    await sweep();
    expect((await place(shopper.token, p.id, 1)).statusCode).to.equal(201);
  });

  it('the cap holds under a parallel burst: 20 placements at once leave exactly 3 unpaid orders, stock taken for 3 only', async function () {
    this.timeout(60_000);
    const p = await products.create(
      aProduct({ price: 10_000, inventory: { stock: 100, lowStockThreshold: 0, isAvailable: true } }),
    );
    const shopper = await registerUser(t);
    const burst = async (n: number) => {
      const answers = await Promise.all(Array.from({ length: n }, () => place(shopper.token, p.id, 2)));
      const created = answers.filter((r) => r.statusCode === 201);
      const refused = answers.filter(
        (r) => r.statusCode === 409 && r.json().code === 'TOO_MANY_UNPAID_ORDERS',
      );
      expect(created.length + refused.length, answers.map((r) => r.body).join('\n')).to.equal(n);
      return created.map((r) => r.json().data.order._id as string);
    };
    const unpaid = async () => (await orders.findByUser(shopper.user._id)).filter(isAwaitingPayment).length;

    // Every placement yields to the event loop while it prices its lines, as a real store's round
    // trip does, so the burst interleaves on the in-memory store too (it otherwise answers within
    // one tick and the requests would run one after another).
    const findByIds = products.findByIds.bind(products);
    const slow = sinon.stub(products, 'findByIds').callsFake(async (ids) => {
      await new Promise((resolve) => setImmediate(resolve));
      return findByIds(ids);
    });
    try {
      const placed = await burst(20);
      expect(placed).to.have.length(3);
      expect(await unpaid()).to.equal(3);
      expect(await stockOf(p.id)).to.equal(100 - 3 * 2);

      // Paying one frees exactly one place, even for another burst.
      expect((await pay(shopper.token, placed[0]!)).res.statusCode).to.equal(200);
      const afterPaying = await burst(8);
      expect(afterPaying).to.have.length(1);
      expect(await unpaid()).to.equal(3);

      // So does cancelling one.
      const cancelled = await t.request({
        method: 'PUT',
        url: `/api/orders/${placed[1]!}/cancel`,
        token: shopper.token,
        body: {},
      });
      expect(cancelled.statusCode, cancelled.body).to.equal(200);
      expect(await burst(8)).to.have.length(1);
      expect(await unpaid()).to.equal(3);
      expect(await stockOf(p.id)).to.equal(100 - 2 * 5 + 2);
    } finally {
      slow.restore();
    }
  });

  it('a failed placement gives its place back; a refused one redeems no promo use and takes no stock', async function () {
    this.timeout(30_000);
    const p = await products.create(
      aProduct({ price: 10_000, inventory: { stock: 5, lowStockThreshold: 0, isAvailable: true } }),
    );
    const shopper = await registerUser(t);
    for (let i = 0; i < 4; i++) {
      const short = await place(shopper.token, p.id, 6);
      expect(short.json().code, short.body).to.equal('INSUFFICIENT_STOCK');
    }
    for (let i = 0; i < 3; i++) expect((await place(shopper.token, p.id, 1)).statusCode).to.equal(201);
    const code = `CAP${label}`;
    expect((await post('/api/promos', admin, { code, type: 'fixed', value: 5 })).statusCode).to.equal(201);
    const refused = await place(shopper.token, p.id, 1, { promoCode: code });
    expect(refused.json().code, refused.body).to.equal('TOO_MANY_UNPAID_ORDERS');
    expect((await promos.findByCode(code))!.usedCount).to.equal(0);
    expect(await stockOf(p.id)).to.equal(2);
  });
}

describe('http/ordering: unpaid orders expire', () => {
  describe('memory', () => suite('memory', () => ({})));
  describeWith(['mongo'], 'mongo', () => suite('mongo', () => ({ MONGODB_URI: mongoTestUri('expiry') })));
});
