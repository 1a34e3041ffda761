import { expect } from 'chai';
import { SetUserActive } from '../../../application/identity/admin-accounts.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { TestClock } from '../../support/kit.js';
import { describeWith, serviceUrl } from '../../support/services.js';

const GRACE_MS = 5000;

/**
 * Logging out while the storefront's wishlist polls are in flight: those polls (sent with the old
 * token) must not come back 401, because the storefront treats any 401 as an expired session and
 * stores /login as the page to return to. Safe reads (GET/HEAD) with a just-logged-out token pass
 * for LOGOUT_GRACE_MS; writes are refused at once; password changes and deactivation get no grace.
 */
function graceSuite(env: () => Record<string, string>): void {
  let t: TestApp;
  const clock = new TestClock(Date.now());
  before(async () => {
    t = await buildTestApp({ LOGOUT_GRACE_MS: String(GRACE_MS), ...env() }, { clock });
  });
  after(async () => {
    await t.close();
  });

  const wishlist = (token: string) => t.request({ method: 'GET', url: '/api/api/wishlist', token });
  const logout = (token: string) => t.request({ method: 'GET', url: '/api/auth/logout', token });
  const someProductId = async () =>
    (await t.request({ method: 'GET', url: '/api/products?limit=1' })).json().data.products[0]._id as string;

  it('polls racing the logout are answered 200, not 401; writes are refused at once', async () => {
    const { token } = await registerUser(t);
    const productId = await someProductId();
    // The storefront fires several GET /wishlist at once; the shopper logs out meanwhile.
    const [polls, out] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => wishlist(token))),
      logout(token),
    ]);
    expect(out.statusCode).to.equal(200);
    expect(polls.map((r) => r.statusCode)).to.deep.equal([200, 200, 200, 200, 200]);
    // Polls sent with the old token that arrive after the logout: still 200 (GET and HEAD).
    expect((await wishlist(token)).statusCode).to.equal(200);
    expect(
      (
        await t.app.inject({
          method: 'HEAD',
          url: '/api/wishlist',
          headers: { authorization: `Bearer ${token}` },
        })
      ).statusCode,
    ).to.equal(200);
    expect((await t.request({ method: 'GET', url: '/api/auth/me', token })).statusCode).to.equal(200);
    // Writes with it are refused at once.
    const add = await t.request({ method: 'POST', url: `/api/wishlist/${productId}`, token });
    expect(add.statusCode).to.equal(401);
    const update = await t.request({
      method: 'PUT',
      url: '/api/auth/updatedetails',
      token,
      body: { fullName: 'Still Here' },
    });
    expect(update.statusCode).to.equal(401);
  });

  it('after the grace, reads are refused too; logging out again does not extend it', async () => {
    const { token } = await registerUser(t);
    expect((await logout(token)).statusCode).to.equal(200);
    clock.advance(GRACE_MS - 1000);
    expect((await wishlist(token)).statusCode).to.equal(200);
    // A stolen token cannot keep reading by logging itself out again.
    expect((await logout(token)).statusCode).to.equal(200);
    clock.advance(1000);
    expect((await wishlist(token)).statusCode).to.equal(401);
    clock.advance(GRACE_MS);
    expect((await wishlist(token)).statusCode).to.equal(401);
  });

  it('a password change gets no grace: the older token is refused for reads at once', async () => {
    clock.advance(2000);
    const { token, password } = await registerUser(t);
    clock.advance(300);
    const changed = await t.request({
      method: 'PUT',
      url: '/api/auth/updatepassword',
      token,
      body: { currentPassword: password, newPassword: 'a-new-password-1' },
    });
    expect(changed.statusCode, changed.body).to.equal(200);
    expect((await wishlist(token)).statusCode).to.equal(401);
    expect((await wishlist(changed.json().token)).statusCode).to.equal(200);
  });

  it('a deactivated account gets no grace', async () => {
    const { token, user } = await registerUser(t);
    await t.container.get(SetUserActive).execute({ userId: user._id, isActive: false });
    const res = await wishlist(token);
    expect(res.statusCode).to.equal(401);
    expect(res.json().message).to.equal('User account is deactivated');
  });
}

describe('http/identity: logout grace for safe reads', () => {
  describe('memory', () => graceSuite(() => ({})));
  describeWith(['redis'], 'redis', () => graceSuite(() => ({ REDIS_URL: serviceUrl('redis') })));

  describe('LOGOUT_GRACE_MS=0', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({ LOGOUT_GRACE_MS: '0' });
    });
    after(async () => {
      await t.close();
    });

    it('refuses reads with a logged-out token at once', async () => {
      const { token } = await registerUser(t);
      await t.request({ method: 'POST', url: '/api/auth/logout', token });
      expect((await t.request({ method: 'GET', url: '/api/wishlist', token })).statusCode).to.equal(401);
    });
  });
});
