import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { TestClock } from '../../support/kit.js';
import { describeWith, serviceUrl } from '../../support/services.js';
import { signRequest } from '../../support/signing.js';

const BULK = '/api/admin/products/bulk-update';
const METHODS = '/api/payments/methods';
const CONFIRMED = { 'x-admin-confirmation': 'confirmed' };

let nonceCounter = 0;
/** A fresh nonce of the allowed shape. */
const freshNonce = () => `nonce-${process.pid}-${++nonceCounter}-${'x'.repeat(8)}`;

/**
 * Request signing over the API (README "Request signing"): the admin bulk update is checked by the
 * /api/admin guard (onRequest, before the body is read), the saved payment methods by a route's
 * own preHandler: both paths of adapters/http/signing/verify.ts.
 */
function signingSuite(env: () => Record<string, string>) {
  return function (this: Mocha.Suite) {
    this.timeout(60_000);
    let t: TestApp;
    let clock: TestClock;
    let admin: string;
    let adminKey: string;
    let shopper: string;
    let shopperKey: string;
    let productIds: string[];
    let products: ProductRepository;

    const keyOf = async (token: string) => {
      const res = await t.request({ method: 'GET', url: '/api/auth/signing-key', token });
      expect(res.statusCode, res.body).to.equal(200);
      return res.json().data.key as string;
    };
    const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

    /** Sends `body` (as `sentBody` when given) with a signature made over the given parts. */
    const send = (options: {
      method: 'POST' | 'PUT' | 'DELETE';
      url: string;
      token: string;
      body?: unknown;
      key: string;
      signedUrl?: string;
      signedBody?: unknown;
      timestamp?: number;
      nonce?: string;
      headers?: Record<string, string>;
      unsigned?: boolean;
    }) => {
      const text = options.body === undefined ? undefined : JSON.stringify(options.body);
      const signature = signRequest({
        method: options.method,
        url: options.signedUrl ?? options.url,
        body: options.signedBody === undefined ? (text ?? '') : JSON.stringify(options.signedBody),
        key: options.key,
        timestamp: options.timestamp ?? nowSeconds(),
        nonce: options.nonce ?? freshNonce(),
      });
      return t.app.inject({
        method: options.method,
        url: options.url,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(options.unsigned ? {} : signature),
          ...options.headers,
        },
        ...(text !== undefined ? { payload: text } : {}),
      });
    };
    const bulk = (price: number, extra: Partial<Parameters<typeof send>[0]> = {}) =>
      send({
        method: 'PUT',
        url: BULK,
        token: admin,
        key: adminKey,
        body: { productIds, updates: { price } },
        headers: CONFIRMED,
        ...extra,
      });
    const prices = async () =>
      Promise.all(productIds.map(async (id) => (await products.findById(id))?.price ?? null));

    before(async () => {
      clock = new TestClock(new Date());
      t = await buildTestApp(env(), { clock });
      admin = await loginAdmin(t);
      adminKey = await keyOf(admin);
      shopper = (await registerUser(t)).token;
      shopperKey = await keyOf(shopper);
      products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
      const list = await t.request({ method: 'GET', url: '/api/admin/products?limit=2', token: admin });
      productIds = list.json().data.products.map((p: { _id: string }) => p._id);
      expect(productIds).to.have.length(2);
    });
    after(async () => {
      await t?.close();
    });

    describe('GET /api/auth/signing-key', () => {
      it('answers the session key (not cached), the same for the same session, another for another', async () => {
        const res = await t.request({ method: 'GET', url: '/api/auth/signing-key', token: admin });
        expect(res.statusCode).to.equal(200);
        expect(res.headers['cache-control']).to.equal('no-store');
        expect(res.json().data).to.include({
          algorithm: 'HMAC-SHA256',
          boundTo: 'session',
          windowSeconds: 300,
        });
        expect(res.json().data.key).to.match(/^[0-9a-f]{64}$/);
        expect(await keyOf(admin)).to.equal(adminKey);
        expect(shopperKey).to.not.equal(adminKey);
        const again = await t.request({ method: 'GET', url: '/api/api/auth/signing-key', token: admin });
        expect(again.json().data.key).to.equal(adminKey);
      });

      it('401 without a token', async () => {
        const res = await t.request({ method: 'GET', url: '/api/auth/signing-key' });
        expect(res.statusCode).to.equal(401);
      });
    });

    describe('an admin bulk update (checked by the /api/admin guard)', () => {
      it('unsigned: 401 SIGNATURE_REQUIRED naming the missing headers, nothing changes', async () => {
        const before = await prices();
        const res = await bulk(111, { unsigned: true });
        expect(res.statusCode, res.body).to.equal(401);
        expect(res.json()).to.include({ status: 'error', code: 'SIGNATURE_REQUIRED' });
        expect(res.json().message).to.contain('X-Signature-Nonce');
        expect(await prices()).to.deep.equal(before);
      });

      it('signed: 200 and applied, also under /api/api (the path as sent is signed)', async () => {
        const res = await bulk(123);
        expect(res.statusCode, res.body).to.equal(200);
        expect(await prices()).to.deep.equal([12300, 12300]);
        const alias = await bulk(124, { url: `/api${BULK}` });
        expect(alias.statusCode, alias.body).to.equal(200);
        expect(await prices()).to.deep.equal([12400, 12400]);
      });

      it('a tampered body, path, query or method: 401 SIGNATURE_INVALID, nothing changes', async () => {
        const before = await prices();
        const body = { productIds, updates: { price: 1 } };
        for (const res of [
          await bulk(1, { signedBody: { productIds, updates: { price: 2 } } }),
          await bulk(1, { url: `/api${BULK}`, signedUrl: BULK }),
          await bulk(1, { url: `${BULK}?x=1`, signedUrl: BULK }),
          await send({
            method: 'PUT',
            url: BULK,
            token: admin,
            key: adminKey,
            body,
            headers: CONFIRMED,
            signedUrl: `${BULK}/`,
          }),
        ]) {
          expect(res.statusCode, res.body).to.equal(401);
          expect(res.json().code).to.equal('SIGNATURE_INVALID');
        }
        expect(await prices()).to.deep.equal(before);
      });

      it("another session's key does not sign for this one", async () => {
        const res = await bulk(2, { key: shopperKey });
        expect(res.json().code).to.equal('SIGNATURE_INVALID');
      });

      it('malformed headers: 401 SIGNATURE_INVALID naming the header', async () => {
        const short = await bulk(3, { nonce: 'short' });
        expect(short.json()).to.include({ code: 'SIGNATURE_INVALID' });
        expect(short.json().message).to.contain('X-Signature-Nonce');
        const bad = await bulk(3, { headers: { ...CONFIRMED, 'x-signature-timestamp': 'yesterday' } });
        expect(bad.json().message).to.contain('X-Signature-Timestamp');
        const hex = await bulk(3, { headers: { ...CONFIRMED, 'x-signature': 'zz' } });
        expect(hex.json().message).to.contain('X-Signature');
        expect([short.statusCode, bad.statusCode, hex.statusCode]).to.deep.equal([401, 401, 401]);
      });

      it('a timestamp more than 5 minutes away either way: 401 SIGNATURE_EXPIRED; 5 minutes is accepted', async () => {
        for (const offset of [-301, 301]) {
          const res = await bulk(4, { timestamp: nowSeconds() + offset });
          expect(res.statusCode, String(offset)).to.equal(401);
          expect(res.json().code).to.equal('SIGNATURE_EXPIRED');
        }
        for (const offset of [-300, 300]) {
          const res = await bulk(5, { timestamp: nowSeconds() + offset });
          expect(res.statusCode, `${offset} ${res.body}`).to.equal(200);
        }
      });

      it('a nonce is accepted once: the replay answers 401 NONCE_REUSED; another key may use it', async () => {
        const nonce = freshNonce();
        expect((await bulk(6, { nonce })).statusCode).to.equal(200);
        const replay = await bulk(6, { nonce });
        expect(replay.statusCode).to.equal(401);
        expect(replay.json().code).to.equal('NONCE_REUSED');
        const shopperUse = await send({
          method: 'POST',
          url: METHODS,
          token: shopper,
          key: shopperKey,
          body: { paymentMethod: 'pm_card_visa' },
          nonce,
        });
        expect(shopperUse.statusCode, shopperUse.body).to.equal(201);
      });

      it('a nonce refused for a bad signature is not spent', async () => {
        const nonce = freshNonce();
        expect((await bulk(7, { nonce, key: shopperKey })).json().code).to.equal('SIGNATURE_INVALID');
        expect((await bulk(7, { nonce })).statusCode).to.equal(200);
      });

      it('the same signed request sent 8 times in parallel passes exactly once', async () => {
        const nonce = freshNonce();
        const timestamp = nowSeconds();
        const answers = await Promise.all(Array.from({ length: 8 }, () => bulk(8, { nonce, timestamp })));
        const codes = answers.map((res) => res.statusCode).sort();
        expect(codes).to.deep.equal([200, 401, 401, 401, 401, 401, 401, 401]);
        expect(answers.filter((res) => res.statusCode === 401).map((res) => res.json().code)).to.deep.equal(
          Array(7).fill('NONCE_REUSED'),
        );
      });

      it('a nonce outlives its window: a replay after it is refused as expired', async () => {
        const nonce = freshNonce();
        const timestamp = nowSeconds();
        expect((await bulk(9, { nonce, timestamp })).statusCode).to.equal(200);
        clock.advance(301_000);
        try {
          expect((await bulk(9, { nonce, timestamp })).json().code).to.equal('SIGNATURE_EXPIRED');
        } finally {
          clock.advance(-301_000);
        }
      });
    });

    describe('saved payment methods (checked by the route preHandler)', () => {
      it('POST unsigned: 401 SIGNATURE_REQUIRED and nothing saved; signed: 201', async () => {
        const fresh = (await registerUser(t)).token;
        const key = await keyOf(fresh);
        const list = async () =>
          (await t.request({ method: 'GET', url: METHODS, token: fresh })).json().data.methods.length;
        const unsigned = await t.request({
          method: 'POST',
          url: METHODS,
          token: fresh,
          body: { paymentMethod: 'pm_card_visa' },
        });
        expect(unsigned.statusCode).to.equal(401);
        expect(unsigned.json().code).to.equal('SIGNATURE_REQUIRED');
        expect(await list()).to.equal(0);
        const tampered = await send({
          method: 'POST',
          url: METHODS,
          token: fresh,
          key,
          body: { paymentMethod: 'pm_card_visa' },
          signedBody: { paymentMethod: 'pm_card_mastercard' },
        });
        expect(tampered.json().code).to.equal('SIGNATURE_INVALID');
        expect(await list()).to.equal(0);
        const signed = await send({
          method: 'POST',
          url: METHODS,
          token: fresh,
          key,
          body: { paymentMethod: 'pm_card_visa' },
        });
        expect(signed.statusCode, signed.body).to.equal(201);
        expect(await list()).to.equal(1);
      });

      it('reading the methods needs no signature', async () => {
        expect((await t.request({ method: 'GET', url: METHODS, token: shopper })).statusCode).to.equal(200);
      });

      it('the signature is checked after authentication: no token answers 401 NOT_AUTHENTICATED', async () => {
        const res = await t.request({
          method: 'POST',
          url: METHODS,
          body: { paymentMethod: 'pm_card_visa' },
        });
        expect(res.statusCode).to.equal(401);
        expect(res.json().code).to.not.match(/^SIGNATURE/);
      });
    });

    describe('operations that are not sensitive', () => {
      it("an admin's single product update and a shopper's wishlist bulk add need no signature", async () => {
        const one = await t.request({
          method: 'PUT',
          url: `/api/admin/products/${productIds[0]}`,
          token: admin,
          body: { isFeatured: true },
        });
        expect(one.statusCode, one.body).to.equal(200);
        const wishlist = await t.request({
          method: 'POST',
          url: '/api/wishlist/bulk/add',
          token: shopper,
          body: { productIds: [productIds[0]] },
        });
        expect(wishlist.statusCode, wishlist.body).to.be.within(200, 299);
      });
    });
  };
}

describe(
  'HTTP request signing (memory nonces)',
  signingSuite(() => ({})),
);
describeWith(
  ['redis'],
  'HTTP request signing (Redis nonces)',
  signingSuite(() => ({ REDIS_URL: serviceUrl('redis') })),
);
