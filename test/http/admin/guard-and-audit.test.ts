import { expect } from 'chai';
import { USER_REPOSITORY, type UserRepository } from '../../../application/identity/ports.js';
import { CreateAdmin, SetUserActive } from '../../../application/identity/admin-accounts.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { expiredToken, foreignToken } from '../identity/helpers.js';

interface Activity {
  _id: string;
  user: string | null;
  action: string;
  resource: string;
  success: boolean;
  ipAddress: string;
  userAgent: string;
  details: { endpoint: string; method: string; statusCode?: number; reason?: string; userRole?: string };
  errorMessage: string | null;
  timestamp: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
const PATHS = ['/api/admin/test', '/api/admin/activity-logs', '/api/admin/test-sensitive'];

describe('http/admin: guard and audit trail (compat 8, rules 11-15)', () => {
  let t: TestApp;
  let adminToken: string;
  let adminId: string;

  before(async () => {
    t = await buildTestApp();
    adminToken = await loginAdmin(t);
    adminId = (await t.request({ method: 'GET', url: '/api/auth/me', token: adminToken })).json().user._id;
  });
  after(async () => {
    await t.close();
  });

  async function activities(): Promise<Activity[]> {
    const res = await t.request({
      method: 'GET',
      url: '/api/admin/activity-logs?limit=200',
      token: adminToken,
    });
    expect(res.statusCode).to.equal(200);
    return res.json().data.activities;
  }

  /** Sends one request and answers the response and the audit entry it produced. */
  async function auditedRequest(options: Parameters<TestApp['request']>[0]) {
    const ua = `audit-test-${Math.random().toString(16).slice(2)}`;
    const started = Date.now();
    const res = await t.request({ ...options, headers: { ...options.headers, 'user-agent': ua } });
    const ended = Date.now();
    const entries = (await activities()).filter((a) => a.userAgent === ua);
    expect(entries, `one audit entry for ${options.method} ${options.url}`).to.have.length(1);
    const entry = entries[0]!;
    const at = Date.parse(entry.timestamp);
    expect(at).to.be.within(started, ended);
    return { res, entry };
  }

  /** A separate admin account we can deactivate or delete. */
  async function extraAdmin(): Promise<{ id: string; token: string }> {
    const email = `extra.admin.${Date.now()}.${Math.random().toString(16).slice(2)}@example.com`;
    const created = await t.container
      .get(CreateAdmin)
      .execute({ email, fullName: 'Extra Admin', password: 'extra-pass-1' });
    const id = created.unwrap().user.id;
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email, password: 'extra-pass-1' },
    });
    return { id, token: res.json().token };
  }

  it('rule 11: GET /api/admin/test with an admin token: 200, success, data.user.id and role', async () => {
    const res = await t.request({ method: 'GET', url: '/api/admin/test', token: adminToken });
    expect(res.statusCode).to.equal(200);
    expect(res.json().status).to.equal('success');
    expect(res.json().data.user).to.include({ id: adminId, role: 'admin' });
  });

  it('rule 12: a shopper token is 403 User does not have admin privileges', async () => {
    const { token } = await registerUser(t);
    const res = await t.request({ method: 'GET', url: '/api/admin/test', token });
    expect(res.statusCode).to.equal(403);
    expect(res.json().status).to.equal('error');
    expect(res.json().message).to.contain('User does not have admin privileges');
  });

  describe('rule 13: bad tokens are 401 Not authorized', () => {
    const variants: [string, () => Record<string, string>][] = [
      ['no header', () => ({})],
      ['empty header', () => ({ authorization: '' })],
      ['"Bearer " only', () => ({ authorization: 'Bearer ' })],
      ['malformed', () => ({ authorization: 'Bearer a.b' })],
      ['random', () => ({ authorization: 'Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0' })],
      ['not a bearer', () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })],
      ['badly signed', () => ({ authorization: `Bearer ${foreignToken(adminId)}` })],
      ['expired', () => ({ authorization: `Bearer ${expiredToken(adminId)}` })],
    ];
    for (const [name, headers] of variants) {
      it(name, async () => {
        const res = await t.request({ method: 'GET', url: '/api/admin/test', headers: headers() });
        expect(res.statusCode).to.equal(401);
        expect(res.json().status).to.equal('error');
        expect(res.json().message).to.contain('Not authorized');
      });
    }

    it('a deactivated admin: 401 deactivated', async () => {
      const extra = await extraAdmin();
      await t.container.get(SetUserActive).execute({ userId: extra.id, isActive: false });
      const res = await t.request({ method: 'GET', url: '/api/admin/test', token: extra.token });
      expect(res.statusCode).to.equal(401);
      expect(res.json().message).to.contain('deactivated');
    });

    it('a deleted admin: 401 no longer exists', async () => {
      const extra = await extraAdmin();
      await t.container.get<UserRepository>(USER_REPOSITORY).delete(extra.id);
      const res = await t.request({ method: 'GET', url: '/api/admin/test', token: extra.token });
      expect(res.statusCode).to.equal(401);
      expect(res.json().message).to.contain('no longer exists');
    });
  });

  it('rule 14: DELETE /api/admin/test-sensitive needs X-Admin-Confirmation: confirmed', async () => {
    const without = await t.request({
      method: 'DELETE',
      url: '/api/admin/test-sensitive',
      token: adminToken,
    });
    expect(without.statusCode).to.equal(400);
    expect(without.json().requiresConfirmation).to.equal(true);
    const wrong = await t.request({
      method: 'DELETE',
      url: '/api/admin/test-sensitive',
      token: adminToken,
      headers: { 'x-admin-confirmation': 'yes' },
    });
    expect(wrong.statusCode).to.equal(400);
    const confirmed = await t.request({
      method: 'DELETE',
      url: '/api/admin/test-sensitive',
      token: adminToken,
      headers: { 'x-admin-confirmation': 'confirmed' },
    });
    expect(confirmed.statusCode).to.equal(200);
    expect(confirmed.json().status).to.equal('success');
  });

  describe('rule 15: every rejected request writes an unauthorized_access entry', () => {
    function expectRejection(entry: Activity, url: string, method: string, message: RegExp) {
      expect(entry.action).to.equal('unauthorized_access');
      expect(entry.resource).to.equal('auth');
      expect(entry.success).to.equal(false);
      expect(entry.ipAddress).to.be.a('string').and.not.equal('');
      expect(entry.details.endpoint).to.equal(url);
      expect(entry.details.method).to.equal(method);
      expect(entry.errorMessage).to.match(message);
    }

    for (const url of PATHS) {
      for (const method of METHODS) {
        it(`${method} ${url} without a token: 401 and logged`, async () => {
          const { res, entry } = await auditedRequest({ method, url });
          expect(res.statusCode).to.equal(401);
          expectRejection(entry, url, method, /Not authorized/);
          expect(entry.user).to.equal(null);
        });

        it(`${method} ${url} with a shopper token: 403 and logged with the user`, async () => {
          const { token, user } = await registerUser(t);
          const { res, entry } = await auditedRequest({ method, url, token });
          expect(res.statusCode).to.equal(403);
          expectRejection(entry, url, method, /User does not have admin privileges/);
          expect(entry.user).to.equal(user._id);
          expect(entry.details.reason).to.equal('Insufficient privileges');
          expect(entry.details.userRole).to.equal('user');
        });
      }
    }

    it('badly signed and expired tokens are logged too', async () => {
      for (const token of [foreignToken(adminId), expiredToken(adminId)]) {
        const { res, entry } = await auditedRequest({
          method: 'GET',
          url: '/api/admin/activity-logs',
          token,
        });
        expect(res.statusCode).to.equal(401);
        expectRejection(entry, '/api/admin/activity-logs', 'GET', /Not authorized/);
      }
    });

    it('a deactivated admin is logged by id with reason User account deactivated', async () => {
      const extra = await extraAdmin();
      await t.container.get(SetUserActive).execute({ userId: extra.id, isActive: false });
      const { res, entry } = await auditedRequest({
        method: 'PUT',
        url: '/api/admin/test',
        token: extra.token,
      });
      expect(res.statusCode).to.equal(401);
      expectRejection(entry, '/api/admin/test', 'PUT', /deactivated/);
      expect(entry.user).to.equal(extra.id);
      expect(entry.details.reason).to.equal('User account deactivated');
    });

    it('a deleted admin is logged as such', async () => {
      const extra = await extraAdmin();
      await t.container.get<UserRepository>(USER_REPOSITORY).delete(extra.id);
      const { res, entry } = await auditedRequest({
        method: 'DELETE',
        url: '/api/admin/test-sensitive',
        token: extra.token,
      });
      expect(res.statusCode).to.equal(401);
      expectRejection(entry, '/api/admin/test-sensitive', 'DELETE', /no longer exists/);
    });

    it('the doubled /api/api prefix is guarded and logged the same way', async () => {
      const { res, entry } = await auditedRequest({ method: 'GET', url: '/api/api/admin/test' });
      expect(res.statusCode).to.equal(401);
      expect(entry.action).to.equal('unauthorized_access');
      expect(entry.details.endpoint).to.match(/\/admin\/test$/);
    });

    it('a successful GET /api/admin/test logs success, the admin, endpoint, method, 200, no error', async () => {
      const { res, entry } = await auditedRequest({
        method: 'GET',
        url: '/api/admin/test',
        token: adminToken,
      });
      expect(res.statusCode).to.equal(200);
      expect(entry.success).to.equal(true);
      expect(entry.user).to.equal(adminId);
      expect(entry.details.endpoint).to.equal('/api/admin/test');
      expect(entry.details.method).to.equal('GET');
      expect(entry.details.statusCode).to.equal(200);
      expect(entry.errorMessage).to.equal(null);
      expect(entry.ipAddress).to.not.equal('');
    });

    it('activity-logs paginates newest first', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/api/admin/activity-logs?page=1&limit=2',
        token: adminToken,
      });
      const body = res.json();
      expect(body.data.activities).to.have.length(2);
      expect(body.data.pagination.limit).to.equal(2);
      expect(body.data.pagination.pages).to.equal(Math.ceil(body.data.pagination.total / 2));
      const [a, b] = body.data.activities as Activity[];
      expect(Date.parse(a!.timestamp)).to.be.at.least(Date.parse(b!.timestamp));
    });
  });
});
