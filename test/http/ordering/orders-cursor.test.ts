import { expect } from 'chai';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { anOrder, FIXED_NOW } from '../../support/kit.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

describe('http/ordering order lists with a cursor (beside the plain and page/limit answers)', () => {
  let t: TestApp;
  let orders: OrderRepository;
  let shopper: { token: string; userId: string };
  let adminToken: string;

  const get = async (url: string, token: string) => {
    const res = await t.request({ method: 'GET', url, token });
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    t = await buildTestApp();
    orders = t.container.get<OrderRepository>(ORDER_REPOSITORY);
    adminToken = await loginAdmin(t);
    const registered = await registerUser(t);
    shopper = { token: registered.token, userId: registered.user._id };
    // Seven orders at one instant: only the id orders them.
    for (let i = 0; i < 7; i++) {
      (await orders.create(anOrder({ userId: shopper.userId, now: FIXED_NOW }), [])).unwrap();
    }
  });
  after(async () => {
    await t.close();
  });

  it('GET /orders/my-orders: all orders without a cursor (no nextCursor); by cursor each once, in the same order', async () => {
    const plain = (await get('/api/orders/my-orders', shopper.token)).body;
    expect(plain).not.to.have.property('nextCursor');
    const all = plain.data.orders.map((o: any) => o._id);
    expect(all).to.have.length(7);
    const walked: string[] = [];
    let cursor = '';
    for (let n = 0; n < 10; n++) {
      const { status, body } = await get(`/api/api/orders/my-orders?limit=3&cursor=${cursor}`, shopper.token);
      expect(status).to.equal(200);
      expect(body.count).to.be.at.most(3);
      walked.push(...body.data.orders.map((o: any) => o._id));
      if (body.nextCursor === null) break;
      cursor = body.nextCursor;
    }
    expect(walked).to.deep.equal(all);
    const tampered = await get(`/api/orders/my-orders?cursor=${cursor.slice(1)}`, shopper.token);
    expect([tampered.status, tampered.body.code]).to.deep.equal([400, 'INVALID_CURSOR']);
  });

  it('admin list: page/limit unchanged, cursor pages beside the pagination, page with cursor a 400', async () => {
    const paged = (await get('/api/admin/orders?limit=100', adminToken)).body;
    expect(paged.data).not.to.have.property('nextCursor');
    expect(paged.data.pagination.page).to.equal(1);
    const all = paged.data.orders.map((o: any) => o._id);
    const walked: string[] = [];
    let cursor = '';
    for (let n = 0; n < 10; n++) {
      const { status, body } = await get(`/api/orders/admin/all?limit=2&cursor=${cursor}`, adminToken);
      expect(status).to.equal(200);
      expect(body.data.pagination.total).to.equal(all.length);
      walked.push(...body.data.orders.map((o: any) => o._id));
      if (body.data.nextCursor === null) break;
      cursor = body.data.nextCursor;
    }
    expect(walked).to.deep.equal(all);
    const first = (await get('/api/admin/orders?limit=2&cursor=', adminToken)).body.data.nextCursor;
    const otherFilter = await get(`/api/admin/orders?limit=2&status=shipped&cursor=${first}`, adminToken);
    expect([otherFilter.status, otherFilter.body.code]).to.deep.equal([400, 'INVALID_CURSOR']);
    // A cursor of the admin list is not one of the shopper's list either.
    const mine = await get(`/api/orders/my-orders?cursor=${first}`, shopper.token);
    expect([mine.status, mine.body.code]).to.deep.equal([400, 'INVALID_CURSOR']);
    const both = await get('/api/admin/orders?page=1&cursor=', adminToken);
    expect(both.status).to.equal(400);
    expect(JSON.stringify(both.body)).to.include('cursor');
  });
});
