import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct, testId } from '../../support/kit.js';
import { multipartBody, png } from '../../support/media/images.js';
import { addDays, localTime } from '../../../domain/delivery/slots.js';

// Two days after the shop's today (real clock here): always open for a reschedule.
const SOON = addDays(localTime(new Date(), 'Asia/Kolkata').date, 2);

describe('http/ordering: delivery updates, tracking, the courier role, order analytics', () => {
  let t: TestApp;
  let products: ProductRepository;
  let shopper: { token: string; user: { _id: string } };
  let other: { token: string; user: { _id: string } };
  let courier: { token: string; user: { _id: string } };
  let admin: string;

  before(async () => {
    t = await buildTestApp();
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    shopper = await registerUser(t);
    other = await registerUser(t);
    courier = await registerUser(t, { fullName: 'Ravi Courier', phone: '+91 90000 11111' });
    admin = await loginAdmin(t);
    const granted = await t.request({
      method: 'PUT',
      url: `/api/admin/users/${courier.user._id}/role`,
      token: admin,
      body: { role: 'courier' },
    });
    expect(granted.statusCode, granted.body).to.equal(200);
    expect(granted.json().data.user.role).to.equal('courier');
  });
  after(async () => {
    await t.close();
  });

  async function place(): Promise<{ _id: string; orderNumber: string }> {
    const p = await products.create(aProduct());
    const res = await t.request({
      method: 'POST',
      url: '/api/orders',
      token: shopper.token,
      body: { items: [{ product: p.id, quantity: 1 }], shippingAddress: ADDRESS },
    });
    expect(res.statusCode, res.body).to.equal(201);
    return res.json().data.order;
  }

  async function status(id: string, to: string) {
    const res = await t.request({
      method: 'PUT',
      url: `/api/orders/${id}/status`,
      token: admin,
      body: { status: to },
    });
    expect(res.statusCode, res.body).to.equal(200);
  }

  const deliver = (id: string, body: unknown, token = courier.token, prefix = '/api') =>
    t.request({ method: 'PUT', url: `${prefix}/orders/${id}/delivery`, token, body });

  it('a journey: out for delivery (stays shipped), failed attempt, rescheduled, out again, delivered; tracking follows', async () => {
    const order = await place();
    await status(order._id, 'confirmed');
    await status(order._id, 'processing');

    const out = await deliver(order._id, { action: 'out-for-delivery', trackingNumber: 'TRK-1' });
    expect(out.statusCode, out.body).to.equal(200);
    // out for delivery is a delivery sub-state: the storefront keeps showing `shipped`
    expect(out.json().data.order.status).to.equal('shipped');
    expect(out.json().data.order.orderStatus).to.equal('shipped');
    expect(out.json().data.tracking.deliveryState).to.equal('out_for_delivery');
    expect(out.json().data.tracking.courier).to.deep.equal({
      name: 'Ravi Courier',
      phone: '+91 90000 11111',
    });
    expect(out.json().data.tracking.trackingNumber).to.equal('TRK-1');

    const failed = await deliver(order._id, { action: 'failed-attempt', reason: 'Nobody home' });
    expect(failed.statusCode, failed.body).to.equal(200);
    const moved = await deliver(
      order._id,
      { action: 'rescheduled', date: SOON, slot: '09:00-12:00', reason: 'Customer asked' },
      admin,
      '/api/api',
    );
    expect(moved.statusCode, moved.body).to.equal(200);
    expect(moved.json().data.tracking.eta).to.deep.equal({
      date: SOON,
      slot: '09:00-12:00',
      source: 'rescheduled',
    });

    expect((await deliver(order._id, { action: 'out-for-delivery' })).statusCode).to.equal(200);
    const { payload, headers } = multipartBody([
      { name: 'file', filename: 'door.png', contentType: 'image/png', data: png(4, 3) },
    ]);
    const proof = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${order._id}/delivery/proof`,
      headers: { ...headers, authorization: `Bearer ${courier.token}` },
      payload,
    });
    expect(proof.statusCode, proof.body).to.equal(201);
    const done = await deliver(order._id, {
      action: 'delivered',
      recipientName: 'Neighbour Meera',
      proofPhotoUrl: proof.json().data.url,
    });
    expect(done.statusCode, done.body).to.equal(200);
    expect(done.json().data.order.status).to.equal('delivered');

    const tracking = await t.request({
      method: 'GET',
      url: `/api/orders/${order._id}/tracking`,
      token: shopper.token,
    });
    expect(tracking.statusCode, tracking.body).to.equal(200);
    const tr = tracking.json().data.tracking;
    expect(tr.deliveryState).to.equal('delivered');
    expect(tr.failedAttempts).to.equal(1);
    expect(tr.eta).to.equal(undefined);
    expect(tr.deliveredAt).to.be.a('string');
    expect(
      tr.timeline.map((e: { kind: string; status?: string; action?: string }) => e.status ?? e.action),
    ).to.deep.equal([
      'pending',
      'confirmed',
      'processing',
      'shipped',
      'out-for-delivery',
      'failed-attempt',
      'rescheduled',
      'out-for-delivery',
      'delivered',
      'delivered',
    ]);
    const times = tr.timeline.map((e: { at: string }) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).to.deep.equal(times);
    const last = tr.timeline.at(-1);
    expect(last).to.include({
      kind: 'delivery',
      action: 'delivered',
      recipientName: 'Neighbour Meera',
      proofPhotoUrl: proof.json().data.url,
    });

    // delivered is terminal for delivery updates too
    const again = await deliver(order._id, { action: 'failed-attempt', reason: 'x' });
    expect(again.statusCode).to.equal(409);
    expect(again.json()).to.include({
      code: 'INVALID_DELIVERY_TRANSITION',
      action: 'failed-attempt',
      status: 'delivered',
    });
  });

  it('transitions out of order answer 409 INVALID_DELIVERY_TRANSITION and change nothing', async () => {
    const order = await place();
    // pending: nothing but... nothing
    for (const body of [
      { action: 'out-for-delivery' },
      { action: 'delivered', recipientName: 'A' },
      { action: 'failed-attempt', reason: 'r' },
      { action: 'rescheduled', date: SOON, slot: '09:00-12:00', reason: 'r' },
    ]) {
      const res = await deliver(order._id, body);
      expect(res.statusCode, JSON.stringify(body)).to.equal(409);
      expect(res.json()).to.include({
        code: 'INVALID_DELIVERY_TRANSITION',
        deliveryState: 'none',
        status: 'pending',
      });
    }
    await status(order._id, 'confirmed');
    await status(order._id, 'processing');
    await status(order._id, 'shipped');
    // delivered before the courier took it out
    const early = await deliver(order._id, { action: 'delivered', recipientName: 'A' });
    expect(early.statusCode).to.equal(409);
    expect(early.json().deliveryState).to.equal('none');
    await deliver(order._id, { action: 'out-for-delivery' });
    // rescheduling while on the road: record the failed attempt first
    const onRoad = await deliver(order._id, {
      action: 'rescheduled',
      date: SOON,
      slot: '09:00-12:00',
      reason: 'r',
    });
    expect(onRoad.statusCode).to.equal(409);
    const tr = await t.request({ method: 'GET', url: `/api/orders/${order._id}/tracking`, token: admin });
    expect(tr.json().data.tracking.deliveryState).to.equal('out_for_delivery');
    expect(
      tr.json().data.tracking.timeline.filter((e: { kind: string }) => e.kind === 'delivery'),
    ).to.have.length(1);
  });

  it('parallel updates of one order: exactly one delivered wins, the timeline records it once', async () => {
    const order = await place();
    await status(order._id, 'confirmed');
    await status(order._id, 'processing');
    await deliver(order._id, { action: 'out-for-delivery' });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0
          ? deliver(order._id, { action: 'delivered', recipientName: `R${i}` })
          : deliver(order._id, { action: 'failed-attempt', reason: `F${i}` }, admin),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).to.have.length(1);
    expect(results.filter((r) => r.statusCode === 409)).to.have.length(5);
    const tr = await t.request({ method: 'GET', url: `/api/orders/${order._id}/tracking`, token: admin });
    expect(
      tr.json().data.tracking.timeline.filter((e: { kind: string }) => e.kind === 'delivery'),
    ).to.have.length(2);
  });

  it('bad input answers 400 naming the field', async () => {
    const order = await place();
    const cases: [unknown, string][] = [
      [{ action: 'teleport' }, 'action'],
      [{ action: 'delivered' }, 'recipientName'],
      [{ action: 'delivered', recipientName: 'A', proofPhotoUrl: 'javascript:alert(1)' }, 'proofPhotoUrl'],
      [{ action: 'failed-attempt' }, 'reason'],
      [{ action: 'rescheduled', reason: 'r' }, 'date'],
      [{ action: 'rescheduled', reason: 'r', date: '2099-02-30' }, 'date'],
      [{ action: 'rescheduled', reason: 'r', date: '2099-01-01', slot: '9-12' }, 'slot'],
      [{ action: 'rescheduled', reason: 'r', date: SOON }, 'slot'],
      [{ action: 'out-for-delivery', reason: 'why' }, 'reason'],
      [{ action: 'out-for-delivery', extra: 1 }, 'extra'],
    ];
    await status(order._id, 'confirmed');
    for (const [body, field] of cases) {
      const res = await deliver(order._id, body, admin);
      expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).to.equal(400);
      expect(res.body, JSON.stringify(body)).to.contain(field);
    }
    const badId = await deliver('not-an-id', { action: 'out-for-delivery' });
    expect(badId.statusCode).to.equal(400);
    const badTrackingId = await t.request({
      method: 'GET',
      url: '/api/orders/nope/tracking',
      token: shopper.token,
    });
    expect(badTrackingId.statusCode).to.equal(400);
  });

  it('401 without a token; 403 for a shopper on delivery updates; 404 for an unknown order', async () => {
    const order = await place();
    expect(
      (
        await t.request({
          method: 'PUT',
          url: `/api/orders/${order._id}/delivery`,
          body: { action: 'out-for-delivery' },
        })
      ).statusCode,
    ).to.equal(401);
    expect(
      (await t.request({ method: 'GET', url: `/api/orders/${order._id}/tracking` })).statusCode,
    ).to.equal(401);
    const shopperTry = await deliver(order._id, { action: 'out-for-delivery' }, shopper.token);
    expect(shopperTry.statusCode).to.equal(403);
    expect((await deliver(testId(), { action: 'out-for-delivery' })).statusCode).to.equal(404);
    expect(
      (await t.request({ method: 'GET', url: `/api/orders/${testId()}/tracking`, token: admin })).statusCode,
    ).to.equal(404);
  });

  it("another user's order is 404 on tracking, like GET /orders/:id; a courier and an admin read any order's", async () => {
    const order = await place();
    const theirs = await t.request({
      method: 'GET',
      url: `/api/orders/${order._id}/tracking`,
      token: other.token,
    });
    expect(theirs.statusCode).to.equal(404);
    expect(theirs.json().code).to.equal('ORDER_NOT_FOUND');
    expect(
      (await t.request({ method: 'GET', url: `/api/orders/${order._id}`, token: other.token })).statusCode,
    ).to.equal(404);
    for (const token of [courier.token, admin, shopper.token]) {
      const res = await t.request({ method: 'GET', url: `/api/api/orders/${order._id}/tracking`, token });
      expect(res.statusCode, res.body).to.equal(200);
      expect(res.json().data.tracking.eta.source).to.equal('estimate');
      expect(res.json().data.tracking.deliveryState).to.equal('none');
    }
    // by order number too
    const byNumber = await t.request({
      method: 'GET',
      url: `/api/orders/${order.orderNumber}/tracking`,
      token: shopper.token,
    });
    expect(byNumber.statusCode).to.equal(200);
  });

  it('a courier can update deliveries but nothing else admin', async () => {
    const order = await place();
    const routes: { method: 'GET' | 'PUT'; url: string; body?: unknown }[] = [
      { method: 'PUT', url: `/api/orders/${order._id}/status`, body: { status: 'confirmed' } },
      { method: 'GET', url: '/api/orders/admin/all' },
      { method: 'GET', url: '/api/orders/analytics' },
      { method: 'GET', url: '/api/admin/test' },
      { method: 'PUT', url: `/api/admin/users/${courier.user._id}/role`, body: { role: 'admin' } },
    ];
    for (const r of routes) {
      const res = await t.request({ ...r, token: courier.token });
      expect(res.statusCode, r.url).to.equal(403);
    }
  });

  it('roles are granted only by an admin: registration cannot carry one, a bad role is 400', async () => {
    const reg = await t.request({
      method: 'POST',
      url: '/api/auth/register',
      body: {
        fullName: 'Sneaky',
        email: `sneaky${Date.now()}@example.com`,
        password: 'secret-pass',
        role: 'courier',
      },
    });
    if (reg.statusCode === 201) expect(reg.json().data.user.role).to.equal('user');
    else expect(reg.statusCode).to.equal(400);
    const bad = await t.request({
      method: 'PUT',
      url: `/api/admin/users/${other.user._id}/role`,
      token: admin,
      body: { role: 'superuser' },
    });
    expect(bad.statusCode).to.equal(400);
    expect(bad.body).to.contain('role');
    const missing = await t.request({
      method: 'PUT',
      url: `/api/admin/users/${testId()}/role`,
      token: admin,
      body: { role: 'courier' },
    });
    expect(missing.statusCode).to.equal(404);
  });

  describe('GET /orders/analytics', () => {
    it('counts and value by status and by day; not captured by /orders/:id, under /api/api too', async () => {
      const a = await place();
      await place();
      await status(a._id, 'cancelled');
      const today = new Date().toISOString().slice(0, 10);
      for (const prefix of ['/api', '/api/api']) {
        const res = await t.request({
          method: 'GET',
          url: `${prefix}/orders/analytics?period=day&from=${today}&to=${today}`,
          token: admin,
        });
        expect(res.statusCode, res.body).to.equal(200);
        const data = res.json().data;
        expect(data.period).to.equal('day');
        expect(data.byPeriod).to.have.length(1);
        expect(data.byPeriod[0].start).to.equal(today);
        expect(data.byPeriod[0].count).to.equal(data.count);
        const cancelled = data.byStatus.find((s: { status: string }) => s.status === 'cancelled');
        const pending = data.byStatus.find((s: { status: string }) => s.status === 'pending');
        expect(cancelled.count).to.be.at.least(1);
        expect(pending.count).to.be.at.least(1);
        expect(data.count).to.equal(
          data.byStatus.reduce((s: number, f: { count: number }) => s + f.count, 0),
        );
        expect(data.value).to.be.greaterThan(0);
      }
    });

    it('weeks and months; bounded range; from after to; bad period; 401/403', async () => {
      const week = await t.request({
        method: 'GET',
        url: '/api/orders/analytics?period=week&from=2026-01-01&to=2026-01-31',
        token: admin,
      });
      expect(week.statusCode, week.body).to.equal(200);
      expect(week.json().data.byPeriod.map((p: { start: string }) => p.start)).to.deep.equal([
        '2025-12-29',
        '2026-01-05',
        '2026-01-12',
        '2026-01-19',
        '2026-01-26',
      ]);
      const month = await t.request({
        method: 'GET',
        url: '/api/orders/analytics?period=month',
        token: admin,
      });
      expect(month.statusCode).to.equal(200);
      expect(month.json().data.byPeriod).to.have.length(12);
      const tooLong = await t.request({
        method: 'GET',
        url: '/api/orders/analytics?period=day&from=2020-01-01&to=2026-01-01',
        token: admin,
      });
      expect(tooLong.statusCode).to.equal(400);
      expect(tooLong.json().errors[0].field).to.equal('from');
      const reversed = await t.request({
        method: 'GET',
        url: '/api/orders/analytics?from=2026-02-01&to=2026-01-01',
        token: admin,
      });
      expect(reversed.statusCode).to.equal(400);
      expect(reversed.json().errors[0].field).to.equal('from');
      const badPeriod = await t.request({
        method: 'GET',
        url: '/api/orders/analytics?period=year',
        token: admin,
      });
      expect(badPeriod.statusCode).to.equal(400);
      expect(badPeriod.body).to.contain('period');
      const badDate = await t.request({
        method: 'GET',
        url: '/api/orders/analytics?from=yesterday',
        token: admin,
      });
      expect(badDate.statusCode).to.equal(400);
      expect(badDate.body).to.contain('from');
      expect((await t.request({ method: 'GET', url: '/api/orders/analytics' })).statusCode).to.equal(401);
      expect(
        (await t.request({ method: 'GET', url: '/api/orders/analytics', token: shopper.token })).statusCode,
      ).to.equal(403);
    });
  });
});
