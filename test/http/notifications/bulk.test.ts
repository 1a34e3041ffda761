import { expect } from 'chai';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';

describe('http/notifications: POST /api/notifications/bulk and GET /api/notifications/bulk/:id', () => {
  describe('memory, in-process queue', () => bulkRoutes(() => ({})));
  describeWith(['mongo', 'redis'], 'MongoDB, BullMQ on Redis', () =>
    bulkRoutes(() => ({ MONGODB_URI: mongoTestUri('bulk-routes'), REDIS_URL: serviceUrl('redis') })),
  );
});

function bulkRoutes(env: () => Record<string, string>): void {
  let t: TestApp;
  let admin: string;

  before(async () => {
    t = await buildTestApp({ NOTIFICATION_BACKOFF_MS: '1', ...env() });
    admin = await loginAdmin(t);
  });
  after(async () => {
    await t.close();
  });

  const post = (body: object, token = admin, prefix = '/api') =>
    t.request({ method: 'POST', url: `${prefix}/notifications/bulk`, token, body, sign: true });

  it('a list of users with one opted out: 202 at once, then completed with the right counts (under /api/api too)', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => registerUser(t)));
    const off = await t.request({
      method: 'PUT',
      url: '/api/auth/preferences',
      token: users[0]!.token,
      body: { newsletter: false },
    });
    expect(off.statusCode, off.body).to.equal(200);
    const res = await post(
      {
        segment: { kind: 'users', ids: users.map((u) => u.user._id) },
        channel: 'email',
        template: 'newsletter',
        variables: { headline: 'Spring', body: 'Tulips' },
      },
      admin,
      '/api/api',
    );
    expect(res.statusCode, res.body).to.equal(202);
    const bulk = res.json().data.bulk;
    expect(bulk).to.deep.include({
      channel: 'email',
      total: 4,
      segment: { kind: 'users', ids: users.map((u) => u.user._id) },
    });
    let progress;
    for (;;) {
      const got = await t.request({
        method: 'GET',
        url: `/api/notifications/bulk/${bulk._id}`,
        token: admin,
      });
      expect(got.statusCode, got.body).to.equal(200);
      progress = got.json().data.bulk;
      expect(progress.status).to.be.oneOf(['queued', 'running', 'completed']);
      if (progress.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(progress).to.deep.include({ total: 4, completed: 3, failed: 1, pending: 0, percentage: 100 });
    const viaApiApi = await t.request({
      method: 'GET',
      url: `/api/api/notifications/bulk/${bulk._id}`,
      token: admin,
    });
    expect(viaApiApi.json().data.bulk.completed).to.equal(3);
    const history = await t.request({
      method: 'GET',
      url: `/api/notifications/history?userId=${users[0]!.user._id}`,
      token: admin,
    });
    expect(history.json().data.notifications[0]).to.deep.include({
      status: 'failed',
      lastError: 'opted-out',
    });
    expect(history.json().data.notifications[0].metadata).to.deep.include({
      bulkId: bulk._id,
      skipped: 'opted-out',
    });
  });

  it('bad input answers 400 naming the field; a shopper 403; an unknown bulk 404', async () => {
    const fieldOf = async (body: object) => {
      const res = await post(body);
      expect(res.statusCode, res.body).to.equal(400);
      return String(res.json().errors?.[0]?.field).replace(/^body\./, '');
    };
    const message = { channel: 'email', template: 'newsletter', variables: { headline: 'a', body: 'b' } };
    expect(await fieldOf({ ...message, segment: { kind: 'preference' } })).to.equal('segment.preference');
    expect(await fieldOf({ ...message, segment: { kind: 'tier' } })).to.equal('segment.tier');
    expect(await fieldOf({ ...message, segment: { kind: 'tier', tier: 'platinum' } })).to.equal(
      'segment.tier',
    );
    expect(await fieldOf({ ...message, segment: { kind: 'users', ids: [] } })).to.equal('segment.ids');
    expect(await fieldOf({ ...message, segment: { kind: 'everyone' } })).to.equal('segment.kind');
    expect(await fieldOf({ ...message, channel: 'fax', segment: { kind: 'all' } })).to.equal('channel');
    expect(await fieldOf({ ...message, variables: { headline: 'a' }, segment: { kind: 'all' } })).to.equal(
      'variables.body',
    );
    expect(await fieldOf({ channel: 'email', segment: { kind: 'all' } })).to.equal('template');
    const shopper = await registerUser(t);
    expect((await post({ ...message, segment: { kind: 'all' } }, shopper.token)).statusCode).to.equal(403);
    const missing = await t.request({ method: 'GET', url: '/api/notifications/bulk/nope', token: admin });
    expect(missing.statusCode).to.equal(404);
    const bad = await t.request({ method: 'GET', url: '/api/notifications/bulk/no%20pe', token: admin });
    expect(bad.statusCode).to.equal(400);
  });
}
