import { mailSettled } from '../../support/notifications.js';
import { expect } from 'chai';
import sinon from 'sinon';
import type { LightMyRequestResponse } from 'fastify';
import { PASSWORD_HASHER } from '../../../application/identity/ports.js';
import { MAILER, type Mailer } from '../../../application/shared/mail.js';
import type { BcryptPasswordHasher } from '../../../adapters/security/bcrypt-password-hasher.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { expiredToken, foreignToken } from './helpers.js';

let seq = 0;
const freshEmail = () => `limits.user${(seq += 1)}.${Date.now()}@example.com`;

/** One request from a given client address (fastify.inject's remoteAddress). */
function from(
  t: TestApp,
  ip: string,
  options: { method: 'GET' | 'POST' | 'PUT'; url: string; token?: string; body?: unknown },
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: options.method,
    url: options.url,
    remoteAddress: ip,
    headers: options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
}

describe('http/identity: auth limits (issue 8)', () => {
  describe('failed authentication budget (RATE_LIMIT_FAILED_AUTH_MAX)', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_FAILED_AUTH_MAX: '3',
        RATE_LIMIT_WISHLIST_MAX: '10000',
      });
    });
    after(async () => {
      await t.close();
    });

    it('GET /wishlist with ever-new bad tokens: 401 up to the budget, then 429 with Retry-After', async () => {
      const ip = '10.1.0.1';
      const bad = [foreignToken('a'.repeat(24)), expiredToken('b'.repeat(24)), 'not.a.token'];
      for (const token of bad) {
        expect((await from(t, ip, { method: 'GET', url: '/api/wishlist', token })).statusCode).to.equal(401);
      }
      const limited = await from(t, ip, { method: 'GET', url: '/api/wishlist', token: 'x.y.z' });
      expect(limited.statusCode).to.equal(429);
      expect(limited.json()).to.include({ status: 'error', code: 'RATE_LIMITED' });
      expect(limited.json().error).to.match(/Too many failed authentications/);
      expect(Number(limited.headers['retry-after'])).to.be.greaterThan(0);
      // the same budget on every protected route, the admin area included
      expect((await from(t, ip, { method: 'GET', url: '/api/auth/me', token: 'x.y.z' })).statusCode).to.equal(
        429,
      );
      expect(
        (await from(t, ip, { method: 'GET', url: '/api/admin/test', token: 'x.y.z' })).statusCode,
      ).to.equal(429);
    });

    it('valid tokens from that address still work; other addresses and missing tokens are not counted', async () => {
      const ip = '10.1.0.2';
      for (let i = 0; i < 4; i += 1)
        await from(t, ip, { method: 'GET', url: '/api/auth/me', token: `bad${i}` });
      expect((await from(t, ip, { method: 'GET', url: '/api/auth/me', token: 'bad' })).statusCode).to.equal(
        429,
      );
      const { token } = await registerUser(t);
      expect((await from(t, ip, { method: 'GET', url: '/api/wishlist', token })).statusCode).to.equal(200);
      expect(
        (await from(t, '10.1.0.3', { method: 'GET', url: '/api/auth/me', token: 'bad' })).statusCode,
      ).to.equal(401);
      // no header at all is an anonymous call, not a failed authentication
      for (let i = 0; i < 5; i += 1) {
        expect((await from(t, '10.1.0.4', { method: 'GET', url: '/api/auth/me' })).statusCode).to.equal(401);
      }
    });

    it('public routes ignore a bad token without counting it (compat 0.3)', async () => {
      const ip = '10.1.0.5';
      for (let i = 0; i < 5; i += 1) {
        const res = await from(t, ip, {
          method: 'GET',
          url: '/api/products/recommendations',
          token: 'x.y.z',
        });
        expect(res.statusCode).to.equal(200);
      }
      // the shopper still gets the 401 that signs a stale token out
      expect((await from(t, ip, { method: 'GET', url: '/api/auth/me', token: 'x.y.z' })).statusCode).to.equal(
        401,
      );
    });
  });

  describe('a login flood from one address', () => {
    let t: TestApp;
    before(async () => {
      // Real worker threads, as in production (cost 4 keeps the test quick).
      t = await buildTestApp({ HASH_WORKERS: '1', LOGIN_MAX_CONCURRENT_PER_IP: '2', HASH_QUEUE_MAX: '16' });
    });
    after(async () => {
      await t.close();
    });

    it('80 parallel wrong logins do not queue a real user (another IP) behind them', async () => {
      const { user, password } = await registerUser(t);
      const hasher = t.container.get<BcryptPasswordHasher>(PASSWORD_HASHER);
      // Records the order in which password checks end.
      const ended: string[] = [];
      const original = hasher.compare.bind(hasher);
      const compare = sinon.stub(hasher, 'compare').callsFake(async (plain, hash) => {
        try {
          return await original(plain, hash);
        } finally {
          ended.push(plain === password ? 'real' : 'flood');
        }
      });
      try {
        const flood = Array.from({ length: 80 }, (_, i) =>
          from(t, '10.2.0.1', {
            method: 'POST',
            url: '/api/auth/login',
            body: { email: `flood${i}.${Date.now()}@example.com`, password: 'wrong-password' },
          }),
        );
        // The real user arrives once the flood is being checked.
        for (let i = 0; i < 1000 && compare.callCount < 2; i += 1) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(compare.callCount).to.be.at.least(2);
        const real = await from(t, '10.2.0.2', {
          method: 'POST',
          url: '/api/auth/login',
          body: { email: user.email, password },
        });
        expect(real.statusCode).to.equal(200);
        // Hashes done before the real user's: at most the flood's 2 in progress (without the
        // per-IP bound all 80 were queued ahead of it).
        expect(ended.indexOf('real')).to.be.within(0, 2);
        const floodAnswers = await Promise.all(flood);
        const refused = floodAnswers.filter((r) => r.statusCode === 429);
        expect(refused.length).to.be.at.least(75);
        for (const r of refused) {
          expect(r.json().code).to.equal('RATE_LIMITED');
          expect(r.headers['retry-after']).to.equal('1');
        }
        expect(floodAnswers.every((r) => r.statusCode === 429 || r.statusCode === 400)).to.equal(true);
      } finally {
        compare.restore();
      }
    });
  });

  describe('login throttle keys', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({ LOGIN_MAX_FAILURES: '2' });
    });
    after(async () => {
      await t.close();
    });

    it('IPv6 callers are counted per /64: rotating addresses inside it does not add guesses', async () => {
      const { user } = await registerUser(t);
      const attempt = (ip: string) =>
        from(t, ip, {
          method: 'POST',
          url: '/api/auth/login',
          body: { email: user.email, password: 'bad-pass' },
        });
      expect((await attempt('2001:db8:1:2::1')).statusCode).to.equal(400);
      expect((await attempt('2001:db8:1:2::2')).statusCode).to.equal(400);
      const third = await attempt('2001:db8:1:2:ffff::3');
      expect(third.statusCode).to.equal(429);
      expect(third.json().code).to.equal('TOO_MANY_ATTEMPTS');
      expect((await attempt('2001:db8:1:3::1')).statusCode).to.equal(400); // another /64
    });
  });

  describe('forgot password answers without waiting for the lookup or the mailer', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp();
    });
    after(async () => {
      await t.close();
    });

    it('a mailer that never answers still gets 200, for known and unknown emails alike', async () => {
      const { user } = await registerUser(t);
      await mailSettled(t); // the welcome mail is out of the way
      const mailer = t.container.get<Mailer>(MAILER);
      let release: () => void = () => undefined;
      const hanging = new Promise<void>((resolve) => {
        release = resolve;
      });
      const send = sinon.stub(mailer, 'send').returns(hanging);
      try {
        const known = await t.request({
          method: 'POST',
          url: '/api/auth/forgotpassword',
          body: { email: user.email },
        });
        const unknown = await t.request({
          method: 'POST',
          url: '/api/auth/forgotpassword',
          body: { email: freshEmail() },
        });
        expect(known.statusCode).to.equal(200);
        expect(known.body).to.equal(unknown.body);
        // the mail is still on its way (started after the answer), for the known account only
        while (send.callCount === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        expect(send.callCount).to.equal(1);
        expect(send.firstCall.args[0].to).to.equal(user.email);
      } finally {
        release();
        send.restore();
      }
    });
  });
});
