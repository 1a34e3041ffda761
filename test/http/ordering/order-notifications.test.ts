import { expect } from 'chai';
import {
  PUSH_SUBSCRIPTION_STORE,
  type PushSubscriptionStore,
} from '../../../application/notifications/channels.js';
import { USER_REPOSITORY, type UserRepository } from '../../../application/identity/ports.js';
import { placeOrder } from '../payments/kit.js';
import { notificationsSettled } from '../../support/notifications.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';

describe('http/ordering: POST /api/orders/:id/notifications (admin)', () => {
  let t: TestApp;
  let admin: string;
  let shopper: Awaited<ReturnType<typeof registerUser>>;
  let order: { _id: string; orderNumber: string };

  const send = (body: unknown, token: string | undefined = admin, id = order._id, prefix = '/api') =>
    t.request({ method: 'POST', url: `${prefix}/orders/${id}/notifications`, token, body });

  before(async () => {
    t = await buildTestApp({ NOTIFICATION_BACKOFF_MS: '1' });
    admin = await loginAdmin(t);
    shopper = await registerUser(t, { fullName: 'Meera Iyer' });
    order = await placeOrder(t, shopper.token);
  });
  after(async () => t.close());

  it('202: queued on email, each channel the customer cannot receive reported (no phone, no push); a repeated channel once', async () => {
    const res = await send({
      channels: ['email', 'sms', 'push', 'email'],
      message: 'Your lilies are swapped for <white> roses.',
    });
    expect(res.statusCode, res.body).to.equal(202);
    const outcomes = res.json().data.notifications;
    expect(outcomes.map((o: { channel: string; status: string }) => [o.channel, o.status])).to.deep.equal([
      ['email', 'queued'],
      ['sms', 'unreachable'],
      ['push', 'unreachable'],
    ]);
    expect(outcomes[1].reason).to.match(/phone/);
    expect(outcomes[2].reason).to.match(/push subscription/);

    await notificationsSettled(t);
    const stored = await t.request({
      method: 'GET',
      url: `/api/notifications/${outcomes[0].notificationId}`,
      token: shopper.token,
    });
    expect(stored.statusCode, stored.body).to.equal(200);
    const n = stored.json().data.notification;
    expect(n).to.deep.include({ type: 'email', template: 'order-update', status: 'sent' });
    expect(n.subject).to.equal(`About your Amour Florals order ${order.orderNumber}`);
    expect(n.content).to.contain('Hello Meera Iyer,');
    expect(n.content).to.contain('Your lilies are swapped for <white> roses.');
    expect(n.metadata).to.deep.include({ category: 'transactional', orderId: order._id });
    expect(n.metadata.requestedBy).to.be.a('string');
  });

  it('sms and push go when the customer has a phone and a push subscription; by order number and under /api/api too', async () => {
    const users = t.container.get<UserRepository>(USER_REPOSITORY);
    const user = (await users.findById(shopper.user._id))!;
    await users.update({ ...user, phone: '+91 98450 12345' });
    await t.container.get<PushSubscriptionStore>(PUSH_SUBSCRIPTION_STORE).save(
      user.id,
      {
        endpoint: 'https://push.example.test/sub/1',
        keys: { p256dh: 'BPk', auth: 'x' },
      } as never,
      new Date(),
    );
    const res = await send(
      { channels: ['sms', 'push'], message: 'On its way soon' },
      admin,
      order.orderNumber,
      '/api/api',
    );
    expect(res.statusCode, res.body).to.equal(202);
    expect(res.json().data.notifications.map((o: { status: string }) => o.status)).to.deep.equal([
      'queued',
      'queued',
    ]);
  });

  it('401 without a token, 403 for a shopper (even the owner), 404 for an unknown order', async () => {
    const body = { channels: ['email'], message: 'x' };
    expect(
      (await t.request({ method: 'POST', url: `/api/orders/${order._id}/notifications`, body })).statusCode,
    ).to.equal(401);
    expect((await send(body, shopper.token)).statusCode).to.equal(403);
    const missing = await send(body, admin, 'f'.repeat(24));
    expect(missing.statusCode).to.equal(404);
    expect(missing.json().code).to.equal('ORDER_NOT_FOUND');
  });

  it('400 naming the field: no channel, an unknown channel, an unknown field, a template missing its variable, an unknown template', async () => {
    const field = async (body: unknown) => {
      const res = await send(body);
      expect(res.statusCode, res.body).to.equal(400);
      return JSON.stringify(res.json());
    };
    expect(await field({ channels: [] })).to.contain('channels');
    expect(await field({ channels: ['fax'], message: 'x' })).to.contain('channels');
    expect(await field({ channels: ['email'], message: 'x', extra: 1 })).to.contain('extra');
    expect(await field({ channels: ['email'] })).to.contain('variables.message');
    expect(await field({ channels: ['email'], template: 'no-such-template', message: 'x' })).to.contain(
      'template',
    );
    expect(await field({ channels: ['email'], message: 'x'.repeat(1001) })).to.contain('message');
  });
});
