import { expect } from 'chai';
import sinon from 'sinon';
import type { Connection } from 'mongoose';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { SLOT_CAPACITY_STORE, type SlotCapacityStore } from '../../../application/delivery/ports.js';
import { SettleInterruptedMoves } from '../../../application/delivery/use-cases.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { domainError } from '../../../domain/shared/errors.js';
import { Err } from '../../../domain/shared/result.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct, TestClock } from '../../support/kit.js';
import { multipartBody, png } from '../../support/media/images.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

// 08:30 in Asia/Kolkata (UTC+05:30) on 2026-06-01: before the 14:00 cut-off and every slot.
const MORNING = '2026-06-01T03:00:00.000Z';
const TOMORROW = '2026-06-02';
const LATER = '2026-06-03';
const HOLIDAY = '2026-06-05';
const CAPACITY = 3;

function suite(label: string, env: () => Record<string, string>) {
  let t: TestApp;
  let clock: TestClock;
  let productId: string;
  let admin: string;
  let courier: string;
  let shopper: string;

  beforeEach(async () => {
    clock = new TestClock(new Date(MORNING));
    t = await buildTestApp(
      { DELIVERY_SLOT_CAPACITY: String(CAPACITY), DELIVERY_HOLIDAYS: HOLIDAY, ...env() },
      { clock },
    );
    const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    productId = (await products.create(aProduct({ name: `Moving Roses ${label}` }))).id;
    admin = await loginAdmin(t);
    shopper = (await registerUser(t)).token;
    const c = await registerUser(t, { fullName: 'Ravi Courier' });
    const granted = await t.request({
      method: 'PUT',
      url: `/api/admin/users/${c.user._id}/role`,
      token: admin,
      body: { role: 'courier' },
    });
    expect(granted.statusCode, granted.body).to.equal(200);
    courier = c.token;
  });
  afterEach(async () => {
    sinon.restore();
    if (label === 'mongo') await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await t.close();
  });

  const remaining = async (date: string, slot: string) => {
    const res = await t.request({ method: 'GET', url: `/api/delivery/slots?date=${date}&city=Pune` });
    expect(res.statusCode, res.body).to.equal(200);
    return res.json().data.slots.find((s: { id: string }) => s.id === slot).remaining as number;
  };

  /** A confirmed order, with a checkout slot when `slot` is given. */
  const confirmedOrder = async (slot?: { date: string; slot: string }): Promise<string> => {
    const res = await t.request({
      method: 'POST',
      url: '/api/orders',
      token: shopper,
      body: {
        items: [{ product: productId, quantity: 1 }],
        shippingAddress: ADDRESS,
        ...(slot ? { deliveryDate: slot.date, deliverySlot: slot.slot } : {}),
      },
    });
    expect(res.statusCode, res.body).to.equal(201);
    const id = res.json().data.order._id as string;
    const confirmed = await setStatus(id, 'confirmed');
    expect(confirmed.statusCode, confirmed.body).to.equal(200);
    return id;
  };
  const setStatus = (id: string, status: string) =>
    t.request({ method: 'PUT', url: `/api/orders/${id}/status`, token: admin, body: { status } });
  const reschedule = (id: string, date: string, slot: string, token = courier, prefix = '/api') =>
    t.request({
      method: 'PUT',
      url: `${prefix}/orders/${id}/delivery`,
      token,
      body: { action: 'rescheduled', date, slot, reason: 'Customer asked' },
    });
  /** Fills what is left of a slot with other orders. */
  const fill = async (date: string, slot: string) => {
    for (let left = await remaining(date, slot); left > 0; left--) await confirmedOrder({ date, slot });
  };

  it("moves the booking: the new slot's place is taken, the checkout's given back; delivery, estimate and ETA follow (also under /api/api)", async () => {
    const id = await confirmedOrder({ date: TOMORROW, slot: '09:00-12:00' });
    expect(await remaining(TOMORROW, '09:00-12:00')).to.equal(CAPACITY - 1);

    const moved = await reschedule(id, LATER, '15:00-18:00', admin, '/api/api');
    expect(moved.statusCode, moved.body).to.equal(200);
    expect(await remaining(TOMORROW, '09:00-12:00')).to.equal(CAPACITY);
    expect(await remaining(LATER, '15:00-18:00')).to.equal(CAPACITY - 1);
    const { order, tracking } = moved.json().data;
    expect(order).to.include({ deliveryDate: LATER, deliverySlot: '15:00-18:00' });
    // 18:00 local (UTC+05:30): the new slot's end is the estimate
    expect(order.estimatedDelivery).to.equal('2026-06-03T12:30:00.000Z');
    expect(tracking.eta).to.deep.equal({ date: LATER, slot: '15:00-18:00', source: 'rescheduled' });
    expect(tracking).to.include({ deliveryDate: LATER, deliverySlot: '15:00-18:00' });

    // a second reschedule gives back the first reschedule's place
    const again = await reschedule(id, TOMORROW, '18:00-21:00');
    expect(again.statusCode, again.body).to.equal(200);
    expect(await remaining(LATER, '15:00-18:00')).to.equal(CAPACITY);
    expect(await remaining(TOMORROW, '18:00-21:00')).to.equal(CAPACITY - 1);
    const read = await t.request({ method: 'GET', url: `/api/orders/${id}/tracking`, token: shopper });
    expect(read.json().data.tracking.eta).to.deep.equal({
      date: TOMORROW,
      slot: '18:00-21:00',
      source: 'rescheduled',
    });
    const timeline = read
      .json()
      .data.tracking.timeline.filter((e: { kind: string }) => e.kind === 'delivery');
    expect(timeline.map((e: { rescheduledTo: unknown }) => e.rescheduledTo)).to.deep.equal([
      { date: LATER, slot: '15:00-18:00' },
      { date: TOMORROW, slot: '18:00-21:00' },
    ]);
  });

  it('an order placed without a slot takes one; cancel after a reschedule gives back the slot it holds now', async () => {
    const plain = await confirmedOrder();
    expect((await reschedule(plain, LATER, '09:00-12:00')).statusCode).to.equal(200);
    expect(await remaining(LATER, '09:00-12:00')).to.equal(CAPACITY - 1);

    const slotted = await confirmedOrder({ date: TOMORROW, slot: '12:00-15:00' });
    expect((await reschedule(slotted, LATER, '09:00-12:00')).statusCode).to.equal(200);
    expect(await remaining(LATER, '09:00-12:00')).to.equal(CAPACITY - 2);
    const cancelled = await setStatus(slotted, 'cancelled');
    expect(cancelled.statusCode, cancelled.body).to.equal(200);
    expect(await remaining(LATER, '09:00-12:00')).to.equal(CAPACITY - 1);
    expect(await remaining(TOMORROW, '12:00-15:00')).to.equal(CAPACITY);
  });

  it('closed, full and unknown slots answer the checkout codes and keep the order where it was', async () => {
    const id = await confirmedOrder({ date: TOMORROW, slot: '09:00-12:00' });
    await fill(LATER, '12:00-15:00');
    const cases: [string, string, number, string][] = [
      [HOLIDAY, '09:00-12:00', 409, 'DELIVERY_SLOT_CLOSED'],
      ['2026-05-31', '09:00-12:00', 409, 'DELIVERY_SLOT_CLOSED'],
      ['2026-08-01', '09:00-12:00', 409, 'DELIVERY_SLOT_CLOSED'],
      [LATER, '12:00-15:00', 409, 'DELIVERY_SLOT_FULL'],
      [LATER, '07:00-08:00', 400, 'DELIVERY_SLOT_UNKNOWN'],
    ];
    for (const [date, slot, status, code] of cases) {
      const res = await reschedule(id, date, slot);
      expect(res.statusCode, `${date} ${slot} ${res.body}`).to.equal(status);
      expect(res.json().code, `${date} ${slot}`).to.equal(code);
    }
    expect(await remaining(TOMORROW, '09:00-12:00')).to.equal(CAPACITY - 1);
    expect(await remaining(LATER, '12:00-15:00')).to.equal(0);
    const tr = await t.request({ method: 'GET', url: `/api/orders/${id}/tracking`, token: admin });
    expect(tr.json().data.tracking).to.include({ deliveryState: 'none', deliveryDate: TOMORROW });
  });

  it('parallel reschedules of different orders into a slot with one place left: exactly one wins', async function () {
    this.timeout(60_000);
    const contenders: string[] = [];
    for (let i = 0; i < 3; i++)
      contenders.push(await confirmedOrder({ date: TOMORROW, slot: '09:00-12:00' }));
    for (let i = 0; i < 3; i++) contenders.push(await confirmedOrder());
    await confirmedOrder({ date: LATER, slot: '18:00-21:00' });
    await confirmedOrder({ date: LATER, slot: '18:00-21:00' });
    expect(await remaining(LATER, '18:00-21:00')).to.equal(1);

    const results = await Promise.all(contenders.map((id) => reschedule(id, LATER, '18:00-21:00')));
    const won = results.filter((r) => r.statusCode === 200);
    expect(won, results.map((r) => r.body).join('\n')).to.have.length(1);
    expect(results.filter((r) => r.statusCode !== 200).map((r) => r.json().code)).to.deep.equal(
      Array(5).fill('DELIVERY_SLOT_FULL'),
    );
    expect(await remaining(LATER, '18:00-21:00')).to.equal(0);
    // the winner gave its checkout place back, if it had one; the losers kept theirs
    const winner = contenders[results.indexOf(won[0]!)]!;
    const winnerHadSlot = contenders.indexOf(winner) < 3;
    expect(await remaining(TOMORROW, '09:00-12:00')).to.equal(winnerHadSlot ? 1 : 0);
  });

  it('parallel reschedules of one order: one wins, the others answer 409, one place is held', async () => {
    const id = await confirmedOrder({ date: TOMORROW, slot: '09:00-12:00' });
    const slots = ['12:00-15:00', '15:00-18:00', '18:00-21:00'];
    const results = await Promise.all(
      [...slots, ...slots].map((slot, i) => reschedule(id, i < 3 ? TOMORROW : LATER, slot)),
    );
    const won = results.filter((r) => r.statusCode === 200);
    expect(won.length, results.map((r) => r.body).join('\n')).to.be.greaterThanOrEqual(1);
    expect(results.filter((r) => r.statusCode !== 200).every((r) => r.statusCode === 409)).to.equal(true);
    const tr = await t.request({ method: 'GET', url: `/api/orders/${id}/tracking`, token: admin });
    const { deliveryDate, deliverySlot } = tr.json().data.tracking;
    let held = 0;
    for (const date of [TOMORROW, LATER]) {
      for (const slot of ['09:00-12:00', ...slots]) {
        const taken = CAPACITY - (await remaining(date, slot));
        held += taken;
        expect(taken, `${date} ${slot}`).to.equal(date === deliveryDate && slot === deliverySlot ? 1 : 0);
      }
    }
    expect(held).to.equal(1);
  });

  it('no leak when the order write fails after the place was taken: the new place goes back, the old one stays', async () => {
    const id = await confirmedOrder({ date: TOMORROW, slot: '09:00-12:00' });
    const orders = t.container.get<OrderRepository>(ORDER_REPOSITORY);
    // every save loses to a concurrent writer (the retries included), then the store throws
    const update = sinon
      .stub(orders, 'update')
      .resolves(Err(domainError('CONFLICT', 'changed by someone else', { field: 'version' })));
    const failed = await reschedule(id, LATER, '12:00-15:00');
    expect(failed.statusCode, failed.body).to.equal(409);
    expect(failed.json().code).to.equal('CONFLICT');
    expect(await remaining(LATER, '12:00-15:00')).to.equal(CAPACITY);
    expect(await remaining(TOMORROW, '09:00-12:00')).to.equal(CAPACITY - 1);

    update.rejects(new Error('connection reset'));
    const thrown = await reschedule(id, LATER, '12:00-15:00');
    expect(thrown.statusCode).to.equal(500);
    expect(await remaining(LATER, '12:00-15:00')).to.equal(CAPACITY);
    expect(await remaining(TOMORROW, '09:00-12:00')).to.equal(CAPACITY - 1);

    update.restore();
    expect((await reschedule(id, LATER, '12:00-15:00')).statusCode).to.equal(200);
    expect(await remaining(LATER, '12:00-15:00')).to.equal(CAPACITY - 1);
    expect(await remaining(TOMORROW, '09:00-12:00')).to.equal(CAPACITY);
  });

  it('a reschedule whose process died after taking the place is settled by the sweep from the stored order', async () => {
    const id = await confirmedOrder({ date: TOMORROW, slot: '09:00-12:00' });
    const store = t.container.get<SlotCapacityStore>(SLOT_CAPACITY_STORE);
    // what a dying reschedule leaves: the new place held, the order never saved
    expect(await store.hold(`${LATER}|12:00-15:00`, id, CAPACITY, clock.now())).to.equal('taken');
    expect(await remaining(LATER, '12:00-15:00')).to.equal(CAPACITY - 1);
    const busy = await reschedule(id, LATER, '15:00-18:00');
    expect(busy.statusCode, busy.body).to.equal(409);
    expect(busy.json().code).to.equal('CONFLICT');

    const sweep = t.container.get(SettleInterruptedMoves);
    expect(await sweep.execute()).to.deep.equal({ committed: 0, aborted: 0 });
    clock.advance(t.config.stockReservation.ttlMs);
    expect(await sweep.execute()).to.deep.equal({ committed: 0, aborted: 1 });
    expect(await remaining(LATER, '12:00-15:00')).to.equal(CAPACITY);
    expect(await remaining(TOMORROW, '09:00-12:00')).to.equal(CAPACITY - 1);
    expect((await reschedule(id, LATER, '15:00-18:00')).statusCode).to.equal(200);
  });

  describe('proof of delivery', () => {
    const upload = (id: string, token: string | undefined, data: Buffer, contentType = 'image/png') => {
      const { payload, headers } = multipartBody([{ name: 'file', filename: 'door.png', contentType, data }]);
      return t.app.inject({
        method: 'POST',
        url: `/api/orders/${id}/delivery/proof`,
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        payload,
      });
    };
    const onTheRoad = async () => {
      const id = await confirmedOrder();
      expect((await setStatus(id, 'processing')).statusCode).to.equal(200);
      const out = await t.request({
        method: 'PUT',
        url: `/api/orders/${id}/delivery`,
        token: courier,
        body: { action: 'out-for-delivery' },
      });
      expect(out.statusCode, out.body).to.equal(200);
      return id;
    };
    const delivered = (id: string, proofPhotoUrl: string) =>
      t.request({
        method: 'PUT',
        url: `/api/orders/${id}/delivery`,
        token: courier,
        body: { action: 'delivered', recipientName: 'Meera', proofPhotoUrl },
      });

    it('a courier uploads the photo; delivered takes the URL it answered, and it is served', async () => {
      const id = await onTheRoad();
      const res = await upload(id, courier, png(8, 6));
      expect(res.statusCode, res.body).to.equal(201);
      const url = res.json().data.url as string;
      const served = await t.app.inject({ method: 'GET', url: new URL(url).pathname });
      expect(served.statusCode).to.equal(200);
      expect(served.headers['content-type']).to.match(/^image\/png/);
      const done = await delivered(id, url);
      expect(done.statusCode, done.body).to.equal(200);
      expect(done.json().data.tracking.timeline.at(-1)).to.include({ proofPhotoUrl: url });
    });

    it('a shopper gets 403, no token 401, a file that is not an image 400, an order not on its way 409', async () => {
      const id = await onTheRoad();
      expect((await upload(id, shopper, png(8, 6))).statusCode).to.equal(403);
      expect((await upload(id, undefined, png(8, 6))).statusCode).to.equal(401);
      const text = await upload(id, courier, Buffer.from('<svg onload="alert(1)"/>'), 'image/png');
      expect(text.statusCode, text.body).to.equal(400);
      expect(text.json().code).to.equal('INVALID_IMAGE');
      const declaredWrong = await upload(id, courier, png(8, 6), 'text/html');
      expect(declaredWrong.statusCode).to.equal(400);
      const pending = await confirmedOrder();
      const early = await upload(pending, courier, png(8, 6));
      expect(early.statusCode, early.body).to.equal(409);
      expect(early.json().code).to.equal('INVALID_DELIVERY_TRANSITION');
    });

    it('delivered refuses a photo URL that is not one of the shop store (400 naming proofPhotoUrl)', async () => {
      const id = await onTheRoad();
      const ours = (await upload(id, courier, png(8, 6))).json().data.url as string;
      for (const foreign of [
        'https://res.cloudinary.com/someone-else/image/upload/v1/proof.jpg',
        'https://evil.example/uploads/0123456789abcdef0123456789abcdef.png',
        `${ours}/../../etc/passwd.png`,
        `${ours}?x=1`,
      ]) {
        const res = await delivered(id, foreign);
        expect(res.statusCode, foreign).to.equal(400);
        expect(res.body, foreign).to.contain('proofPhotoUrl');
      }
      const tr = await t.request({ method: 'GET', url: `/api/orders/${id}/tracking`, token: admin });
      expect(tr.json().data.tracking.deliveryState).to.equal('out_for_delivery');
    });
  });
}

describe('http/ordering: rescheduling books the slot; proof of delivery through the media port (memory)', () => {
  suite('memory', () => ({}));
});

describeWith(['mongo'], 'http/ordering: rescheduling and proof of delivery (MongoDB)', function () {
  this.timeout(60_000);
  suite('mongo', () => ({ MONGODB_URI: mongoTestUri('reschedule') }));
});
