import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../support/harness.js';
import { multipartBody, png } from '../support/media/images.js';
import { stockedProduct } from '../http/payments/kit.js';
import type { Shopper } from './support.js';

/**
 * API4:2023 Unrestricted Resource Consumption: oversized bodies, pages, query strings, nesting,
 * bulk id lists and uploads, and pathological search input are refused with a 4xx (or bounded),
 * never a 500.
 */
describe('OWASP API4 unrestricted resource consumption', function () {
  this.timeout(60_000);
  let t: TestApp;
  let shopper: Shopper;
  let admin: string;

  before(async () => {
    t = await buildTestApp({
      BODY_LIMIT_BYTES: '65536',
      UPLOAD_MAX_BYTES: '4096',
      UPLOADS_DIR: mkdtempSync(join(tmpdir(), 'af-owasp-uploads-')),
    });
    shopper = await registerUser(t);
    admin = await loginAdmin(t);
  });
  after(async () => t.close());

  const json = (method: 'POST' | 'PUT', url: string, payload: string, token = shopper.token) =>
    t.app.inject({
      method,
      url,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload,
    });

  it('refuses a body above BODY_LIMIT_BYTES with 413, on public and authenticated routes', async () => {
    const big = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(70_000) });
    expect((await json('POST', '/api/auth/login', big)).statusCode).to.equal(413);
    expect((await json('POST', '/api/auth/register', big)).statusCode).to.equal(413);
    expect(
      (await json('PUT', '/api/auth/updatedetails', JSON.stringify({ fullName: 'x'.repeat(70_000) })))
        .statusCode,
    ).to.equal(413);
  });

  it('bounds page sizes and pages: a huge limit is refused or capped, a far page answers empty', async () => {
    for (const url of [
      '/api/products?limit=1000000',
      '/api/products/search?q=rose&limit=100000',
      '/api/orders/my-orders?limit=1000000',
      '/api/search/autocomplete?q=ro&limit=100000',
    ]) {
      const res = await t.request({ method: 'GET', url, token: shopper.token });
      expect(res.statusCode, url).to.be.oneOf([200, 400]);
      if (res.statusCode === 200) {
        const data = res.json().data;
        const list = Object.values<unknown>(data).find(Array.isArray) as unknown[] | undefined;
        expect(list?.length ?? 0, url).to.be.at.most(100);
      } else expect(res.json().message, url).to.match(/limit/);
    }
    for (const url of [
      '/api/products?page=1000000000',
      '/api/products?page=-1',
      '/api/products?limit=0',
      '/api/products?page=1e308',
    ]) {
      const res = await t.request({ method: 'GET', url });
      expect(res.statusCode, url).to.be.oneOf([200, 400]);
      if (res.statusCode === 200) expect(res.json().data.products, url).to.deep.equal([]);
    }
  });

  it('refuses huge query strings, many parameters and huge headers with a 4xx', async () => {
    const longQuery = await t.app.inject({ method: 'GET', url: `/api/products?q=${'a'.repeat(200_000)}` });
    expect(longQuery.statusCode).to.be.within(400, 499);
    const many = new URLSearchParams();
    for (let i = 0; i < 5000; i += 1) many.append(`p${i}`, 'x');
    const manyParams = await t.app.inject({ method: 'GET', url: `/api/products?${many}` });
    expect(manyParams.statusCode).to.be.within(200, 499);
    const repeated = await t.app.inject({
      method: 'GET',
      url: `/api/products?${'colors=red&'.repeat(5000)}`,
    });
    expect(repeated.statusCode).to.be.within(200, 499);
    const longPath = await t.app.inject({ method: 'GET', url: `/api/products/${'a'.repeat(100_000)}` });
    expect(longPath.statusCode).to.be.within(400, 499);
  });

  it('refuses deeply nested JSON and prototype keys without a 500', async () => {
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const deepArray = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    for (const payload of [
      deep,
      deepArray,
      '{"__proto__":{"isAdmin":true},"items":[]}',
      '{"constructor":{"prototype":{"x":1}}}',
    ]) {
      const res = await json('POST', '/api/orders', payload);
      expect(res.statusCode, payload.slice(0, 30)).to.be.within(400, 499);
    }
    expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
  });

  it('refuses bulk routes given too many ids (wishlist, admin products, inventory)', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => i.toString(16).padStart(24, '0'));
    const cases: [string, 'POST' | 'PUT' | 'DELETE', string, unknown][] = [
      [shopper.token, 'POST', '/api/wishlist/bulk/add', { productIds: ids }],
      [shopper.token, 'DELETE', '/api/wishlist/bulk/remove', { productIds: ids }],
      [shopper.token, 'POST', '/api/wishlist/bulk/operations', { action: 'remove', productIds: ids }],
      [admin, 'PUT', '/api/admin/products/bulk-update', { productIds: ids, updates: { isFeatured: true } }],
      [
        admin,
        'PUT',
        '/api/inventory/bulk-update',
        { updates: ids.map((productId) => ({ productId, stock: 1 })) },
      ],
    ];
    for (const [token, method, url, body] of cases) {
      const res = await t.request({
        method,
        url,
        token,
        body,
        headers: { 'x-admin-confirmation': 'confirmed' },
        // admin bulk operations are signed requests (README "Request signing"): the size is what is refused
        sign: token === admin,
      });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 150)}`).to.be.oneOf([400, 413]);
    }
  });

  it('refuses an image upload above UPLOAD_MAX_BYTES (413) and stores nothing', async () => {
    const productId = await stockedProduct(t);
    const { payload, headers } = multipartBody([
      { name: 'file', filename: 'big.png', contentType: 'image/png', data: png(100, 100, 10_000) },
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/admin/products/${productId}/images/upload`,
      headers: { ...headers, authorization: `Bearer ${admin}` },
      payload,
    });
    expect(res.statusCode, res.body).to.equal(413);
    const product = (await t.request({ method: 'GET', url: `/api/products/${productId}` })).json().data;
    expect(JSON.stringify(product)).to.not.include('big.png');
  });

  it('treats regex-heavy search input as text: 2xx/4xx, never a 500, and no match from a pattern', async () => {
    const evil = [
      '(a+)+$',
      '(.*a){25}',
      '^(([a-z])+.)+[A-Z]([a-z])+$',
      `${'a'.repeat(5000)}!`,
      '.*',
      '[',
      '\\',
      '$where',
      '{"$gt":""}',
    ];
    for (const q of evil)
      for (const url of [
        '/api/products/search',
        '/api/products',
        '/api/search/autocomplete',
        '/api/products/search/advanced',
        '/api/location/search',
      ]) {
        const res = await t.request({
          method: 'GET',
          url: `${url}?q=${encodeURIComponent(q)}&search=${encodeURIComponent(q)}`,
        });
        expect(res.statusCode, `${url} ${q.slice(0, 20)}`).to.be.within(200, 499);
      }
    const all = await t.request({ method: 'GET', url: `/api/products/search?q=${encodeURIComponent('.*')}` });
    if (all.statusCode === 200)
      expect(all.json().data.products ?? [], 'a pattern is not a wildcard').to.deep.equal([]);
  });
});
