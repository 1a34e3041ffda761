import { signRequest } from '../../support/signing.js';
import { expect } from 'chai';
import { CreateApiKey } from '../../../application/identity/api-keys.js';
import { CreateAdmin, SetUserActive, SetUserRole } from '../../../application/identity/admin-accounts.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { TestClock } from '../../support/kit.js';

const KEY_SHAPE = /^af_[0-9a-f]{12}_[0-9a-f]{64}$/;

describe('http/api-keys: admin routes, X-API-Key authentication, scopes', () => {
  let t: TestApp;
  let clock: TestClock;
  let adminToken: string;

  before(async () => {
    clock = new TestClock(new Date());
    t = await buildTestApp({}, { clock });
    adminToken = await loginAdmin(t);
  });
  after(async () => {
    await t.close();
  });

  async function createKey(body: Record<string, unknown>, token = adminToken) {
    return t.request({ method: 'POST', url: '/api/admin/api-keys', token, body });
  }
  async function newKey(
    scopes: string[],
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; key: string }> {
    const res = await createKey({ name: `key ${scopes.join(' ')}`, scopes, ...extra });
    expect(res.statusCode, res.body).to.equal(201);
    signingSecrets.set(res.json().data.key, res.json().data.signingSecret);
    return { id: res.json().data.apiKey.id, key: res.json().data.key };
  }
  /** Each key's signing secret, shown at its creation: writes by a key are signed requests. */
  const signingSecrets = new Map<string, string>();
  function withKey(
    key: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    { signed = true }: { signed?: boolean } = {},
  ) {
    const secret = signingSecrets.get(key);
    const signature =
      signed && method !== 'GET' && secret !== undefined
        ? signRequest({ method, url, body, key: secret, timestamp: Math.floor(clock.now().getTime() / 1000) })
        : {};
    return t.request({
      method,
      url,
      headers: { 'x-api-key': key, ...signature },
      ...(body !== undefined ? { body } : {}),
    });
  }
  async function listed() {
    const res = await t.request({ method: 'GET', url: '/api/admin/api-keys', token: adminToken });
    expect(res.statusCode).to.equal(200);
    return res;
  }

  it('POST creates a key shown once with its signing secret; GET lists it without any secret', async () => {
    const res = await createKey({
      name: '  ERP sync ',
      scopes: ['catalog:read', 'orders:read', 'catalog:read'],
    });
    expect(res.statusCode, res.body).to.equal(201);
    const { apiKey, key, signingSecret } = res.json().data;
    expect(key).to.match(KEY_SHAPE);
    expect(signingSecret).to.be.a('string').with.length.above(31);
    expect(apiKey).to.include({
      name: 'ERP sync',
      prefix: key.split('_')[1],
      expiresAt: null,
      revokedAt: null,
    });
    expect(apiKey.scopes).to.deep.equal(['catalog:read', 'orders:read']);
    expect(res.headers['cache-control']).to.equal('no-store');

    const list = await listed();
    const entry = list.json().data.apiKeys.find((k: { id: string }) => k.id === apiKey.id);
    expect(entry).to.deep.equal(apiKey);
    const secret = key.split('_')[2];
    expect(list.body).to.not.include(secret);
    expect(list.body).to.not.include(signingSecret);
    expect(list.body).to.not.match(/secretHash|signingSecret|"key"/);
  });

  it('refuses bad creations with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '', scopes: ['catalog:read'] }, 'name'],
      [{ name: 'x'.repeat(101), scopes: ['catalog:read'] }, 'name'],
      [{ name: 'a', scopes: [] }, 'scopes'],
      [{ name: 'a', scopes: ['root:all'] }, 'scopes'],
      [
        {
          name: 'a',
          scopes: ['catalog:read'],
          expiresAt: new Date(clock.now().getTime() - 1000).toISOString(),
        },
        'expiresAt',
      ],
      [
        {
          name: 'a',
          scopes: ['catalog:read'],
          expiresAt: new Date(clock.now().getTime() + 3 * 365 * 86400_000).toISOString(),
        },
        'expiresAt',
      ],
      [{ name: 'a', scopes: ['catalog:read'], expiresAt: 'tomorrow' }, 'expiresAt'],
    ];
    for (const [body, field] of cases) {
      const res = await createKey(body);
      expect(res.statusCode, JSON.stringify(body)).to.equal(400);
      expect(res.body, JSON.stringify(body)).to.include(field);
    }
  });

  it('only admins manage keys; a shopper gets 403 and no key', async () => {
    const shopper = await registerUser(t);
    expect((await createKey({ name: 'x', scopes: ['catalog:read'] }, shopper.token)).statusCode).to.equal(
      403,
    );
    expect(
      (await t.request({ method: 'GET', url: '/api/admin/api-keys', token: shopper.token })).statusCode,
    ).to.equal(403);
  });

  it('a key reaches the routes its scopes allow (also under /api/api and on public routes) and nothing else (403 API_KEY_SCOPE)', async () => {
    const { key } = await newKey(['catalog:read', 'analytics:read']);
    for (const url of [
      '/api/admin/products',
      '/api/api/admin/products',
      '/api/products',
      '/api/categories',
      '/api/analytics/dashboard',
    ]) {
      const res = await withKey(key, 'GET', url);
      expect(res.statusCode, `${url}: ${res.body}`).to.equal(200);
    }
    const denied: ['GET' | 'POST' | 'PUT' | 'DELETE', string, unknown?][] = [
      ['POST', '/api/products', { name: 'x' }],
      ['POST', '/api/api/categories', { name: 'x' }],
      ['GET', '/api/admin/orders'],
      ['GET', '/api/inventory/low-stock'],
      ['GET', '/api/promos'],
      ['GET', '/api/admin/api-keys'], // not in the table: no key manages keys
      ['POST', '/api/admin/api-keys', { name: 'x', scopes: ['catalog:write'] }],
      ['GET', '/api/auth/me'],
      ['GET', '/api/health'],
      ['GET', '/api/cart'],
    ];
    for (const [method, url, body] of denied) {
      const res = await withKey(key, method, url, body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).to.equal(403);
      expect(res.json().code, `${method} ${url}`).to.equal('API_KEY_SCOPE');
    }
  });

  it('write scopes allow writes: catalog:write creates a category; orders:read lists orders but cannot change a status', async () => {
    const { key: writer } = await newKey(['catalog:write']);
    // a write by a key needs its request signature (README "Request signing")
    const unsigned = await withKey(
      writer,
      'POST',
      '/api/categories',
      { name: `Unsigned ${Date.now()}` },
      { signed: false },
    );
    expect(unsigned.statusCode, unsigned.body).to.equal(401);
    expect(unsigned.json().code).to.equal('SIGNATURE_REQUIRED');
    const created = await withKey(writer, 'POST', '/api/categories', {
      name: `Api key category ${Date.now()}`,
    });
    expect(created.statusCode, created.body).to.equal(201);
    expect((await withKey(writer, 'GET', '/api/admin/products')).statusCode).to.equal(403);
    // the mutation is audited as the key's creator; creating and revoking keys is audited as `api-key`
    const logs = await t.request({
      method: 'GET',
      url: '/api/admin/activity-logs?limit=200',
      token: adminToken,
    });
    const activities: { user: string; resource: string; details: { endpoint: string; method: string } }[] =
      logs.json().data.activities;
    const me = (await t.request({ method: 'GET', url: '/api/auth/me', token: adminToken })).json().user._id;
    expect(
      activities.some(
        (e) => e.details.endpoint === '/api/categories' && e.details.method === 'POST' && e.user === me,
      ),
    ).to.equal(true);
    expect(
      activities.some(
        (e) =>
          e.details.endpoint === '/api/admin/api-keys' &&
          e.details.method === 'POST' &&
          e.resource === 'api-key',
      ),
    ).to.equal(true);

    const { key: reader } = await newKey(['orders:read']);
    expect((await withKey(reader, 'GET', '/api/admin/orders')).statusCode).to.equal(200);
    const status = await withKey(reader, 'PUT', '/api/admin/orders/0123456789abcdef01234567/status', {
      status: 'shipped',
    });
    expect(status.statusCode).to.equal(403);
    expect(status.json().code).to.equal('API_KEY_SCOPE');
  });

  it('refuses unknown, malformed and tampered keys with 401 API_KEY_INVALID, on public routes too', async () => {
    const { key } = await newKey(['catalog:read']);
    const tampered = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
    for (const bad of [tampered, 'af_nothing', '', `af_${'0'.repeat(12)}_${'0'.repeat(64)}`]) {
      for (const url of ['/api/products', '/api/admin/products']) {
        const res = await withKey(bad, 'GET', url);
        expect(res.statusCode, `${bad} ${url}`).to.equal(401);
        expect(res.json().code).to.equal('API_KEY_INVALID');
      }
    }
  });

  it('DELETE revokes (idempotently); a revoked key is refused with 401 API_KEY_REVOKED; an unknown id is 404', async () => {
    const { id, key } = await newKey(['catalog:read']);
    expect((await withKey(key, 'GET', '/api/admin/products')).statusCode).to.equal(200);
    const first = await t.request({ method: 'DELETE', url: `/api/admin/api-keys/${id}`, token: adminToken });
    expect(first.statusCode).to.equal(200);
    const revokedAt = first.json().data.apiKey.revokedAt;
    expect(revokedAt).to.be.a('string');
    clock.advance(1000);
    const again = await t.request({
      method: 'DELETE',
      url: `/api/api/admin/api-keys/${id}`,
      token: adminToken,
    });
    expect(again.statusCode).to.equal(200);
    expect(again.json().data.apiKey.revokedAt).to.equal(revokedAt);
    const res = await withKey(key, 'GET', '/api/admin/products');
    expect(res.statusCode).to.equal(401);
    expect(res.json().code).to.equal('API_KEY_REVOKED');
    const unknown = await t.request({
      method: 'DELETE',
      url: '/api/admin/api-keys/0123456789abcdef01234567',
      token: adminToken,
    });
    expect(unknown.statusCode).to.equal(404);
    expect(unknown.json().code).to.equal('API_KEY_NOT_FOUND');
  });

  it('an expired key is refused with 401 API_KEY_EXPIRED', async () => {
    const { key } = await newKey(['catalog:read'], {
      expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString(),
    });
    expect((await withKey(key, 'GET', '/api/products')).statusCode).to.equal(200);
    clock.advance(3600_000);
    const res = await withKey(key, 'GET', '/api/products');
    expect(res.statusCode).to.equal(401);
    expect(res.json().code).to.equal('API_KEY_EXPIRED');
  });

  it('a key stops working when its creator is deactivated or demoted (401 API_KEY_CREATOR_INVALID); the principal is the creator', async () => {
    const email = `key.admin.${Date.now()}@example.com`;
    const admin = (
      await t.container.get(CreateAdmin).execute({ email, fullName: 'Key Admin', password: 'key-admin-1' })
    ).unwrap().user;
    const { key, signingSecret } = (
      await t.container
        .get(CreateApiKey)
        .execute({ createdBy: admin.id, name: 'k', scopes: ['catalog:write'] })
    ).unwrap();
    signingSecrets.set(key, signingSecret);
    const made = await withKey(key, 'POST', '/api/categories', { name: `Creator ${Date.now()}` });
    expect(made.statusCode, made.body).to.equal(201);
    const { key: key2 } = (
      await t.container
        .get(CreateApiKey)
        .execute({ createdBy: admin.id, name: 'k2', scopes: ['catalog:read'] })
    ).unwrap();

    await t.container.get(SetUserActive).execute({ userId: admin.id, isActive: false });
    let res = await withKey(key, 'GET', '/api/admin/products');
    expect(res.statusCode).to.equal(401);
    expect(res.json().code).to.equal('API_KEY_CREATOR_INVALID');

    await t.container.get(SetUserActive).execute({ userId: admin.id, isActive: true });
    expect((await withKey(key2, 'GET', '/api/admin/products')).statusCode).to.equal(200);
    await t.container.get(SetUserRole).execute({ user: admin.id, role: 'user' });
    res = await withKey(key2, 'GET', '/api/products');
    expect(res.statusCode).to.equal(401);
    expect(res.json().code).to.equal('API_KEY_CREATOR_INVALID');
  });

  it('records the last use (time and address), written at most once a minute', async () => {
    const { id, key } = await newKey(['catalog:read']);
    const entry = async () => (await listed()).json().data.apiKeys.find((k: { id: string }) => k.id === id);
    expect((await entry()).lastUsedAt).to.equal(null);
    const firstUse = clock.now().toISOString();
    await withKey(key, 'GET', '/api/products');
    expect(await entry()).to.include({ lastUsedAt: firstUse, lastUsedIp: '127.0.0.1' });
    clock.advance(30_000);
    await withKey(key, 'GET', '/api/products');
    expect((await entry()).lastUsedAt).to.equal(firstUse);
    clock.advance(31_000);
    await withKey(key, 'GET', '/api/products');
    expect((await entry()).lastUsedAt).to.equal(clock.now().toISOString());
  });

  it('the OpenAPI document declares the apiKey scheme and lists it on the routes keys may call', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.components.securitySchemes.apiKey).to.deep.equal({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    });
    expect(doc.paths['/api/admin/products'].get.security).to.deep.include({ apiKey: [] });
    expect(doc.paths['/api/products'].get.security).to.deep.include({ apiKey: [] });
    expect(JSON.stringify(doc.paths['/api/admin/api-keys'].get.security ?? [])).to.not.include('apiKey');
  });
});

describe('http/api-keys: each key has its own rate-limit budget', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '5',
      API_KEY_RATE_LIMIT_MAX: '6',
      API_KEY_RATE_LIMIT_WINDOW_MS: '60000',
    });
  });
  after(async () => {
    await t.close();
  });

  it('parallel requests with one key: exactly its budget passes, then 429 with Retry-After; another key and the IP budget are untouched', async () => {
    const admin = (
      await t.container
        .get(CreateAdmin)
        .execute({ email: 'budget.admin@example.com', fullName: 'B', password: 'budget-admin-1' })
    ).unwrap().user;
    const make = async () =>
      (
        await t.container
          .get(CreateApiKey)
          .execute({ createdBy: admin.id, name: 'b', scopes: ['catalog:read'] })
      ).unwrap().key;
    const [one, two] = [await make(), await make()];
    const get = (key?: string) =>
      t.request({ method: 'GET', url: '/api/products', ...(key ? { headers: { 'x-api-key': key } } : {}) });

    const burst = await Promise.all(Array.from({ length: 9 }, () => get(one)));
    expect(burst.filter((r) => r.statusCode === 200)).to.have.length(6);
    const refused = burst.filter((r) => r.statusCode === 429);
    expect(refused).to.have.length(3);
    for (const r of refused) {
      expect(Number(r.headers['retry-after'])).to.be.above(0);
      expect(r.json().code).to.equal('RATE_LIMITED');
    }
    expect((await get(two)).statusCode).to.equal(200);
    // the 10 keyed requests spent nothing of the address's 5
    const plain = [];
    for (let i = 0; i < 5; i += 1) plain.push((await get()).statusCode);
    expect(plain).to.deep.equal([200, 200, 200, 200, 200]);
    expect((await get()).statusCode).to.equal(429);
  });
});
