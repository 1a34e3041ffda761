import { expect } from 'chai';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';

async function waitForStatus(t: TestApp, token: string, id: string, status: string) {
  for (;;) {
    const res = await t.request({ method: 'GET', url: `/api/notifications/${id}`, token });
    expect(res.statusCode, res.body).to.equal(200);
    if (res.json().data.notification.status === status) return res.json().data.notification;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('http/notifications: /api/notifications', () => {
  let t: TestApp;
  let admin: string;
  let shopper: Awaited<ReturnType<typeof registerUser>>;
  let other: Awaited<ReturnType<typeof registerUser>>;

  before(async () => {
    t = await buildTestApp({ NOTIFICATION_BACKOFF_MS: '1' });
    admin = await loginAdmin(t);
    shopper = await registerUser(t, { phone: '+91 98450 12345' });
    other = await registerUser(t);
  });
  after(async () => {
    await t.close();
  });

  it('POST /email with a template to a user: 202 pending, then sent; the shopper sees it in their history', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/notifications/email',
      token: admin,
      body: { to: shopper.user._id, template: 'welcome', variables: { name: 'Asha' } },
    });
    expect(res.statusCode, res.body).to.equal(202);
    const n = res.json().data.notification;
    expect(n).to.deep.include({
      type: 'email',
      template: 'welcome',
      recipient: shopper.user.email,
      userId: shopper.user._id,
    });
    expect(n.status).to.be.oneOf(['pending', 'sent']);
    const sent = await waitForStatus(t, shopper.token, n._id, 'sent');
    expect(sent.sentAt).to.be.a('string');
    const history = await t.request({
      method: 'GET',
      url: '/api/notifications/history',
      token: shopper.token,
    });
    expect(history.statusCode).to.equal(200);
    expect(history.json().data.notifications.map((x: { _id: string }) => x._id)).to.include(n._id);
  });

  it('POST /email custom to a bare address, and POST /sms to a user, served under /api/api too', async () => {
    const mail = await t.request({
      method: 'POST',
      url: '/api/api/notifications/email',
      token: admin,
      body: { email: 'guest@example.com', subject: 'Hello', body: 'Your bouquet is ready' },
    });
    expect(mail.statusCode, mail.body).to.equal(202);
    expect(mail.json().data.notification).to.deep.include({
      recipient: 'guest@example.com',
      subject: 'Hello',
    });
    expect(mail.json().data.notification.userId).to.equal(undefined);
    const sms = await t.request({
      method: 'POST',
      url: '/api/notifications/sms',
      token: admin,
      body: {
        to: shopper.user._id,
        template: 'order-update',
        variables: { name: 'A', orderNumber: 'AF-1', message: 'Hi' },
      },
    });
    expect(sms.statusCode, sms.body).to.equal(202);
    // smsNotifications is off by default: recorded, not sent (README: which messages need which preference).
    expect(sms.json().data.notification).to.deep.include({
      type: 'sms',
      recipient: '+91 98450 12345',
      status: 'failed',
      lastError: 'opted-out',
    });
    const on = await t.request({
      method: 'PUT',
      url: '/api/auth/preferences',
      token: shopper.token,
      body: { smsNotifications: true },
    });
    expect(on.statusCode, on.body).to.equal(200);
    const again = await t.request({
      method: 'POST',
      url: '/api/notifications/sms',
      token: admin,
      body: {
        to: shopper.user._id,
        template: 'order-update',
        variables: { name: 'A', orderNumber: 'AF-1', message: 'Hi' },
      },
    });
    expect(again.statusCode, again.body).to.equal(202);
    await waitForStatus(t, admin, again.json().data.notification._id, 'sent');
  });

  it('bad input answers 400 naming the field; a user without a phone 422', async () => {
    const post = (url: string, body: object) => t.request({ method: 'POST', url, token: admin, body });
    const fieldOf = async (url: string, body: object) => {
      const res = await post(url, body);
      expect(res.statusCode, res.body).to.equal(400);
      return res.json().errors?.[0]?.field ?? res.json().message;
    };
    expect(
      await fieldOf('/api/notifications/email', { email: 'a@b.co', template: 'welcome', variables: {} }),
    ).to.equal('variables.name');
    expect(
      await fieldOf('/api/notifications/email', {
        to: shopper.user._id,
        email: 'a@b.co',
        body: 'x',
        subject: 'y',
      }),
    ).to.equal('to');
    expect(await fieldOf('/api/notifications/email', { email: 'a@b.co', body: 'no subject' })).to.equal(
      'subject',
    );
    expect(
      await fieldOf('/api/notifications/email', {
        email: 'a@b.co',
        template: 'welcome',
        variables: { name: 'A', x: 1 },
      }),
    ).to.equal('variables.x');
    expect(
      (await post('/api/notifications/email', { email: 'not-mail', body: 'x', subject: 'y' })).statusCode,
    ).to.equal(400);
    expect(
      (await post('/api/notifications/email', { email: 'a@b.co', template: 'nope' })).json().code,
    ).to.equal('TEMPLATE_NOT_FOUND');
    expect((await post('/api/notifications/sms', { to: other.user._id, body: 'Hi' })).statusCode).to.equal(
      422,
    );
    const q = await t.request({ method: 'GET', url: '/api/notifications/history?status=lost', token: admin });
    expect(q.statusCode).to.equal(400);
    expect(q.body).to.include('status');
  });

  it('401 without a token, 403 for a shopper on admin routes', async () => {
    expect(
      (await t.request({ method: 'POST', url: '/api/notifications/email', body: {} })).statusCode,
    ).to.equal(401);
    expect((await t.request({ method: 'GET', url: '/api/notifications/history' })).statusCode).to.equal(401);
    const asShopper = await t.request({
      method: 'POST',
      url: '/api/notifications/sms',
      token: shopper.token,
      body: { phone: '+15550100', body: 'x' },
    });
    expect(asShopper.statusCode).to.equal(403);
    expect(
      (await t.request({ method: 'GET', url: '/api/notifications/templates', token: shopper.token }))
        .statusCode,
    ).to.equal(403);
  });

  it("another user's notification answers 404; a shopper's userId filter on someone else is ignored", async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/notifications/email',
      token: admin,
      body: { to: other.user._id, subject: 'Private', body: 'For other only' },
    });
    const id = res.json().data.notification._id;
    const peek = await t.request({ method: 'GET', url: `/api/notifications/${id}`, token: shopper.token });
    expect(peek.statusCode).to.equal(404);
    expect(peek.json().code).to.equal('NOTIFICATION_NOT_FOUND');
    expect(
      (await t.request({ method: 'GET', url: `/api/notifications/${id}`, token: other.token })).statusCode,
    ).to.equal(200);
    const filtered = await t.request({
      method: 'GET',
      url: `/api/notifications/history?userId=${other.user._id}`,
      token: shopper.token,
    });
    expect(filtered.statusCode).to.equal(200);
    const ids = filtered.json().data.notifications.map((x: { _id: string; userId: string }) => x.userId);
    expect(ids).to.not.include(other.user._id);
    expect(new Set(ids)).to.deep.equal(new Set([shopper.user._id]));
  });

  it('admin history filters by user, type and status, with paging', async () => {
    const res = await t.request({
      method: 'GET',
      url: `/api/notifications/history?userId=${shopper.user._id}&type=sms&page=1&limit=1`,
      token: admin,
    });
    expect(res.statusCode, res.body).to.equal(200);
    const body = res.json();
    expect(body.total).to.equal(2); // the opted-out SMS and the one sent
    expect(body.data.notifications[0]).to.deep.include({ type: 'sms', userId: shopper.user._id });
    const all = await t.request({
      method: 'GET',
      url: '/api/notifications/history?limit=2&page=1',
      token: admin,
    });
    expect(all.json().count).to.equal(2);
    expect(all.json().total).to.be.greaterThan(2);
    const future = await t.request({
      method: 'GET',
      url: '/api/notifications/history?from=2999-01-01T00:00:00.000Z',
      token: admin,
    });
    expect(future.json().total).to.equal(0);
  });

  it('GET /templates lists every template with its variables and a rendered preview', async () => {
    const res = await t.request({ method: 'GET', url: '/api/notifications/templates', token: admin });
    expect(res.statusCode, res.body).to.equal(200);
    const templates = res.json().data.templates as {
      name: string;
      preview: Record<string, { text: string }>;
      variables: object;
    }[];
    const reset = templates.find((x) => x.name === 'password-reset')!;
    expect(reset.variables).to.have.keys('name', 'resetUrl', 'validMinutes');
    expect(reset.preview.email!.text).to.include('Asha Rao');
    expect(templates.map((x) => x.name)).to.include.members(['custom', 'newsletter', 'order-placed']);
  });
});
