import { expect } from 'chai';
import sinon from 'sinon';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { PROMO_CODE_REPOSITORY, type PromoCodeRepository } from '../../../application/promotions/ports.js';
import { PromoEvaluator, type PromoEvaluation } from '../../../application/promotions/use-cases.js';
import { domainError } from '../../../domain/shared/errors.js';
import { Err, Ok } from '../../../domain/shared/result.js';
import type { Connection } from 'mongoose';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct, TestClock } from '../../support/kit.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

// 08:30 in Asia/Kolkata (UTC+05:30) on 2026-06-01: before the 14:00 cut-off and every slot.
const MORNING = '2026-06-01T03:00:00.000Z';
const TODAY = '2026-06-01';
const TOMORROW = '2026-06-02';
const HOLIDAY = '2026-06-05';
const CAPACITY = 7;

function suite(label: string, env: () => Record<string, string>) {
  let t: TestApp;
  let clock: TestClock;
  let productId: string;
  let scarceId: string;

  beforeEach(async () => {
    clock = new TestClock(new Date(MORNING));
    t = await buildTestApp(
      { DELIVERY_SLOT_CAPACITY: String(CAPACITY), DELIVERY_HOLIDAYS: `${HOLIDAY},2026-12-25`, ...env() },
      { clock },
    );
    const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    productId = (await products.create(aProduct({ name: `Slot Roses ${label}` }))).id;
    scarceId = (
      await products.create(
        aProduct({
          name: `Last Tulip ${label}`,
          inventory: { stock: 0, lowStockThreshold: 1, isAvailable: true },
        }),
      )
    ).id;
  });
  afterEach(async () => {
    sinon.restore();
    if (label === 'mongo') await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await t.close();
  });

  const slots = async (date: string, prefix = '/api') => {
    const res = await t.request({ method: 'GET', url: `${prefix}/delivery/slots?date=${date}&city=Pune` });
    expect(res.statusCode, res.body).to.equal(200);
    return res.json().data;
  };
  const place = (token: string, extra: Record<string, unknown>, items?: unknown[]) =>
    t.request({
      method: 'POST',
      url: '/api/orders',
      token,
      body: { items: items ?? [{ product: productId, quantity: 1 }], shippingAddress: ADDRESS, ...extra },
    });

  it('lists the slots of a date with capacity, remaining and the fee (also under /api/api)', async () => {
    const data = await slots(TOMORROW, '/api/api');
    expect(data).to.deep.include({ date: TOMORROW, city: 'Pune', timeZone: 'Asia/Kolkata', sameDay: false });
    expect(data.shippingMethod).to.equal('standard');
    expect(data.fee).to.equal(5);
    expect(data.slots.map((s: { id: string }) => s.id)).to.deep.equal([
      '09:00-12:00',
      '12:00-15:00',
      '15:00-18:00',
      '18:00-21:00',
    ]);
    expect(data.slots[0]).to.deep.equal({
      id: '09:00-12:00',
      start: '09:00',
      end: '12:00',
      capacity: CAPACITY,
      remaining: CAPACITY,
      open: true,
    });
    const today = await slots(TODAY);
    expect(today.sameDay).to.equal(true);
    expect(today.fee).to.equal(25);
  });

  it('closes started slots, same-day slots after the cut-off, holidays, past and far dates', async () => {
    clock.set('2026-06-01T04:45:00.000Z'); // 10:15 local
    expect(
      (await slots(TODAY)).slots.map((s: { open: boolean; reason?: string }) => s.reason ?? 'open'),
    ).to.deep.equal(['past', 'open', 'open', 'open']);
    clock.set('2026-06-01T08:30:00.000Z'); // 14:00 local: the cut-off
    const afterCutoff = (await slots(TODAY)).slots;
    expect(
      afterCutoff.every((s: { open: boolean; reason: string }) => !s.open && s.reason === 'cutoff'),
    ).to.equal(true);
    expect((await slots(TOMORROW)).slots.every((s: { open: boolean }) => s.open)).to.equal(true);
    expect((await slots(HOLIDAY)).slots[0]).to.include({ open: false, reason: 'holiday' });
    expect((await slots('2026-05-31')).slots[0]).to.include({ open: false, reason: 'past' });
    expect((await slots('2026-08-01')).slots[0]).to.include({ open: false, reason: 'too-far' });
  });

  it('refuses a bad date or city with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['date=2026-02-30&city=Pune', 'querystring.date'],
      ['date=tomorrow&city=Pune', 'querystring.date'],
      ['date=2026-06-02', 'querystring.city'],
      ['date=2026-06-02&city=%20', 'querystring.city'],
    ] as const) {
      const res = await t.request({ method: 'GET', url: `/api/delivery/slots?${query}` });
      expect(res.statusCode, query).to.equal(400);
      expect(JSON.stringify(res.json()), query).to.include(field);
    }
  });

  it('books the slot with the order: delivery date, slot, gift, estimated delivery; same-day sets its method and fee', async () => {
    const { token } = await registerUser(t);
    const gift = {
      recipientName: 'Meera',
      recipientPhone: '+91 90000 00000',
      message: 'Happy birthday!',
      anonymous: true,
    };
    const res = await place(token, { deliveryDate: TOMORROW, deliverySlot: '15:00-18:00', gift });
    expect(res.statusCode, res.body).to.equal(201);
    const order = res.json().data.order;
    expect(order).to.deep.include({
      deliveryDate: TOMORROW,
      deliverySlot: '15:00-18:00',
      gift,
      shippingMethod: 'standard',
    });
    // 18:00 in Kolkata is 12:30 UTC.
    expect(order.estimatedDelivery).to.equal('2026-06-02T12:30:00.000Z');
    const got = await t.request({ method: 'GET', url: `/api/orders/${order._id}`, token });
    expect(got.json().data.order ?? got.json().data).to.deep.include({ deliveryDate: TOMORROW, gift });
    expect((await slots(TOMORROW)).slots[2].remaining).to.equal(CAPACITY - 1);

    const sameDay = await place(token, {
      deliveryDate: TODAY,
      deliverySlot: '12:00-15:00',
      shippingMethod: 'standard',
    });
    expect(sameDay.statusCode, sameDay.body).to.equal(201);
    expect(sameDay.json().data).to.deep.include({ shippingMethod: 'same-day', shippingFee: 25 });

    const plain = await place(token, {});
    expect(plain.statusCode).to.equal(201);
    expect(plain.json().data).to.not.have.any.keys('deliveryDate', 'deliverySlot', 'gift');
  });

  it('refuses closed, unknown, half-given and inconsistent choices with stable codes', async () => {
    const { token } = await registerUser(t);
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [{ deliveryDate: HOLIDAY, deliverySlot: '09:00-12:00' }, 409, 'DELIVERY_SLOT_CLOSED', 'holiday'],
      [{ deliveryDate: TOMORROW, deliverySlot: '07:00-08:00' }, 400, 'DELIVERY_SLOT_UNKNOWN'],
      [{ deliveryDate: TOMORROW }, 400, 'VALIDATION_FAILED', 'body.deliverySlot'],
      [{ deliverySlot: '09:00-12:00' }, 400, 'VALIDATION_FAILED', 'body.deliveryDate'],
      [
        { deliveryDate: '2026-02-30', deliverySlot: '09:00-12:00' },
        400,
        'VALIDATION_FAILED',
        'body.deliveryDate',
      ],
      [
        { deliveryDate: TOMORROW, deliverySlot: '09:00-12:00', shippingMethod: 'same-day' },
        400,
        'VALIDATION_FAILED',
        'body.shippingMethod',
      ],
      [{ gift: { message: 'x'.repeat(251) } }, 400, 'VALIDATION_FAILED', 'gift.message'],
    ];
    for (const [extra, status, code, mention] of cases) {
      const res = await place(token, extra);
      expect(res.statusCode, JSON.stringify(extra)).to.equal(status);
      expect(res.json().code, JSON.stringify(extra)).to.equal(code);
      if (mention) expect(res.body, JSON.stringify(extra)).to.include(mention);
    }
    clock.set('2026-06-01T09:00:00.000Z'); // 14:30 local
    const late = await place(token, { deliveryDate: TODAY, deliverySlot: '18:00-21:00' });
    expect(late.statusCode).to.equal(409);
    expect(late.json()).to.deep.include({ code: 'DELIVERY_SLOT_CLOSED', reason: 'cutoff' });
    expect(
      (await slots(TOMORROW)).slots.every((s: { remaining: number }) => s.remaining === CAPACITY),
    ).to.equal(true);
  });

  it(`50 parallel checkouts on a slot of capacity ${CAPACITY}: exactly ${CAPACITY} succeed, the rest DELIVERY_SLOT_FULL; cancel gives one back`, async function () {
    this.timeout(120_000);
    const tokens: string[] = [];
    for (let i = 0; i < 50; i++) tokens.push((await registerUser(t)).token);
    const responses = await Promise.all(
      tokens.map((token) => place(token, { deliveryDate: TOMORROW, deliverySlot: '09:00-12:00' })),
    );
    const created = responses.filter((r) => r.statusCode === 201);
    const refused = responses.filter((r) => r.statusCode !== 201);
    expect(created).to.have.length(CAPACITY);
    expect(refused.map((r) => r.json().code)).to.deep.equal(Array(50 - CAPACITY).fill('DELIVERY_SLOT_FULL'));
    expect(refused.every((r) => r.statusCode === 409)).to.equal(true);
    expect((await slots(TOMORROW)).slots[0]).to.include({ remaining: 0, open: false, reason: 'full' });

    const winner = created[0]!;
    const owner = tokens[responses.indexOf(winner)]!;
    const cancel = await t.request({
      method: 'PUT',
      url: `/api/orders/${winner.json().data._id}/cancel`,
      token: owner,
      body: {},
    });
    expect(cancel.statusCode, cancel.body).to.equal(200);
    expect((await slots(TOMORROW)).slots[0]).to.include({ remaining: 1, open: true });
    const again = await place(tokens[responses.indexOf(refused[0]!)]!, {
      deliveryDate: TOMORROW,
      deliverySlot: '09:00-12:00',
    });
    expect(again.statusCode, again.body).to.equal(201);
  });

  it('a placement that fails after booking (a later line out of stock) gives the slot back', async () => {
    const { token } = await registerUser(t);
    const res = await place(token, { deliveryDate: TOMORROW, deliverySlot: '12:00-15:00' }, [
      { product: productId, quantity: 1 },
      { product: scarceId, quantity: 1 },
    ]);
    expect(res.statusCode, res.body).to.equal(400);
    expect(res.json().code).to.equal('INSUFFICIENT_STOCK');
    expect((await slots(TOMORROW)).slots[1].remaining).to.equal(CAPACITY);
  });

  it('a placement whose order write throws (nothing stored) gives the slot back', async () => {
    const { token } = await registerUser(t);
    const orders = t.container.get<OrderRepository>(ORDER_REPOSITORY);
    sinon.stub(orders, 'create').rejects(new Error('disk on fire'));
    const res = await place(token, { deliveryDate: TOMORROW, deliverySlot: '18:00-21:00' });
    expect(res.statusCode).to.equal(500);
    sinon.restore();
    expect((await slots(TOMORROW)).slots[3].remaining).to.equal(CAPACITY);
  });

  it('a placement whose promo use is refused after booking (the last use went to a racer) gives the slot back', async () => {
    const { token } = await registerUser(t);
    // The code applies when checked, and its last use is gone when redeemed.
    sinon
      .stub(PromoEvaluator.prototype, 'evaluate')
      .resolves(
        Ok({ promo: { code: 'LASTONE' }, discount: { discount: 100 } } as unknown as PromoEvaluation),
      );
    const promos = t.container.get<PromoCodeRepository>(PROMO_CODE_REPOSITORY);
    sinon.stub(promos, 'redeem').resolves(Err(domainError('PROMO_EXHAUSTED', 'used up')));
    const res = await place(token, {
      deliveryDate: TOMORROW,
      deliverySlot: '18:00-21:00',
      promoCode: 'LASTONE',
    });
    expect(res.statusCode, res.body).to.equal(409);
    expect(res.json().code).to.equal('PROMO_EXHAUSTED');
    expect((await slots(TOMORROW)).slots[3].remaining).to.equal(CAPACITY);
  });
}

describe('http/delivery: slots and checkout (memory)', () => {
  suite('memory', () => ({}));
});

describeWith(['mongo'], 'http/delivery: slots and checkout (MongoDB)', () => {
  suite('mongo', () => ({ MONGODB_URI: mongoTestUri('delivery') }));
});
