import { expect } from 'chai';
import { DEV_RAZORPAY_KEY_SECRET, DEV_STRIPE_WEBHOOK_SECRET } from '../../bootstrap/config.js';
import { USER_REPOSITORY, type UserRepository } from '../../application/identity/ports.js';
import { buildTestApp, loginAdmin, registerUser, TEST_JWT_SECRET, type TestApp } from '../support/harness.js';
import { ADDRESS } from '../support/kit.js';
import { stockedProduct } from '../http/payments/kit.js';
import { apiRoutes, fill, shopperWithObjects, type Owned } from './support.js';

/**
 * API3:2023 Broken Object Property Level Authorization: privileged or server-owned properties in
 * request bodies are refused or ignored (mass assignment), and no answer shows password hashes,
 * tokens, secrets or another user's personal data (every GET route is scanned).
 */
const PRIVILEGED = {
  role: 'admin',
  isActive: true,
  loyaltyPoints: 999999,
  membershipTier: 'platinum',
  passwordHash: '$2b$04$abcdefghijklmnopqrstuu',
  _id: '0123456789abcdef01234567',
  id: '0123456789abcdef01234567',
  version: 99,
  __v: 99,
};

describe('OWASP API3 property-level authorization', function () {
  this.timeout(90_000);
  let t: TestApp;
  let admin: string;
  let users: UserRepository;

  before(async () => {
    t = await buildTestApp();
    admin = await loginAdmin(t);
    users = t.container.get<UserRepository>(USER_REPOSITORY);
  });
  after(async () => t.close());

  async function expectPlainShopper(id: string, email: string) {
    const stored = (await users.findByEmail(email))!;
    expect(stored, email).to.not.equal(null);
    expect(stored.id).to.equal(id).and.not.equal(PRIVILEGED._id);
    expect(stored.role).to.equal('user');
    expect(stored.loyaltyPoints ?? 0).to.equal(0);
    expect(stored.passwordHash).to.not.equal(PRIVILEGED.passwordHash);
  }

  it('register: role, points, tier, hash, id and version in the body are refused or ignored', async () => {
    for (const [field, value] of Object.entries(PRIVILEGED)) {
      const email = `mass.${field.replace(/\W/g, '')}.${Date.now()}@example.com`;
      const res = await t.request({
        method: 'POST',
        url: '/api/auth/register',
        body: { fullName: 'Mass Assigner', email, password: 'mass-pass-123', [field]: value },
      });
      expect(res.statusCode, `${field}: ${res.body}`).to.be.oneOf([201, 400]);
      if (res.statusCode === 201) {
        expect(res.json().data.user.role, field).to.equal('user');
        await expectPlainShopper(res.json().data.user._id, email);
      } else expect(await users.findByEmail(email), field).to.equal(null);
    }
  });

  it('updatedetails and preferences: the same properties are refused or ignored', async () => {
    const shopper = await registerUser(t);
    for (const [field, value] of Object.entries(PRIVILEGED))
      for (const url of ['/api/auth/updatedetails', '/api/auth/preferences']) {
        const res = await t.request({ method: 'PUT', url, token: shopper.token, body: { [field]: value } });
        expect(res.statusCode, `${url} ${field}: ${res.body}`).to.be.oneOf([200, 400]);
      }
    await expectPlainShopper(shopper.user._id, shopper.user.email);
    const me = (await t.request({ method: 'GET', url: '/api/orders', token: shopper.token })).statusCode;
    expect(me, 'the token still names the same shopper').to.equal(200);
  });

  it('orders: totals, status, payment, owner and prices come from the server, not the body', async () => {
    const shopper = await registerUser(t);
    const other = await registerUser(t);
    const productId = await stockedProduct(t);
    const res = await t.request({
      method: 'POST',
      url: '/api/orders',
      token: shopper.token,
      body: {
        items: [{ product: productId, quantity: 1, price: 1, unitPrice: 1 }],
        shippingAddress: ADDRESS,
        total: 1,
        subtotal: 1,
        status: 'delivered',
        paymentStatus: 'paid',
        user: other.user._id,
        userId: other.user._id,
      },
    });
    expect(res.statusCode, res.body).to.be.oneOf([201, 400]);
    if (res.statusCode === 201) {
      const order = res.json().data;
      expect(order.total).to.be.greaterThan(1000);
      expect(order.status).to.equal('pending');
      expect(order.paymentStatus).to.not.equal('paid');
      expect(JSON.stringify(order)).to.not.include(other.user._id);
    }
    const theirs = await t.request({ method: 'GET', url: '/api/orders/my-orders', token: other.token });
    expect(theirs.json().data.orders ?? theirs.json().data).to.have.length(0);
  });

  it('products (admin): ids, versions, ratings and sales counts in the body are refused or ignored', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/products',
      token: admin,
      body: {
        name: 'Mass Assigned Roses',
        description: 'Roses',
        price: 999,
        category: null,
        _id: PRIVILEGED._id,
        version: 99,
        ratings: { average: 5, count: 10000 },
        salesCount: 10000,
        createdAt: '2000-01-01T00:00:00.000Z',
      },
    });
    expect(res.statusCode, res.body).to.be.oneOf([201, 400]);
    if (res.statusCode === 201) {
      const product = res.json().data.product ?? res.json().data;
      expect(product._id).to.not.equal(PRIVILEGED._id);
      expect(product.ratings?.count ?? 0).to.equal(0);
      expect(product.salesCount ?? 0).to.equal(0);
    }
  });

  it('no GET answer, to anyone, shows a password hash, a token, a secret or another shopper’s personal data', async () => {
    const victim: Owned = await shopperWithObjects(t, admin);
    const victimEmail = victim.shopper.user.email;
    const attacker = await registerUser(t);
    // the API documents name fields like passwordHash in their schemas (API8 checks they hold no secret)
    const routes = apiRoutes(t).filter(
      (r) =>
        r.method === 'GET' &&
        !r.url.startsWith('/api/realtime/') &&
        !/^\/api\/(open|async)api\.json$/.test(r.url),
    );
    expect(routes.length).to.be.greaterThan(70);
    const forbidden = [
      /passwordHash|"password"|\$2[aby]\$\d\d\$/,
      /resetPassword(Token|Expire)|reset_token|tokenHash/i,
      new RegExp([TEST_JWT_SECRET, DEV_STRIPE_WEBHOOK_SECRET, DEV_RAZORPAY_KEY_SECRET].join('|')),
      /"(secret|pendingSecret|recoveryCodeHashes|apiSecret|privateKey)"/,
    ];
    const leaks: string[] = [];
    const ids = {
      id: victim.orderId,
      orderId: victim.orderId,
      token: victim.shareToken,
      productId: victim.productId,
    };
    for (const route of routes)
      for (const [who, token] of [
        ['anonymous', ''],
        ['attacker', attacker.token],
        ['owner', victim.shopper.token],
        ['admin', admin],
      ] as const) {
        const url = fill(route.url, ids);
        const res = await t.request({ method: 'GET', url, ...(token ? { token } : {}) });
        for (const pattern of forbidden)
          if (pattern.test(res.body)) leaks.push(`${who} ${url}: ${pattern} in ${res.body.slice(0, 120)}`);
        if (
          (who === 'anonymous' || who === 'attacker') &&
          (res.body.includes(victimEmail) || res.body.includes(victim.shopper.user.fullName))
        )
          leaks.push(`${who} ${url} shows the victim`);
      }
    expect(leaks).to.deep.equal([]);
  });
});
