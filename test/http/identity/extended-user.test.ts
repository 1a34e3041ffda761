import { expect } from 'chai';
import { USER_REPOSITORY, type UserRepository } from '../../../application/identity/ports.js';
import { LoyaltyAccount } from '../../../application/loyalty/account.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { TestClock, testId } from '../../support/kit.js';

describe('http/identity: the extended user (preferences, points, tier, activity)', () => {
  let t: TestApp;
  let clock: TestClock;
  before(async () => {
    clock = new TestClock();
    t = await buildTestApp({}, { clock });
  });
  after(async () => {
    await t.close();
  });

  it('PUT /auth/preferences changes only the fields sent (rupees at the edge); GET reads them; /api/api too', async () => {
    const { token } = await registerUser(t);
    const res = await t.request({
      method: 'PUT',
      url: '/api/auth/preferences',
      token,
      body: {
        newsletter: false,
        favoriteOccasions: ['wedding', 'birthday'],
        priceRange: { min: 50, max: 200.5 },
      },
    });
    expect(res.statusCode, res.body).to.equal(200);
    const expected = {
      emailNotifications: true,
      smsNotifications: false,
      newsletter: false,
      favoriteOccasions: ['wedding', 'birthday'],
      priceRange: { min: 50, max: 200.5 },
    };
    expect(res.json().data.preferences).to.deep.equal(expected);
    const again = await t.request({
      method: 'PUT',
      url: '/api/api/auth/preferences',
      token,
      body: { smsNotifications: true },
    });
    expect(again.statusCode).to.equal(200);
    const read = await t.request({ method: 'GET', url: '/api/auth/preferences', token });
    expect(read.json().data.preferences).to.deep.equal({ ...expected, smsNotifications: true });
    const me = await t.request({ method: 'GET', url: '/api/auth/me', token });
    expect(me.json().user.preferences).to.deep.equal({ ...expected, smsNotifications: true });
  });

  it('bad preferences answer 400 naming the field', async () => {
    const { token } = await registerUser(t);
    const put = (body: unknown) => t.request({ method: 'PUT', url: '/api/auth/preferences', token, body });
    const occasion = await put({ favoriteOccasions: ['graduation'] });
    expect(occasion.statusCode).to.equal(400);
    expect(occasion.json().errors.map((e: { field: string }) => e.field)).to.deep.equal([
      'favoriteOccasions',
    ]);
    const range = await put({ priceRange: { min: 300, max: 100 } });
    expect(range.statusCode).to.equal(400);
    expect(range.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['priceRange']);
    const negative = await put({ priceRange: { min: -1, max: 100 } });
    expect(negative.statusCode).to.equal(400);
    expect(negative.body).to.contain('min');
    const notBool = await put({ newsletter: 'yes' });
    expect(notBool.statusCode).to.equal(400);
    expect(notBool.body).to.contain('newsletter');
  });

  it('updatedetails keeps working with the four storefront fields and may carry preferences', async () => {
    const { token } = await registerUser(t);
    const four = await t.request({
      method: 'PUT',
      url: '/api/auth/updatedetails',
      token,
      body: { fullName: 'Asha', email: `asha.${testId()}@example.com`, phone: '', birthday: '' },
    });
    expect(four.statusCode, four.body).to.equal(200);
    const withPrefs = await t.request({
      method: 'PUT',
      url: '/api/auth/updatedetails',
      token,
      body: { fullName: 'Asha', preferences: { emailNotifications: false } },
    });
    expect(withPrefs.statusCode, withPrefs.body).to.equal(200);
    expect(withPrefs.json().data.user.preferences.emailNotifications).to.equal(false);
  });

  it('register, updatedetails and preferences can never set points, tier or role (refused, nothing stored)', async () => {
    const email = `sneaky.${testId()}@example.com`;
    const reg = await t.request({
      method: 'POST',
      url: '/api/auth/register',
      body: {
        fullName: 'Sneaky',
        email,
        password: 'secret1',
        loyaltyPoints: 99_999,
        membershipTier: 'gold',
        role: 'admin',
      },
    });
    expect(reg.statusCode).to.equal(400);
    expect(await t.container.get<UserRepository>(USER_REPOSITORY).findByEmail(email)).to.equal(null);
    const { token, user } = await registerUser(t);
    for (const [url, body] of [
      ['/api/auth/updatedetails', { fullName: 'X', loyaltyPoints: 5 }],
      ['/api/auth/updatedetails', { fullName: 'X', role: 'admin' }],
      ['/api/auth/updatedetails', { fullName: 'X', preferences: { membershipTier: 'gold' } }],
      ['/api/auth/preferences', { loyaltyPoints: 5 }],
      ['/api/auth/preferences', { membershipTier: 'gold' }],
      ['/api/auth/preferences', { role: 'admin' }],
    ] as const) {
      const res = await t.request({ method: 'PUT', url, token, body });
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).to.equal(400);
    }
    const stored = (await t.container.get<UserRepository>(USER_REPOSITORY).findById(user._id))!;
    expect(stored).to.deep.include({
      role: 'user',
      loyaltyPoints: 0,
      membershipTier: 'bronze',
      fullName: user.fullName,
    });
  });

  it('login records the device from the user agent; /auth/me shows it with points, tier and lastActiveAt', async () => {
    const { password, user } = await registerUser(t);
    const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)';
    const login = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': ua },
      body: { email: user.email, password },
    });
    expect(login.statusCode).to.equal(200);
    const me = (await t.request({ method: 'GET', url: '/api/auth/me', token: login.json().token })).json()
      .user;
    // Every sign-in is a session on a device: the registration's (the test client) comes second.
    expect(me.deviceInfo.map((d: { platform: string }) => d.platform)).to.deep.equal(['ios', 'other']);
    expect(me.deviceInfo[0]).to.include({ platform: 'ios', lastUsed: clock.now().toISOString() });
    expect(me).to.include({
      loyaltyPoints: 0,
      membershipTier: 'bronze',
      lastActiveAt: clock.now().toISOString(),
    });
    expect(me.searchHistory).to.deep.equal([]);
  });

  it('lastActiveAt is written at most once per 5 minutes per user, even for parallel requests', async () => {
    const { token, user } = await registerUser(t);
    const users = t.container.get<UserRepository>(USER_REPOSITORY);
    let writes = 0;
    const touch = users.touchActivity.bind(users);
    users.touchActivity = async (...args) => {
      const wrote = await touch(...args);
      if (wrote && args[0] === user._id) writes += 1;
      return wrote;
    };
    try {
      const start = clock.now();
      await Promise.all(
        Array.from({ length: 6 }, () => t.request({ method: 'GET', url: '/api/auth/me', token })),
      );
      clock.advance(4 * 60_000);
      await t.request({ method: 'GET', url: '/api/auth/me', token });
      expect(writes).to.equal(1);
      expect((await users.findById(user._id))?.lastActiveAt).to.deep.equal(start);
      clock.advance(60_000);
      await t.request({ method: 'GET', url: '/api/auth/me', token });
      expect(writes).to.equal(2);
      expect((await users.findById(user._id))?.lastActiveAt).to.deep.equal(clock.now());
    } finally {
      users.touchActivity = touch;
    }
  });

  it("a tier-restricted promo code follows the shopper's real tier", async () => {
    const admin = await loginAdmin(t);
    const code = `GOLD${Date.now()}`.slice(0, 16);
    const created = await t.request({
      method: 'POST',
      url: '/api/promos',
      token: admin,
      body: { code, type: 'fixed', value: 5, membershipTiers: ['gold'] },
    });
    expect(created.statusCode, created.body).to.equal(201);
    const { token, user } = await registerUser(t);
    const validate = () =>
      t.request({ method: 'GET', url: `/api/promos/validate/${code}?subtotal=100`, token });
    const before = await validate();
    expect(before.json().data).to.include({ valid: false, reason: 'PROMO_NOT_ELIGIBLE' });
    const eligible = () => t.request({ method: 'GET', url: '/api/promos/user-eligible', token });
    const codes = async () => JSON.stringify((await eligible()).json());
    expect(await codes()).to.not.contain(code);
    await t.container.get(LoyaltyAccount).record({
      id: testId(),
      userId: user._id,
      requested: 20_000,
      reason: 'order-delivered',
      orderId: testId(),
      at: clock.now(),
    });
    const me = (await t.request({ method: 'GET', url: '/api/auth/me', token })).json().user;
    expect(me).to.include({ loyaltyPoints: 20_000, membershipTier: 'gold' });
    const ledger = await t.request({
      method: 'GET',
      url: `/api/admin/users/${user._id}/loyalty`,
      token: admin,
    });
    expect(ledger.statusCode, ledger.body).to.equal(200);
    expect(ledger.json().data.total).to.equal(1);
    expect(ledger.json().data.entries[0]).to.include({
      reason: 'order-delivered',
      delta: 20_000,
      balanceAfter: 20_000,
    });
    const forbidden = await t.request({ method: 'GET', url: `/api/admin/users/${user._id}/loyalty`, token });
    expect(forbidden.statusCode).to.equal(403);
    const after = await validate();
    expect(after.json().data).to.include({ valid: true, discount: 5 });
    expect(await codes()).to.contain(code);
  });
});
