import { expect } from 'chai';
import {
  SESSION_STORE,
  TOKEN_SERVICE,
  type SessionStore,
  type TokenService,
} from '../../../application/identity/ports.js';
import { REFRESH_DUPLICATE_WINDOW_MS } from '../../../application/identity/session-store.js';
import { ACTIVITY_WRITE_INTERVAL_MS } from '../../../domain/identity/user.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { TestClock } from '../../support/kit.js';
import { decodePayload } from './helpers.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1';

describe('http/identity: sessions and refresh tokens', function () {
  this.timeout(30_000);
  let t: TestApp;
  let clock: TestClock;

  before(async () => {
    clock = new TestClock();
    t = await buildTestApp({ LOGOUT_GRACE_MS: '0' }, { clock });
  });
  after(async () => {
    await t.close();
  });

  /** A fresh account and, per user agent given, one more login (its own session). */
  async function signIns(...agents: string[]) {
    const { token, user, password } = await registerUser(t);
    const tokens: string[] = [];
    for (const ua of agents) {
      const res = await t.request({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'user-agent': ua },
        body: { email: user.email, password },
      });
      expect(res.statusCode, res.body).to.equal(200);
      tokens.push(res.json().token);
    }
    return { registered: token, tokens, user, password };
  }
  const me = (token: string) => t.request({ method: 'GET', url: '/api/auth/me', token });
  const list = async (token: string, prefix = '/api/auth') => {
    const res = await t.request({ method: 'GET', url: `${prefix}/sessions`, token });
    expect(res.statusCode, res.body).to.equal(200);
    return res.json().data.sessions as {
      id: string;
      device: string;
      platform: string;
      ip: string | null;
      createdAt: string;
      lastUsedAt: string;
      current: boolean;
    }[];
  };
  const sid = (token: string) => decodePayload(token).sid as string;

  it('every sign-in is a session: GET /sessions lists device, platform, ip, times, and marks the current one', async () => {
    const { registered, tokens } = await signIns(FIREFOX, IPHONE);
    clock.advance(1000);
    const sessions = await list(tokens[0]!);
    expect(sessions.map((s) => s.id).sort()).to.deep.equal([registered, ...tokens].map(sid).sort());
    const firefox = sessions.find((s) => s.id === sid(tokens[0]!))!;
    expect(firefox).to.include({ device: 'Firefox', platform: 'linux', ip: '127.0.0.1', current: true });
    expect(firefox.createdAt).to.be.a('string');
    expect(sessions.find((s) => s.id === sid(tokens[1]!))).to.include({
      device: 'Safari',
      platform: 'ios',
      current: false,
    });
    expect(sessions.filter((s) => s.current)).to.have.length(1);
    // Also under /api/api (the storefront's doubled prefix).
    expect((await list(tokens[0]!, '/api/api/auth')).length).to.equal(3);
  });

  it("the devices of the sessions head the user's deviceInfo, most recent first (/auth/me)", async () => {
    const { tokens } = await signIns(FIREFOX, IPHONE);
    const user = (await me(tokens[0]!)).json().user;
    expect(user.deviceInfo.map((d: { platform: string }) => d.platform)).to.deep.equal([
      'ios',
      'linux',
      'other',
    ]);
  });

  it("DELETE /sessions/:id ends that session's tokens at once; another user's id is 404; a bad id 400", async () => {
    const { tokens } = await signIns(FIREFOX, IPHONE);
    const other = await signIns(FIREFOX);
    const [mine, phone] = [tokens[0]!, tokens[1]!];
    expect((await me(phone)).statusCode).to.equal(200);
    const del = await t.request({ method: 'DELETE', url: `/api/auth/sessions/${sid(phone)}`, token: mine });
    expect(del.statusCode, del.body).to.equal(200);
    expect(del.json().data).to.deep.equal({ revoked: 1 });
    const refused = await me(phone);
    expect(refused.statusCode).to.equal(401);
    expect(refused.json().message).to.equal('Not authorized to access this route');
    expect((await list(mine)).map((s) => s.id)).to.not.include(sid(phone));
    // Another user's session: not found for me, and untouched.
    const foreign = sid(other.tokens[0]!);
    const theirs = await t.request({ method: 'DELETE', url: `/api/auth/sessions/${foreign}`, token: mine });
    expect(theirs.statusCode).to.equal(404);
    expect((await me(other.tokens[0]!)).statusCode).to.equal(200);
    // Already ended: 404 too; a malformed id: 400 naming it.
    const again = await t.request({ method: 'DELETE', url: `/api/auth/sessions/${sid(phone)}`, token: mine });
    expect(again.statusCode).to.equal(404);
    const bad = await t.request({ method: 'DELETE', url: '/api/auth/sessions/not-an-id!', token: mine });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().message).to.match(/id/);
    expect((await t.request({ method: 'DELETE', url: `/api/auth/sessions/${foreign}` })).statusCode).to.equal(
      401,
    );
  });

  it('DELETE /sessions/all ends the OTHER sessions and answers the count; includeCurrent=true ends this one too', async () => {
    const { registered, tokens } = await signIns(FIREFOX, IPHONE);
    const mine = tokens[0]!;
    const res = await t.request({ method: 'DELETE', url: '/api/auth/sessions/all', token: mine });
    expect(res.statusCode, res.body).to.equal(200);
    expect(res.json().data).to.deep.equal({ revoked: 2 });
    expect((await me(registered)).statusCode).to.equal(401);
    expect((await me(tokens[1]!)).statusCode).to.equal(401);
    expect((await me(mine)).statusCode).to.equal(200);
    expect((await list(mine)).map((s) => s.id)).to.deep.equal([sid(mine)]);
    const bad = await t.request({
      method: 'DELETE',
      url: '/api/auth/sessions/all?includeCurrent=maybe',
      token: mine,
    });
    expect(bad.statusCode).to.equal(400);
    const all = await t.request({
      method: 'DELETE',
      url: '/api/auth/sessions/all?includeCurrent=true',
      token: mine,
    });
    expect(all.json().data).to.deep.equal({ revoked: 1 });
    expect((await me(mine)).statusCode).to.equal(401);
  });

  it('logout revokes the session (it leaves the list); tokens issued without a session keep working', async () => {
    const { tokens, user } = await signIns(FIREFOX, IPHONE);
    await t.request({ method: 'POST', url: '/api/auth/logout', token: tokens[1]! });
    expect((await list(tokens[0]!)).map((s) => s.id)).to.not.include(sid(tokens[1]!));
    const store = t.container.get<SessionStore>(SESSION_STORE);
    expect((await store.find(sid(tokens[1]!)))!.revokedAt).to.be.instanceOf(Date);
    // A token from before sessions were stored: {id, iat, exp}, no sid.
    const legacy = t.container
      .get<TokenService>(TOKEN_SERVICE)
      .sign(user._id, Math.floor(clock.now().getTime() / 1000)).token;
    expect(Object.keys(decodePayload(legacy))).to.deep.equal(['id', 'iat', 'exp']);
    expect((await me(legacy)).statusCode).to.equal(200);
    // A made-up sid (correctly signed) is refused.
    const forged = t.container
      .get<TokenService>(TOKEN_SERVICE)
      .sign(user._id, Math.floor(clock.now().getTime() / 1000), 'ffffffffffffffffffffffff').token;
    expect((await me(forged)).statusCode).to.equal(401);
  });

  it("a session's lastUsedAt is written at most once per interval, even for parallel requests", async () => {
    const { tokens } = await signIns(FIREFOX);
    const store = t.container.get<SessionStore>(SESSION_STORE);
    const id = sid(tokens[0]!);
    const created = (await store.find(id))!.lastUsedAt;
    let writes = 0;
    const touch = store.touch.bind(store);
    store.touch = async (...args) => {
      const wrote = await touch(...args);
      if (wrote && args[0] === id) writes += 1;
      return wrote;
    };
    try {
      clock.advance(60_000);
      await Promise.all(Array.from({ length: 5 }, () => me(tokens[0]!)));
      expect(writes).to.equal(0);
      clock.advance(ACTIVITY_WRITE_INTERVAL_MS);
      await Promise.all(Array.from({ length: 5 }, () => me(tokens[0]!)));
      expect(writes).to.equal(1);
      const used = (await store.find(id))!.lastUsedAt;
      expect(used.getTime()).to.equal(clock.now().getTime());
      expect(used.getTime()).to.be.greaterThan(created.getTime());
      expect((await list(tokens[0]!))[0]!.lastUsedAt).to.equal(clock.now().toISOString());
    } finally {
      store.touch = touch;
    }
  });

  it('a password change is a sign-in from its device and IP; the sessions begun before it leave the list', async () => {
    const { registered, tokens, password } = await signIns(IPHONE);
    clock.advance(2000);
    const changed = await t.request({
      method: 'PUT',
      url: '/api/auth/updatepassword',
      token: tokens[0]!,
      headers: { 'user-agent': FIREFOX },
      body: { currentPassword: password, newPassword: 'another-pass-2' },
    });
    expect(changed.statusCode, changed.body).to.equal(200);
    const fresh = changed.json().token as string;
    const sessions = await list(fresh);
    expect(sessions.map((s) => s.id)).to.deep.equal([sid(fresh)]);
    expect(sessions[0]).to.include({ device: 'Firefox', platform: 'linux', ip: '127.0.0.1', current: true });
    expect((await me(registered)).statusCode).to.equal(401);
  });

  describe('refresh tokens (X-Client-Type: api)', () => {
    async function apiLogin() {
      const { user, password } = await registerUser(t);
      const res = await t.request({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-client-type': 'api' },
        body: { email: user.email, password },
      });
      expect(res.statusCode, res.body).to.equal(200);
      return { ...(res.json() as { token: string; refreshToken: string }), user, password };
    }
    const refresh = (refreshToken: string, prefix = '/api/auth') =>
      t.request({ method: 'POST', url: `${prefix}/refresh`, body: { refreshToken } });

    it('only clients that ask get one (login and register); browsers keep the compat answer', async () => {
      const plain = await registerUser(t);
      const login = await t.request({
        method: 'POST',
        url: '/api/auth/login',
        body: { email: plain.user.email, password: plain.password },
      });
      expect(login.json()).to.not.have.property('refreshToken');
      const { refreshToken } = await apiLogin();
      expect(refreshToken).to.match(/^[0-9a-f]{24}\.[0-9a-f]{64}$/);
      const reg = await t.request({
        method: 'POST',
        url: '/api/auth/register',
        headers: { 'x-client-type': 'api' },
        body: { fullName: 'Api Client', email: `api.${Date.now()}@example.com`, password: 'secret1' },
      });
      expect(reg.statusCode).to.equal(201);
      expect(reg.json().refreshToken).to.be.a('string');
      // Stored as a digest only.
      const stored = await t.container.get<SessionStore>(SESSION_STORE).find(refreshToken.split('.')[0]!);
      expect(JSON.stringify(stored)).to.not.include(refreshToken.split('.')[1]);
    });

    it('rotates: a new access token and a NEW refresh token, same session; the old one no longer works', async () => {
      const first = await apiLogin();
      clock.advance(1000);
      const res = await refresh(first.refreshToken, '/api/api/auth');
      expect(res.statusCode, res.body).to.equal(200);
      const body = res.json();
      expect(body.refreshToken).to.be.a('string').and.not.equal(first.refreshToken);
      expect(sid(body.token)).to.equal(sid(first.token));
      expect(body.data.user._id).to.equal(first.user._id);
      expect((await me(body.token)).statusCode).to.equal(200);
      // Single use: presented again (inside the duplicate window) it is refused, the session kept.
      expect((await refresh(first.refreshToken)).statusCode).to.equal(401);
      clock.advance(1000);
      expect((await refresh(body.refreshToken)).statusCode).to.equal(200);
    });

    it('reuse of an already rotated token revokes the whole session (every token of it)', async () => {
      const first = await apiLogin();
      const second = (await refresh(first.refreshToken)).json();
      clock.advance(REFRESH_DUPLICATE_WINDOW_MS + 1);
      const reused = await refresh(first.refreshToken);
      expect(reused.statusCode).to.equal(401);
      expect(reused.json().message).to.equal('Invalid refresh token');
      expect((await me(second.token)).statusCode).to.equal(401);
      expect((await me(first.token)).statusCode).to.equal(401);
      expect((await refresh(second.refreshToken)).statusCode).to.equal(401);
    });

    it('parallel refreshes with one token: exactly one wins, and its new token keeps working', async () => {
      const first = await apiLogin();
      const answers = await Promise.all(Array.from({ length: 8 }, () => refresh(first.refreshToken)));
      const wins = answers.filter((r) => r.statusCode === 200);
      expect(wins).to.have.length(1);
      expect(answers.filter((r) => r.statusCode === 401)).to.have.length(7);
      const winner = wins[0]!.json();
      expect((await me(winner.token)).statusCode).to.equal(200);
      expect((await refresh(winner.refreshToken)).statusCode).to.equal(200);
    });

    it('refused: made-up, malformed, revoked-session and pre-password-change tokens; bad bodies are 400', async () => {
      const first = await apiLogin();
      const [id] = first.refreshToken.split('.');
      expect((await refresh(`${id}.${'0'.repeat(64)}`)).statusCode).to.equal(401);
      // not the shape of a refresh token at all: the body is refused before any lookup
      expect((await refresh('nope')).statusCode).to.equal(400);
      expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: {} })).statusCode).to.equal(
        400,
      );
      expect(
        (await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: 5 } })).statusCode,
      ).to.equal(400);
      // After a password change the old session's refresh token is over.
      clock.advance(2000);
      const changed = await t.request({
        method: 'PUT',
        url: '/api/auth/updatepassword',
        token: first.token,
        body: { currentPassword: first.password, newPassword: 'another-pass-2' },
      });
      expect(changed.statusCode, changed.body).to.equal(200);
      expect((await refresh(first.refreshToken)).statusCode).to.equal(401);
      // A revoked session's too.
      const second = await apiLogin();
      await t.request({ method: 'POST', url: '/api/auth/logout', token: second.token });
      expect((await refresh(second.refreshToken)).statusCode).to.equal(401);
    });
  });
});
