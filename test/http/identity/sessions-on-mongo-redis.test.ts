import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';
import { decodePayload } from './helpers.js';

/**
 * Two instances (two containers) on one MongoDB-wire server and one Redis: the session store is
 * the shared source of truth, so a revocation made on A is refused on B at once, and parallel
 * refreshes spread over both still have exactly one winner.
 */
describeWith(['mongo', 'redis'], 'http/identity: sessions on two instances (MongoDB + Redis)', function () {
  this.timeout(60_000);
  let a: TestApp;
  let b: TestApp;

  before(async () => {
    const env = {
      MONGODB_URI: mongoTestUri('sessions2'),
      REDIS_URL: serviceUrl('redis'),
      LOGOUT_GRACE_MS: '0',
    };
    a = await buildTestApp(env);
    b = await buildTestApp(env);
  });
  after(async () => {
    if (a) await a.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await a?.close();
    await b?.close();
  });

  const me = (t: TestApp, token: string) => t.request({ method: 'GET', url: '/api/auth/me', token });
  const login = async (t: TestApp, email: string, password: string, headers: Record<string, string> = {}) => {
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      headers,
      body: { email, password },
    });
    expect(res.statusCode, res.body).to.equal(200);
    return res.json() as { token: string; refreshToken?: string };
  };

  it('a session revoked on A is refused on B (one, then all the others); B lists what A did', async () => {
    const { token: onA, user, password } = await registerUser(a);
    const onB = (await login(b, user.email, password)).token;
    const third = (await login(b, user.email, password)).token;
    expect((await me(b, onA)).statusCode).to.equal(200);
    expect((await me(a, onB)).statusCode).to.equal(200);

    const sidB = decodePayload(onB).sid as string;
    const del = await a.request({ method: 'DELETE', url: `/api/auth/sessions/${sidB}`, token: onA });
    expect(del.statusCode, del.body).to.equal(200);
    expect((await me(b, onB)).statusCode).to.equal(401);
    const listed = (await b.request({ method: 'GET', url: '/api/auth/sessions', token: third })).json().data
      .sessions as { id: string }[];
    expect(listed.map((s) => s.id)).to.not.include(sidB);
    expect(listed).to.have.length(2);

    const all = await b.request({ method: 'DELETE', url: '/api/auth/sessions/all', token: third });
    expect(all.json().data).to.deep.equal({ revoked: 1 });
    expect((await me(a, onA)).statusCode).to.equal(401);
    expect((await me(a, third)).statusCode).to.equal(200);
  });

  it('a logout on A ends the session on B', async () => {
    const { token } = await registerUser(a);
    expect((await me(b, token)).statusCode).to.equal(200);
    await a.request({ method: 'POST', url: '/api/auth/logout', token });
    expect((await me(b, token)).statusCode).to.equal(401);
  });

  it('parallel refreshes with one token over both instances: exactly one wins; a later reuse on B ends it on A', async () => {
    const { user, password } = await registerUser(a);
    const first = await login(a, user.email, password, { 'x-client-type': 'api' });
    const refresh = (t: TestApp, refreshToken: string) =>
      t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken } });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => refresh(i % 2 ? b : a, first.refreshToken!)),
    );
    const wins = answers.filter((r) => r.statusCode === 200);
    expect(wins, answers.map((r) => r.statusCode).join(',')).to.have.length(1);
    const winner = wins[0]!.json();
    expect((await me(b, winner.token)).statusCode).to.equal(200);
    // Rotate once more on B, then present the first (two rotations old) token: theft, session over.
    const next = (await refresh(b, winner.refreshToken)).json();
    expect((await refresh(b, first.refreshToken!)).statusCode).to.equal(401);
    expect((await me(a, next.token)).statusCode).to.equal(401);
  });
});
