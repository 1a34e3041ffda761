import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { USER_REPOSITORY, type UserRepository } from '../../../application/identity/ports.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  buildTestApp,
  registerUser,
  type TestApp,
} from '../../support/harness.js';
import { TestClock } from '../../support/kit.js';
import { describeWith, mongoTestUri } from '../../support/services.js';
import { mailSettled } from '../../support/notifications.js';
import { outbox } from './helpers.js';

const STEP_MS = 30_000;

/** The code of `secret` at the clock's instant plus `steps` time steps, computed by otpauth. */
function codeAt(secret: string, clock: TestClock, steps = 0): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: clock.now().getTime() + steps * STEP_MS,
  });
}

function mfaSuite(label: string, env: () => Record<string, string>) {
  describe(`http/identity: /api/auth/mfa (${label})`, () => {
    let t: TestApp;
    // Mid-step, so ±1 step is never ambiguous.
    const clock = new TestClock(Math.floor(Date.now() / STEP_MS) * STEP_MS + 10_000);
    before(async () => {
      t = await buildTestApp(env(), { clock });
    });
    after(async () => {
      await t.close();
    });

    const post = (url: string, body?: unknown, token?: string) =>
      t.request({
        method: 'POST',
        url,
        ...(body !== undefined ? { body } : {}),
        ...(token ? { token } : {}),
      });

    /** A fresh shopper with MFA on: their secret, recovery codes and credentials. */
    async function enrolled() {
      const shopper = await registerUser(t);
      const setup = await post('/api/auth/mfa/setup', undefined, shopper.token);
      expect(setup.statusCode, setup.body).to.equal(200);
      const { secret } = setup.json().data;
      const verify = await post('/api/auth/mfa/verify', { code: codeAt(secret, clock) }, shopper.token);
      expect(verify.statusCode, verify.body).to.equal(200);
      clock.advance(STEP_MS); // the verify code's step is spent
      return { ...shopper, secret, recoveryCodes: verify.json().data.recoveryCodes as string[] };
    }

    const login = (email: string, password: string) => post('/api/auth/login', { email, password });

    it('setup answers a secret, its otpauth URL and a PNG QR code; the secret stays pending', async () => {
      const shopper = await registerUser(t);
      const first = (await post('/api/auth/mfa/setup', undefined, shopper.token)).json().data;
      const again = await post('/api/auth/mfa/setup', undefined, shopper.token);
      expect(again.statusCode).to.equal(200);
      const second = again.json().data;
      expect(second.secret).to.match(/^[A-Z2-7]{32}$/);
      expect(second.secret).to.not.equal(first.secret);
      expect(second.otpauthUrl).to.match(/^otpauth:\/\/totp\/Amour%20Florals:/);
      expect(second.otpauthUrl).to.include(`secret=${second.secret}`).and.include('issuer=Amour%20Florals');
      expect(second.qrCode).to.match(/^data:image\/png;base64,/);
      // Setting up again replaced the pending secret: the first one's code no longer verifies.
      const stale = await post('/api/auth/mfa/verify', { code: codeAt(first.secret, clock) }, shopper.token);
      expect(stale.statusCode).to.equal(400);
      expect(stale.json().code ?? stale.json().error).to.exist;
      // Login is unchanged until it is verified.
      expect((await login(shopper.user.email, shopper.password)).json()).to.have.property('token');
      const users = t.container.get<UserRepository>(USER_REPOSITORY);
      const stored = await users.findById(shopper.user._id);
      expect(stored?.mfa?.enabled).to.equal(false);
      expect(stored?.mfa?.pendingSecret).to.equal(second.secret);
    });

    it('verify enables MFA with ten recovery codes stored only hashed; setup again is 409', async () => {
      const shopper = await enrolled();
      expect(shopper.recoveryCodes).to.have.length(10);
      for (const code of shopper.recoveryCodes) expect(code).to.match(/^[a-z2-9]{4}-[a-z2-9]{4}$/);
      expect(new Set(shopper.recoveryCodes).size).to.equal(10);
      const stored = await t.container.get<UserRepository>(USER_REPOSITORY).findById(shopper.user._id);
      expect(stored?.mfa).to.include({ enabled: true, secret: shopper.secret });
      expect(stored?.mfa?.recoveryCodeHashes).to.have.length(10);
      for (const code of shopper.recoveryCodes) {
        expect(JSON.stringify(stored?.mfa)).to.not.include(code.replace('-', ''));
      }
      const again = await post('/api/auth/mfa/setup', undefined, shopper.token);
      expect(again.statusCode).to.equal(409);
      expect(again.body).to.include('MFA_ALREADY_ENABLED');
      // The secret and the codes never in any user answer; only that MFA is on.
      const me = await t.request({ method: 'GET', url: '/api/auth/me', token: shopper.token });
      expect(me.body).to.not.include(shopper.secret).and.not.include('ecret').and.not.include('recovery');
      expect(me.json().data.user.mfaEnabled).to.equal(true);
    });

    it('login answers mfaRequired and a challenge, no token; the challenge with a code gives the session', async () => {
      const shopper = await enrolled();
      const res = await login(shopper.user.email, shopper.password);
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body).to.not.have.property('token');
      expect(body).to.include({ status: 'success', mfaRequired: true });
      expect(body.data.challengeToken).to.be.a('string');
      expect(Date.parse(body.data.expiresAt) - clock.now().getTime()).to.equal(5 * 60_000);

      const done = await post('/api/auth/mfa/challenge', {
        challengeToken: body.data.challengeToken,
        code: codeAt(shopper.secret, clock),
      });
      expect(done.statusCode, done.body).to.equal(200);
      const session = done.json();
      expect(session.data.user._id).to.equal(shopper.user._id);
      const me = await t.request({ method: 'GET', url: '/api/auth/me', token: session.token });
      expect(me.statusCode).to.equal(200);
      // Single use: the same challenge again, even with a fresh code, is refused.
      clock.advance(STEP_MS);
      const again = await post('/api/auth/mfa/challenge', {
        challengeToken: body.data.challengeToken,
        code: codeAt(shopper.secret, clock),
      });
      expect(again.statusCode).to.equal(400);
      expect(again.body).to.include('MFA_CHALLENGE_INVALID');
    });

    it('a used code cannot be replayed with a new challenge; an expired challenge is refused', async () => {
      const shopper = await enrolled();
      const code = codeAt(shopper.secret, clock);
      const first = (await login(shopper.user.email, shopper.password)).json().data.challengeToken;
      expect((await post('/api/auth/mfa/challenge', { challengeToken: first, code })).statusCode).to.equal(
        200,
      );
      const second = (await login(shopper.user.email, shopper.password)).json().data.challengeToken;
      const replay = await post('/api/auth/mfa/challenge', { challengeToken: second, code });
      expect(replay.statusCode).to.equal(400);
      expect(replay.body).to.include('MFA_CODE_INVALID');
      // The challenge survived the wrong code; after 5 minutes it is gone.
      clock.advance(5 * 60_000 + 1);
      const late = await post('/api/auth/mfa/challenge', {
        challengeToken: second,
        code: codeAt(shopper.secret, clock),
      });
      expect(late.statusCode).to.equal(400);
      expect(late.body).to.include('MFA_CHALLENGE_INVALID');
    });

    it('one code used by two parallel challenges signs in exactly once', async () => {
      const shopper = await enrolled();
      const code = codeAt(shopper.secret, clock);
      const tokens = [];
      for (let i = 0; i < 4; i += 1) {
        tokens.push((await login(shopper.user.email, shopper.password)).json().data.challengeToken);
      }
      const answers = await Promise.all(
        tokens.map((challengeToken) => post('/api/auth/mfa/challenge', { challengeToken, code })),
      );
      const statuses = answers.map((a) => a.statusCode).sort();
      expect(statuses).to.deep.equal([200, 400, 400, 400]);
    });

    it('a recovery code completes one sign-in, once', async () => {
      const shopper = await enrolled();
      const [recovery] = shopper.recoveryCodes;
      const first = (await login(shopper.user.email, shopper.password)).json().data.challengeToken;
      const ok = await post('/api/auth/mfa/challenge', {
        challengeToken: first,
        recoveryCode: recovery!.toUpperCase(),
      });
      expect(ok.statusCode, ok.body).to.equal(200);
      const second = (await login(shopper.user.email, shopper.password)).json().data.challengeToken;
      const reuse = await post('/api/auth/mfa/challenge', { challengeToken: second, recoveryCode: recovery });
      expect(reuse.statusCode).to.equal(400);
      expect(reuse.body).to.include('MFA_CODE_INVALID');
      const stored = await t.container.get<UserRepository>(USER_REPOSITORY).findById(shopper.user._id);
      expect(stored?.mfa?.recoveryCodeHashes).to.have.length(9);
    });

    it('wrong codes are throttled like passwords: 429 with Retry-After, even for the right code', async () => {
      const shopper = await enrolled();
      const challengeToken = (await login(shopper.user.email, shopper.password)).json().data.challengeToken;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await post('/api/auth/mfa/challenge', { challengeToken, code: '000000' });
        statuses.push(res.statusCode);
      }
      expect(statuses.slice(0, 5)).to.deep.equal([400, 400, 400, 400, 400]);
      expect(statuses[5]).to.equal(429);
      const blocked = await post('/api/auth/mfa/challenge', {
        challengeToken,
        code: codeAt(shopper.secret, clock),
      });
      expect(blocked.statusCode).to.equal(429);
      expect(Number(blocked.headers['retry-after'])).to.be.greaterThan(0);
      expect(blocked.body).to.include('TOO_MANY_ATTEMPTS');
    });

    it('disable needs the password and a code; then login answers a token again', async () => {
      const shopper = await enrolled();
      const noCode = await post('/api/auth/mfa/disable', { password: shopper.password }, shopper.token);
      expect(noCode.statusCode).to.equal(400);
      expect(noCode.body).to.include('code');
      const wrongPassword = await post(
        '/api/auth/mfa/disable',
        { password: 'not-the-password', code: codeAt(shopper.secret, clock) },
        shopper.token,
      );
      expect(wrongPassword.statusCode).to.equal(400);
      const wrongCode = await post(
        '/api/auth/mfa/disable',
        { password: shopper.password, code: '000000' },
        shopper.token,
      );
      expect(wrongCode.statusCode).to.equal(400);
      expect(wrongCode.body).to.include('MFA_CODE_INVALID');
      const ok = await post(
        '/api/auth/mfa/disable',
        { password: shopper.password, code: shopper.recoveryCodes[3] },
        shopper.token,
      );
      expect(ok.statusCode, ok.body).to.equal(200);
      expect((await login(shopper.user.email, shopper.password)).json()).to.have.property('token');
      const me = await t.request({ method: 'GET', url: '/api/auth/me', token: shopper.token });
      expect(me.json().data.user.mfaEnabled).to.equal(false);
    });

    it('a password reset of an MFA account answers the challenge, not a session', async () => {
      const shopper = await enrolled();
      await mailSettled(t);
      await post('/api/auth/forgotpassword', { email: shopper.user.email });
      await mailSettled(t);
      const mail = outbox(t)
        .filter((m) => m.to === shopper.user.email && /reset/i.test(m.subject))
        .at(-1);
      const token = /reset-password\/([0-9a-f]{64})/.exec(mail!.text)![1]!;
      const res = await t.request({
        method: 'PUT',
        url: `/api/auth/resetpassword/${token}`,
        body: { password: 'brand-new-pass' },
      });
      expect(res.statusCode, res.body).to.equal(200);
      expect(res.json()).to.not.have.property('token');
      const done = await post('/api/auth/mfa/challenge', {
        challengeToken: res.json().data.challengeToken,
        code: codeAt(shopper.secret, clock),
      });
      expect(done.statusCode, done.body).to.equal(200);
    });

    it('accounts without MFA log in exactly as before (storefront)', async () => {
      const shopper = await registerUser(t);
      const body = (await login(shopper.user.email, shopper.password)).json();
      expect(Object.keys(body).sort()).to.deep.equal(['data', 'status', 'token', 'user']);
      expect(body).to.not.have.property('mfaRequired');
    });

    it('bad input answers 400 naming the field', async () => {
      const shopper = await registerUser(t);
      const res = await post('/api/auth/mfa/verify', { code: 'abc' }, shopper.token);
      expect(res.statusCode).to.equal(400);
      expect(res.body).to.include('code');
      const noToken = await post('/api/auth/mfa/challenge', { code: '123456' });
      expect(noToken.statusCode).to.equal(400);
      const unauth = await post('/api/auth/mfa/setup');
      expect(unauth.statusCode).to.equal(401);
    });
  });
}

mfaSuite('memory', () => ({}));
describeWith(['mongo'], 'MFA on MongoDB', () => {
  mfaSuite('mongo', () => ({ MONGODB_URI: mongoTestUri('mfa_routes') }));
});

describe('http/identity: MFA_REQUIRED_FOR_ADMINS', () => {
  for (const required of [true, false]) {
    it(`${required ? 'refuses' : 'lets'} an admin without MFA on admin-only routes (${required})`, async () => {
      const clock = new TestClock(Math.floor(Date.now() / STEP_MS) * STEP_MS + 10_000);
      const t = await buildTestApp({ MFA_REQUIRED_FOR_ADMINS: String(required) }, { clock });
      try {
        const login = await t.request({
          method: 'POST',
          url: '/api/auth/login',
          body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
        });
        expect(login.statusCode).to.equal(200);
        const token = login.json().token as string;
        const adminScope = await t.request({ method: 'GET', url: '/api/admin/products', token });
        const adminRoute = await t.request({
          method: 'POST',
          url: '/api/categories',
          token,
          body: { name: `Cat ${Date.now()}` },
        });
        const apiAlias = await t.request({ method: 'GET', url: '/api/api/admin/products', token });
        const shopperRoute = await t.request({ method: 'GET', url: '/api/auth/me', token });
        expect(shopperRoute.statusCode).to.equal(200);
        if (!required) {
          expect(adminScope.statusCode).to.equal(200);
          expect(adminRoute.statusCode).to.not.equal(403);
          return;
        }
        for (const res of [adminScope, adminRoute, apiAlias]) {
          expect(res.statusCode, res.body).to.equal(403);
          expect(res.body).to.include('MFA_SETUP_REQUIRED');
        }
        // The MFA routes stay open; once enabled, the admin routes answer.
        const setup = await t.request({ method: 'POST', url: '/api/auth/mfa/setup', token });
        expect(setup.statusCode).to.equal(200);
        const verify = await t.request({
          method: 'POST',
          url: '/api/auth/mfa/verify',
          token,
          body: { code: codeAt(setup.json().data.secret, clock) },
        });
        expect(verify.statusCode).to.equal(200);
        expect((await t.request({ method: 'GET', url: '/api/admin/products', token })).statusCode).to.equal(
          200,
        );
      } finally {
        await t.close();
      }
    });
  }
});
