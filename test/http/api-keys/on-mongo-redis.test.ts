import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, loginAdmin, type TestApp } from '../../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';

describeWith(['mongo', 'redis'], 'http/api-keys: two instances on one MongoDB and one Redis', function () {
  this.timeout(30_000);
  let a: TestApp;
  let b: TestApp;

  before(async () => {
    const env = {
      MONGODB_URI: mongoTestUri('apikeys'),
      REDIS_URL: serviceUrl('redis'),
      RATE_LIMIT_ENABLED: 'true',
      API_KEY_RATE_LIMIT_MAX: '4',
      RATE_LIMIT_FAILED_AUTH_MAX: '2',
    };
    a = await buildTestApp(env);
    b = await buildTestApp(env);
  });
  after(async () => {
    if (a) await a.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    for (const t of [a, b]) if (t) await t.close();
  });

  it('a key made on one instance works on the other, shares one budget on Redis, and its revocation holds on both', async () => {
    const token = await loginAdmin(a);
    const created = await a.request({
      method: 'POST',
      url: '/api/admin/api-keys',
      token,
      body: { name: 'erp', scopes: ['catalog:read'] },
    });
    expect(created.statusCode, created.body).to.equal(201);
    const { key } = created.json().data;
    const { id } = created.json().data.apiKey;
    const get = (t: TestApp) =>
      t.request({ method: 'GET', url: '/api/admin/products', headers: { 'x-api-key': key } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i += 1) codes.push((await get(i % 2 ? a : b)).statusCode);
    expect(codes).to.deep.equal([200, 200, 200, 200, 429]);

    const listed = await b.request({ method: 'GET', url: '/api/admin/api-keys', token });
    expect(listed.json().data.apiKeys[0]).to.include({ id, lastUsedIp: '127.0.0.1' });

    expect(
      (await b.request({ method: 'DELETE', url: `/api/admin/api-keys/${id}`, token })).statusCode,
    ).to.equal(200);
    const refused = await get(a);
    expect(refused.statusCode).to.equal(401);
    expect(refused.json().code).to.equal('API_KEY_REVOKED');
  });

  it('unknown keys count against the address failed-auth budget on every instance', async () => {
    const bad = { 'x-api-key': `af_${'1'.repeat(12)}_${'2'.repeat(64)}` };
    const from = (t: TestApp) =>
      t.app.inject({ method: 'GET', url: '/api/products', remoteAddress: '10.8.0.9', headers: bad });
    expect((await from(a)).statusCode).to.equal(401);
    expect((await from(b)).statusCode).to.equal(401);
    const limited = await from(a);
    expect(limited.statusCode).to.equal(429);
    expect(Number(limited.headers['retry-after'])).to.be.greaterThan(0);
  });
});
