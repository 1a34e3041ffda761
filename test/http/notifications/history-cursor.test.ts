import { expect } from 'chai';
import {
  NOTIFICATION_REPOSITORY,
  type NotificationRepository,
} from '../../../application/notifications/ports.js';
import { newNotification } from '../../../domain/notifications/notification.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { FIXED_NOW, testId } from '../../support/kit.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

describe('http/notifications GET /history with a cursor (beside page/limit)', () => {
  let t: TestApp;
  let repo: NotificationRepository;
  let admin: string;
  let shopper: { token: string; userId: string };
  let other: { token: string; userId: string };

  const sms = (userId: string) =>
    newNotification({
      id: testId(),
      userId,
      type: 'sms',
      subject: '',
      content: 'Your bouquet is on its way',
      recipient: '+15550100',
      metadata: { category: 'transactional' },
      // one instant for all: only the id orders them
      now: FIXED_NOW,
    });

  const get = async (query: string, token: string) => {
    const res = await t.request({ method: 'GET', url: `/api/notifications/history?${query}`, token });
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    t = await buildTestApp();
    repo = t.container.get<NotificationRepository>(NOTIFICATION_REPOSITORY);
    admin = await loginAdmin(t);
    const a = await registerUser(t);
    const b = await registerUser(t);
    shopper = { token: a.token, userId: a.user._id };
    other = { token: b.token, userId: b.user._id };
    for (let i = 0; i < 7; i += 1) await repo.create(sms(shopper.userId));
    await repo.create(sms(other.userId));
  });
  after(async () => t.close());

  it('a shopper walks their own history once, in the page/limit order, while one is sent; page answers unchanged', async () => {
    const paged = await get('type=sms&limit=100', shopper.token);
    expect(paged.status).to.equal(200);
    expect(paged.body).to.not.have.property('nextCursor');
    expect(paged.body).to.deep.include({ count: 7, total: 7, page: 1, pages: 1 });
    const all = paged.body.data.notifications.map((n: any) => n._id);
    const walked: string[] = [];
    let cursor = '';
    for (let n = 0; n < 10; n += 1) {
      const res = await t.request({
        method: 'GET',
        url: `/api/api/notifications/history?type=sms&limit=3&cursor=${cursor}`,
        token: shopper.token,
      });
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body).to.deep.include({ page: 0, total: 7 + Math.min(n, 1) });
      walked.push(...body.data.notifications.map((x: any) => x._id));
      // sent mid-walk: newer than the position, so the later pages do not shift
      if (n === 0)
        await repo.create({ ...sms(shopper.userId), createdAt: new Date(FIXED_NOW.getTime() + 60_000) });
      if (body.nextCursor === null) break;
      cursor = body.nextCursor;
    }
    expect(walked).to.deep.equal(all);
  });

  it('an admin walks one user by cursor; tampered, other-filter, other-shopper cursors and page with cursor answer 400', async () => {
    const all = (await get(`type=sms&userId=${shopper.userId}&limit=100`, admin)).body.data.notifications.map(
      (n: any) => n._id,
    );
    const walked: string[] = [];
    let cursor = '';
    for (let n = 0; n < 20 && cursor !== null; n += 1) {
      const { status, body } = await get(`type=sms&userId=${shopper.userId}&limit=2&cursor=${cursor}`, admin);
      expect(status).to.equal(200);
      walked.push(...body.data.notifications.map((x: any) => x._id));
      cursor = body.nextCursor;
    }
    expect(walked).to.deep.equal(all);

    const first = (await get('type=sms&limit=2&cursor=', shopper.token)).body.nextCursor as string;
    expect(first).to.be.a('string');
    for (const [query, token] of [
      [`type=sms&limit=2&cursor=${first.slice(0, -1)}`, shopper.token],
      [`type=email&limit=2&cursor=${first}`, shopper.token],
      [`type=sms&limit=2&cursor=${first}`, other.token],
    ] as const) {
      const res = await get(query, token);
      expect([res.status, res.body.code], query).to.deep.equal([400, 'INVALID_CURSOR']);
    }
    const both = await get('page=1&cursor=', shopper.token);
    expect(both.status).to.equal(400);
    expect(JSON.stringify(both.body)).to.include('cursor');
  });
});
