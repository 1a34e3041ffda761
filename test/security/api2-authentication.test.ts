import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { USER_REPOSITORY, type UserRepository } from '../../application/identity/ports.js';
import { buildTestApp, registerUser, TEST_JWT_SECRET, type TestApp } from '../support/harness.js';
import { mailSettled } from '../support/notifications.js';
import { outbox } from '../http/identity/helpers.js';

/**
 * API2:2023 Broken Authentication: forged, expired, tampered and stale tokens are refused,
 * login guessing is throttled, and a password reset token works once.
 */
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('OWASP API2 broken authentication', function () {
  this.timeout(60_000);
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({ FRONTEND_URL: 'https://shop.example' });
  });
  after(async () => t.close());

  const me = (token: string) => t.request({ method: 'GET', url: '/api/auth/me', token });

  it('refuses forged tokens: alg none, another key, RS/HS confusion, expired, not yet valid, tampered payload', async () => {
    const { token, user } = await registerUser(t);
    expect((await me(token)).statusCode).to.equal(200);
    const [header, , signature] = token.split('.') as [string, string, string];
    const claims = { id: user._id, iat: now(), exp: now() + 3600 };
    const forged = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      'alg None, signature kept': `${b64({ alg: 'None', typ: 'JWT' })}.${b64(claims)}.${signature}`,
      'another key': jwt.sign(claims, 'another-secret-that-is-long-enough-0123456789', {
        algorithm: 'HS256',
      }),
      'HS512 with the right key': jwt.sign(claims, TEST_JWT_SECRET, { algorithm: 'HS512' }),
      expired: jwt.sign({ id: user._id, iat: now() - 7200, exp: now() - 60 }, TEST_JWT_SECRET),
      'no exp': jwt.sign({ id: user._id, iat: now() }, TEST_JWT_SECRET),
      'tampered id': `${header}.${b64({ ...claims, id: '0123456789abcdef01234567' })}.${signature}`,
      'tampered exp': `${header}.${b64({ ...claims, exp: now() + 10 * 365 * 86400 })}.${signature}`,
      'role claim added': `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`,
      'empty signature': `${header}.${token.split('.')[1]}.`,
      'bearer of garbage': 'x'.repeat(4000),
    };
    for (const [name, bad] of Object.entries(forged)) {
      const res = await me(bad);
      expect(res.statusCode, name).to.equal(401);
      expect(res.body, name).to.not.include(user.email);
    }
  });

  it('refuses the tokens of a deleted account, after logout, and from before a password change', async () => {
    const deleted = await registerUser(t);
    await t.container.get<UserRepository>(USER_REPOSITORY).delete(deleted.user._id);
    expect((await me(deleted.token)).statusCode, 'deleted account').to.equal(401);

    const out = await registerUser(t);
    expect(
      (await t.request({ method: 'POST', url: '/api/auth/logout', token: out.token })).statusCode,
    ).to.equal(200);
    expect((await me(out.token)).statusCode, 'after logout').to.equal(401);
    expect((await t.request({ method: 'GET', url: '/api/orders', token: out.token })).statusCode).to.equal(
      401,
    );

    const changer = await registerUser(t);
    // a new token carries a later iat than the old one (whole seconds)
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const changed = await t.request({
      method: 'PUT',
      url: '/api/auth/updatepassword',
      token: changer.token,
      body: { currentPassword: changer.password, newPassword: 'a-brand-new-pass-9' },
    });
    expect(changed.statusCode, changed.body).to.equal(200);
    expect((await me(changer.token)).statusCode, 'token from before the change').to.equal(401);
    expect((await me(changed.json().token)).statusCode, 'the token the change answered').to.equal(200);
  });

  it('throttles login guessing per account and IP: 429 with Retry-After, and the right password does not get through', async () => {
    const limited = await buildTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_MS: '600000' });
    try {
      const victim = await registerUser(limited);
      const login = (password: string) =>
        limited.request({
          method: 'POST',
          url: '/api/auth/login',
          body: { email: victim.user.email, password },
        });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await login(`guess-${i}-wrong`)).statusCode);
      // a wrong password is 400 INVALID_CREDENTIALS (compat)
      expect(statuses.slice(0, 3)).to.deep.equal([400, 400, 400]);
      expect(statuses.slice(3)).to.deep.equal([429, 429, 429]);
      const right = await login(victim.password);
      expect(right.statusCode).to.equal(429);
      expect(Number(right.headers['retry-after'])).to.be.greaterThan(0);
      expect(right.body).to.not.include('token');
    } finally {
      await limited.close();
    }
  });

  it('parallel guesses do not slip past the login throttle', async () => {
    const limited = await buildTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_MAX_CONCURRENT_PER_IP: '50' });
    try {
      const victim = await registerUser(limited);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          limited.request({
            method: 'POST',
            url: '/api/auth/login',
            body: { email: victim.user.email, password: `parallel-${i}` },
          }),
        ),
      );
      const refusedAsWrong = answers.filter((a) => a.statusCode === 400).length;
      expect(refusedAsWrong, 'password checks allowed').to.be.at.most(3);
      expect(answers.every((a) => [400, 429].includes(a.statusCode))).to.equal(true);
    } finally {
      await limited.close();
    }
  });

  it('a password reset token works once, and not for anyone else or after another reset was asked', async () => {
    const shopper = await registerUser(t);
    const resetToken = async () => {
      await t.request({
        method: 'POST',
        url: '/api/auth/forgotpassword',
        body: { email: shopper.user.email },
      });
      await mailSettled(t);
      const mail = outbox(t)
        .filter((m) => m.to === shopper.user.email && /reset/i.test(m.subject))
        .at(-1)!;
      return /reset-password\/([0-9a-f]{64})/.exec(mail.text)![1]!;
    };
    const reset = (token: string, password: string) =>
      t.request({ method: 'PUT', url: `/api/auth/resetpassword/${token}`, body: { password } });

    const first = await resetToken();
    const second = await resetToken();
    expect((await reset(first, 'superseded-pass-1')).statusCode, 'an older token').to.equal(400);
    const parallel = await Promise.all([reset(second, 'winner-pass-1'), reset(second, 'winner-pass-2')]);
    expect(parallel.map((r) => r.statusCode).sort()).to.deep.equal([200, 400]);
    expect((await reset(second, 'again-pass-3')).statusCode, 'used token').to.equal(400);
    expect((await reset('0'.repeat(64), 'guess-pass-1')).statusCode, 'guessed token').to.equal(400);
    expect((await me(shopper.token)).statusCode, 'tokens from before the reset').to.equal(401);
  });
});
