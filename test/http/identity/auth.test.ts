import { mailSettled } from '../../support/notifications.js';
import { expect } from 'chai';
import { randomBytes, randomInt } from 'node:crypto';
import { JwtTokenService } from '../../../adapters/security/jwt-token-service.js';
import { USER_REPOSITORY, type UserRepository } from '../../../application/identity/ports.js';
import { SetUserActive } from '../../../application/identity/admin-accounts.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { TestClock } from '../../support/kit.js';
import { decodePayload, expiredToken, foreignToken, outbox } from './helpers.js';

// The storefront's keys, plus the extended user's additive ones (issue 10) and mfaEnabled (issue 13).
const USER_KEYS = [
  '__v',
  '_id',
  'addresses',
  'avatar',
  'createdAt',
  'deviceInfo',
  'email',
  'favorites',
  'fullName',
  'isActive',
  'loyaltyPoints',
  'membershipTier',
  'mfaEnabled',
  'preferences',
  'role',
  'searchHistory',
  'updatedAt',
];

let seq = 0;
const freshEmail = () => `http.user${(seq += 1)}.${Date.now()}@example.com`;

describe('http/identity: /api/auth', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => {
    await t.close();
  });

  const register = (body: unknown) => t.request({ method: 'POST', url: '/api/auth/register', body });
  const login = (body: unknown) => t.request({ method: 'POST', url: '/api/auth/login', body });
  const me = (token?: string, headers?: Record<string, string>) =>
    t.request({
      method: 'GET',
      url: '/api/auth/me',
      ...(token ? { token } : {}),
      ...(headers ? { headers } : {}),
    });

  describe('POST /register', () => {
    it('201 with token, top-level user and data.user; email lowercased; no secrets', async () => {
      const email = freshEmail();
      const res = await register({
        fullName: '  Rose Petal ',
        email: email.toUpperCase(),
        password: 'secret1',
        phone: '',
        birthday: '',
      });
      expect(res.statusCode).to.equal(201);
      const body = res.json();
      expect(body.status).to.equal('success');
      expect(body.token).to.be.a('string');
      expect(body.user).to.deep.equal(body.data.user);
      const user = body.data.user;
      expect(Object.keys(user).sort()).to.deep.equal(USER_KEYS);
      expect(user).to.include({
        fullName: 'Rose Petal',
        email,
        role: 'user',
        isActive: true,
        avatar: null,
        __v: 0,
      });
      expect(user._id).to.match(/^[0-9a-f]{24}$/);
      expect(user.preferences).to.deep.equal({
        emailNotifications: true,
        smsNotifications: false,
        newsletter: true,
        favoriteOccasions: [],
        priceRange: null,
      });
      expect(res.body).not.to.match(/password|hash|resetToken/i);
    });

    it('keeps phone and birthday when given', async () => {
      const res = await register({
        fullName: 'Lily',
        email: freshEmail(),
        password: 'secret1',
        phone: '+91 98765-43210',
        birthday: '3 March',
      });
      expect(res.statusCode).to.equal(201);
      expect(res.json().data.user).to.include({ phone: '+91 98765-43210', birthday: '3 March' });
    });

    it('issues a JWT whose payload is exactly {id, sid, iat, exp} and base64-decodable by atob', async () => {
      const { token, user } = await registerUser(t);
      const payload = decodePayload(token);
      expect(Object.keys(payload)).to.deep.equal(['id', 'sid', 'iat', 'exp']);
      expect(payload.id).to.equal(user._id);
      expect(payload.sid).to.match(/^[0-9a-f]{24}$/);
      expect((payload.exp as number) - (payload.iat as number)).to.equal(30 * 86400);
      expect(token.split('.')[1]).to.match(/^[A-Za-z0-9+/]+=*$/);
    });

    it('compat 0.3: for many random sids (any alphanumeric), the payload base64 never has - or _', () => {
      const tokens = new JwtTokenService('compat-secret-long-enough-for-hs256-000000000000', 30 * 86400);
      const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      for (let i = 0; i < 2000; i += 1) {
        const sid = Array.from({ length: 1 + randomInt(64) }, () => alnum[randomInt(alnum.length)]).join('');
        const id = randomBytes(12).toString('hex');
        const iat = randomInt(2 ** 31);
        const { token } = tokens.sign(id, iat, sid);
        const part = token.split('.')[1]!;
        expect(part, sid).to.match(/^[A-Za-z0-9]+$/);
        expect(JSON.parse(atob(part))).to.deep.equal({ id, sid, iat, exp: iat + 30 * 86400 });
        expect(tokens.verify(token, iat)?.sessionId).to.equal(sid);
      }
      // The check bites: a payload char the rule forbids does yield one (so the loop above proves something).
      expect(Buffer.from('{"a":">>>"}').toString('base64url')).to.match(/[-_]/);
      expect(() => tokens.sign(randomBytes(12).toString('hex'), 1, 'a?b')).to.throw();
    });

    it('writes a welcome mail to the outbox', async () => {
      const email = freshEmail();
      await register({ fullName: 'Mail Me', email, password: 'secret1' });
      await mailSettled(t);
      const mails = outbox(t).filter((m) => m.to === email);
      expect(mails.map((m) => m.subject)).to.deep.equal(['Welcome to Amour Florals']);
    });

    it('400 for a duplicate email in another case, with the compat message', async () => {
      const email = freshEmail();
      expect((await register({ fullName: 'A', email, password: 'secret1' })).statusCode).to.equal(201);
      const res = await register({ fullName: 'B', email: email.toUpperCase(), password: 'secret1' });
      expect(res.statusCode).to.equal(400);
      expect(res.json()).to.include({ status: 'error', message: 'User already exists with this email' });
    });

    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['missing fullName', { email: 'a@b.co', password: 'secret1' }, /fullName/],
      ['missing email', { fullName: 'A', password: 'secret1' }, /email/],
      ['missing password', { fullName: 'A', email: 'a@b.co' }, /password/],
      [
        'bad email',
        { fullName: 'A', email: 'not-an-email', password: 'secret1' },
        /^Please provide a valid email$/,
      ],
      [
        'short password',
        { fullName: 'A', email: 'a@b.co', password: '12345' },
        /^Password must be at least 6 characters$/,
      ],
      [
        'long name',
        { fullName: 'x'.repeat(51), email: 'a@b.co', password: 'secret1' },
        /Full name cannot be more than 50/,
      ],
      ['bad phone', { fullName: 'A', email: 'a@b.co', password: 'secret1', phone: 'call me' }, /valid phone/],
      ['number as name', { fullName: 123, email: 'a@b.co', password: 'secret1' }, /fullName.*string/],
      ['role field', { fullName: 'A', email: 'a@b.co', password: 'secret1', role: 'admin' }, /role/],
      ['operator injection', { fullName: 'A', email: { $gt: '' }, password: 'secret1' }, /email.*string/],
    ];
    for (const [name, body, message] of bad) {
      it(`400 for ${name}`, async () => {
        const res = await register(body);
        expect(res.statusCode).to.equal(400);
        expect(res.json().status).to.equal('error');
        expect(res.json().message).to.match(message);
      });
    }

    it('a registration with role: admin creates nobody', async () => {
      const email = freshEmail();
      await register({ fullName: 'Sneaky', email, password: 'secret1', role: 'admin' });
      const users = t.container.get<UserRepository>(USER_REPOSITORY);
      expect(await users.findByEmail(email)).to.equal(null);
    });
  });

  describe('POST /login', () => {
    it('200 token response with top-level user; any email case; sets lastLogin', async () => {
      const { user, password } = await registerUser(t);
      const res = await login({ email: user.email.toUpperCase(), password });
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body.status).to.equal('success');
      expect(body.user).to.deep.equal(body.data.user);
      expect(body.user._id).to.equal(user._id);
      expect(body.user.lastLogin).to.be.a('string');
      expect((await me(body.token)).statusCode).to.equal(200);
    });

    it('is reachable under the doubled /api/api prefix', async () => {
      const { user, password } = await registerUser(t);
      const res = await t.request({
        method: 'POST',
        url: '/api/api/auth/login',
        body: { email: user.email, password },
      });
      expect(res.statusCode).to.equal(200);
    });

    for (const body of [{}, { email: 'a@b.co' }, { password: 'x' }, { email: '', password: '' }]) {
      it(`400 'Please provide email and password' for ${JSON.stringify(body)}`, async () => {
        const res = await login(body);
        expect(res.statusCode).to.equal(400);
        expect(res.json().message).to.equal('Please provide email and password');
      });
    }

    it('400 for operator injection and unknown fields', async () => {
      expect((await login({ email: { $gt: '' }, password: 'x' })).statusCode).to.equal(400);
      expect((await login({ email: 'a@b.co', password: { $ne: null } })).statusCode).to.equal(400);
      expect((await login({ email: 'a@b.co', password: 'x', role: 'admin' })).statusCode).to.equal(400);
    });

    it('answers unknown emails and wrong passwords identically (no enumeration)', async () => {
      const { user } = await registerUser(t);
      const wrong = await login({ email: user.email, password: 'wrong-password' });
      const unknown = await login({ email: freshEmail(), password: 'wrong-password' });
      expect(wrong.statusCode).to.equal(400);
      expect(unknown.statusCode).to.equal(400);
      expect(wrong.json()).to.deep.equal({
        status: 'error',
        message: 'Invalid credentials',
        code: 'INVALID_CREDENTIALS',
      });
      expect(unknown.json()).to.deep.equal(wrong.json());
    });

    it('401 deactivated for a deactivated account with the right password', async () => {
      const { user, password } = await registerUser(t);
      await t.container.get(SetUserActive).execute({ userId: user._id, isActive: false });
      const res = await login({ email: user.email, password });
      expect(res.statusCode).to.equal(401);
      expect(res.json().message).to.equal('User account is deactivated');
    });
  });

  describe('GET /me and token checks', () => {
    it('200 with top-level user (admin area) and data.user (profile page)', async () => {
      const { token, user } = await registerUser(t, { phone: '555 0101' });
      const res = await me(token);
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body.status).to.equal('success');
      expect(body.user).to.deep.equal(body.data.user);
      expect(body.data.user).to.include({
        _id: user._id,
        fullName: user.fullName,
        email: user.email,
        phone: '555 0101',
      });
    });

    it('401 Not authorized for no header, "Bearer " only, malformed, random, badly signed and expired tokens', async () => {
      const { token, user } = await registerUser(t);
      const [h, p] = token.split('.');
      const cases: Record<string, string>[] = [
        {},
        { authorization: 'Bearer ' },
        { authorization: 'Bearer' },
        { authorization: '' },
        { authorization: token },
        { authorization: 'Bearer not.a.jwt' },
        { authorization: 'Bearer abcdef123456' },
        { authorization: `Bearer ${h}.${p}.c2lnbmF0dXJl` },
        { authorization: `Bearer ${foreignToken(user._id)}` },
        { authorization: `Bearer ${expiredToken(user._id)}` },
      ];
      for (const headers of cases) {
        const res = await me(undefined, headers);
        expect(res.statusCode, JSON.stringify(headers)).to.equal(401);
        expect(res.json()).to.deep.equal({
          status: 'error',
          message: 'Not authorized to access this route',
          code: 'NOT_AUTHENTICATED',
        });
      }
    });

    it('401 User no longer exists for a deleted account', async () => {
      const { token, user } = await registerUser(t);
      await t.container.get<UserRepository>(USER_REPOSITORY).delete(user._id);
      const res = await me(token);
      expect(res.statusCode).to.equal(401);
      expect(res.json().message).to.equal('User no longer exists');
    });
  });

  describe('logout', () => {
    for (const method of ['GET', 'POST'] as const) {
      it(`${method} revokes the presented token; later use is 401; answers 200 {status, data:{}}`, async () => {
        const { token, user, password } = await registerUser(t);
        const other = (await login({ email: user.email, password })).json().token as string;
        const res = await t.request({ method, url: '/api/auth/logout', token });
        expect(res.statusCode).to.equal(200);
        expect(res.json()).to.deep.equal({ status: 'success', data: {} });
        expect((await me(token)).statusCode).to.equal(401);
        // another session of the same user is untouched (unless it is the very same token)
        if (other !== token) expect((await me(other)).statusCode).to.equal(200);
      });

      it(`${method} answers 200 without a token or with a bad one`, async () => {
        expect((await t.request({ method, url: '/api/auth/logout' })).statusCode).to.equal(200);
        const bad = await t.request({ method, url: '/api/auth/logout', token: 'garbage' });
        expect(bad.statusCode).to.equal(200);
        expect(bad.json()).to.deep.equal({ status: 'success', data: {} });
      });
    }

    it('POST accepts an empty JSON body (the admin layout sends one)', async () => {
      const { token } = await registerUser(t);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/api/auth/logout',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: '',
      });
      expect(res.statusCode).to.equal(200);
      expect((await me(token)).statusCode).to.equal(401);
    });
  });

  describe('PUT /updatedetails', () => {
    const update = (token: string | undefined, body: unknown) =>
      t.request({ method: 'PUT', url: '/api/auth/updatedetails', ...(token ? { token } : {}), body });

    it('200 {status, data:{user}} with the changes; "" removes the phone', async () => {
      const { token } = await registerUser(t, { phone: '12345' });
      const email = freshEmail();
      const res = await update(token, {
        fullName: 'New Name',
        email: email.toUpperCase(),
        phone: '',
        birthday: 'May',
      });
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(Object.keys(body)).to.deep.equal(['status', 'data']);
      expect(body.data.user).to.include({ fullName: 'New Name', email, birthday: 'May' });
      expect(body.data.user).not.to.have.property('phone');
      expect((await me(token)).json().user.email).to.equal(email);
    });

    it('400 for a duplicate email, a bad email, a blank name, unknown fields and wrong types', async () => {
      const a = await registerUser(t);
      const b = await registerUser(t);
      const cases: [unknown, RegExp][] = [
        [{ email: a.user.email.toUpperCase() }, /^User already exists with this email$/],
        [{ email: 'bad@' }, /^Please provide a valid email$/],
        [{ fullName: '   ' }, /^Please provide your full name$/],
        [{ fullName: 'X', role: 'admin' }, /role/],
        [{ phone: 12345 }, /phone/],
        [{ email: { $gt: '' } }, /email/],
      ];
      for (const [body, message] of cases) {
        const res = await update(b.token, body);
        expect(res.statusCode, JSON.stringify(body)).to.equal(400);
        expect(res.json().message).to.match(message);
      }
      expect((await me(b.token)).json().user.role).to.equal('user');
    });

    it('401 without a token', async () => {
      expect((await update(undefined, { fullName: 'X' })).statusCode).to.equal(401);
    });
  });

  describe('PUT /updatepassword (with a clock we move)', () => {
    let ct: TestApp;
    const clock = new TestClock(Date.now());
    before(async () => {
      ct = await buildTestApp({}, { clock });
    });
    after(async () => {
      await ct.close();
    });
    const change = (token: string | undefined, body: unknown) =>
      ct.request({ method: 'PUT', url: '/api/auth/updatepassword', ...(token ? { token } : {}), body });

    it('400 (not 401) for a wrong current password', async () => {
      const { token } = await registerUser(ct);
      const res = await change(token, { currentPassword: 'not-it', newPassword: 'brand-new' });
      expect(res.statusCode).to.equal(400);
      expect(res.json().code).to.equal('INVALID_CURRENT_PASSWORD');
    });

    it('400 for a short new password, missing fields and unknown fields; 401 without a token', async () => {
      const { token, password } = await registerUser(ct);
      expect(
        (await change(token, { currentPassword: password, newPassword: '123' })).json().message,
      ).to.equal('Password must be at least 6 characters');
      expect((await change(token, { currentPassword: password })).statusCode).to.equal(400);
      expect(
        (await change(token, { currentPassword: password, newPassword: 'abcdefg', x: 1 })).statusCode,
      ).to.equal(400);
      expect(
        (await change(undefined, { currentPassword: password, newPassword: 'abcdefg' })).statusCode,
      ).to.equal(401);
    });

    it('answers a fresh token; older tokens stop working; the new password logs in', async () => {
      const { token, user, password } = await registerUser(ct);
      clock.advance(2000);
      const res = await change(token, { currentPassword: password, newPassword: 'brand-new-pass' });
      expect(res.statusCode).to.equal(200);
      const fresh = res.json().token as string;
      expect(res.json().user._id).to.equal(user._id);
      const meOld = await ct.request({ method: 'GET', url: '/api/auth/me', token });
      expect(meOld.statusCode).to.equal(401);
      expect(meOld.json().message).to.equal('Not authorized to access this route');
      expect((await ct.request({ method: 'GET', url: '/api/auth/me', token: fresh })).statusCode).to.equal(
        200,
      );
      const relog = await ct.request({
        method: 'POST',
        url: '/api/auth/login',
        body: { email: user.email, password: 'brand-new-pass' },
      });
      expect(relog.statusCode).to.equal(200);
    });

    it('a token past its exp is refused (clock moved beyond the lifetime)', async () => {
      const { token } = await registerUser(ct);
      clock.advance(30 * 86400_000 + 1000);
      expect((await ct.request({ method: 'GET', url: '/api/auth/me', token })).statusCode).to.equal(401);
    });
  });

  describe('forgot and reset password', () => {
    let ct: TestApp;
    const clock = new TestClock(Date.now());
    before(async () => {
      ct = await buildTestApp({ FRONTEND_URL: 'https://shop.example' }, { clock });
    });
    after(async () => {
      await ct.close();
    });

    // The answer comes before the mail (a background task): wait for it before reading the outbox.
    const forgot = async (body: unknown) => {
      const res = await ct.request({ method: 'POST', url: '/api/auth/forgotpassword', body });
      await mailSettled(ct);
      return res;
    };
    const reset = (token: string, body: unknown) =>
      ct.request({ method: 'PUT', url: `/api/auth/resetpassword/${token}`, body });
    function tokenMailedTo(email: string): string {
      const mail = outbox(ct)
        .filter((m) => m.to === email && /reset/i.test(m.subject))
        .at(-1);
      if (!mail) throw new Error(`no reset mail to ${email}`);
      const m = /https:\/\/shop\.example\/reset-password\/([0-9a-f]{64})/.exec(mail.text);
      if (!m) throw new Error('no link');
      expect(mail.html).to.contain(m[0]);
      return m[1]!;
    }

    it('answers 200 "Password reset email sent" for known and unknown emails alike', async () => {
      const { user } = await registerUser(ct);
      await mailSettled(ct); // the welcome mail
      const before = outbox(ct).length;
      const unknown = await forgot({ email: freshEmail() });
      expect(outbox(ct).length).to.equal(before);
      const known = await forgot({ email: user.email.toUpperCase() });
      expect(unknown.statusCode).to.equal(200);
      expect(known.statusCode).to.equal(200);
      expect(unknown.json()).to.deep.equal({
        status: 'success',
        message: 'Password reset email sent',
        data: {},
      });
      expect(known.json()).to.deep.equal(unknown.json());
      expect(outbox(ct).length).to.equal(before + 1);
    });

    it('400 for missing/invalid/injected email', async () => {
      expect((await forgot({})).statusCode).to.equal(400);
      expect((await forgot({ email: 'nope' })).statusCode).to.equal(400);
      expect((await forgot({ email: { $gt: '' } })).statusCode).to.equal(400);
    });

    it('end to end: the mailed token resets the password once and answers a token', async () => {
      const { user, token: oldToken, password } = await registerUser(ct);
      await forgot({ email: user.email });
      const resetToken = tokenMailedTo(user.email);
      clock.advance(2000);
      const res = await reset(resetToken, { password: 'after-reset-1' });
      expect(res.statusCode).to.equal(200);
      expect(res.json().status).to.equal('success');
      expect(res.json().user._id).to.equal(user._id);
      expect(
        (await ct.request({ method: 'GET', url: '/api/auth/me', token: res.json().token })).statusCode,
      ).to.equal(200);
      expect((await ct.request({ method: 'GET', url: '/api/auth/me', token: oldToken })).statusCode).to.equal(
        401,
      );
      const login = (pw: string) =>
        ct.request({ method: 'POST', url: '/api/auth/login', body: { email: user.email, password: pw } });
      expect((await login(password)).statusCode).to.equal(400);
      expect((await login('after-reset-1')).statusCode).to.equal(200);
      const again = await reset(resetToken, { password: 'after-reset-2' });
      expect(again.statusCode).to.equal(400);
      expect(again.json()).to.include({
        message: 'Invalid or expired reset token',
        code: 'RESET_TOKEN_INVALID',
      });
    });

    it('400 Invalid or expired reset token after one hour and for made-up tokens', async () => {
      const { user } = await registerUser(ct);
      await forgot({ email: user.email });
      const resetToken = tokenMailedTo(user.email);
      clock.advance(3600_000 + 1);
      const res = await reset(resetToken, { password: 'after-reset-1' });
      expect(res.statusCode).to.equal(400);
      expect(res.json().message).to.equal('Invalid or expired reset token');
      expect((await reset('f'.repeat(64), { password: 'after-reset-1' })).json().message).to.equal(
        'Invalid or expired reset token',
      );
    });

    it('400 for a short password, missing password and unknown fields', async () => {
      expect((await reset('a'.repeat(64), { password: '123' })).json().message).to.equal(
        'Password must be at least 6 characters',
      );
      expect((await reset('a'.repeat(64), {})).statusCode).to.equal(400);
      expect((await reset('a'.repeat(64), { password: 'abcdefg', email: 'x' })).statusCode).to.equal(400);
    });
  });

  describe('login throttling', () => {
    let tt: TestApp;
    before(async () => {
      tt = await buildTestApp({ LOGIN_MAX_FAILURES: '2', LOGIN_LOCKOUT_MS: '60000' });
    });
    after(async () => {
      await tt.close();
    });
    const attempt = (email: string, password: string) =>
      tt.request({ method: 'POST', url: '/api/auth/login', body: { email, password } });

    it('429 after LOGIN_MAX_FAILURES failures, even with the right password, saying when to retry', async () => {
      const { user, password } = await registerUser(tt);
      expect((await attempt(user.email, 'wrong-1')).statusCode).to.equal(400);
      expect((await attempt(user.email, 'wrong-2')).statusCode).to.equal(400);
      const blocked = await attempt(user.email, password);
      expect(blocked.statusCode).to.equal(429);
      const body = blocked.json();
      expect(body.code).to.equal('TOO_MANY_ATTEMPTS');
      expect(body.message).to.match(
        /^Too many failed login attempts\. Please try again in (\d+ seconds|1 minutes?)$/,
      );
      expect(body.error).to.equal(body.message);
      // the wait is in a Retry-After header too, not only in the body
      expect(blocked.headers['retry-after']).to.equal(String(body.retryAfter));
      expect(Number(blocked.headers['retry-after'])).to.be.within(1, 60);
    });

    it('counts unknown emails too, and keys by email (another account is not blocked)', async () => {
      const ghost = freshEmail();
      await attempt(ghost, 'x1');
      await attempt(ghost, 'x2');
      expect((await attempt(ghost, 'x3')).statusCode).to.equal(429);
      const { user, password } = await registerUser(tt);
      expect((await attempt(user.email, password)).statusCode).to.equal(200);
    });

    it('a success resets the count', async () => {
      const { user, password } = await registerUser(tt);
      await attempt(user.email, 'wrong-1');
      expect((await attempt(user.email, password)).statusCode).to.equal(200);
      await attempt(user.email, 'wrong-2');
      expect((await attempt(user.email, password)).statusCode).to.equal(200);
    });
  });

  describe('auth rate limit (config.rateLimit.authMax)', () => {
    let rt: TestApp;
    before(async () => {
      rt = await buildTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_AUTH_MAX: '3' });
    });
    after(async () => {
      await rt.close();
    });

    it('login, register, forgotpassword and resetpassword share ONE small per-IP auth budget', async () => {
      const calls = [
        () =>
          rt.request({ method: 'POST', url: '/api/auth/login', body: { email: 'a@b.co', password: 'x' } }),
        () => rt.request({ method: 'POST', url: '/api/auth/forgotpassword', body: { email: 'a@b.co' } }),
        () =>
          rt.request({
            method: 'PUT',
            url: `/api/auth/resetpassword/${'a'.repeat(64)}`,
            body: { password: 'abcdef' },
          }),
        () =>
          rt.request({
            method: 'POST',
            url: '/api/auth/register',
            body: { fullName: 'A', email: 'bad', password: 'x' },
          }),
      ];
      // 3 calls over 3 different routes spend the budget of 3: every auth route is now refused
      const statuses: number[] = [];
      for (const call of calls.slice(0, 3)) statuses.push((await call()).statusCode);
      expect(statuses).not.to.include(429);
      for (const call of calls) {
        const limited = await call();
        expect(limited.statusCode).to.equal(429);
        expect(limited.json().error).to.be.a('string');
        expect(Number(limited.headers['retry-after'])).to.be.greaterThan(0);
      }
      // routes outside the auth limit keep the general budget
      for (let i = 0; i < 5; i += 1) {
        expect((await rt.request({ method: 'GET', url: '/api/auth/me' })).statusCode).to.equal(401);
      }
    });
  });
});
