import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import webpush from 'web-push';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../support/harness.js';
import { mailSettled } from '../support/notifications.js';
import { stockedProduct } from '../http/payments/kit.js';
import { apiRoutes, key, type Shopper } from './support.js';

/**
 * API7:2023 Server Side Request Forgery. Every body field that carries a URL is found by walking
 * the route schemas; each must have one of the two URL formats: `image-url` (stored and handed to
 * browsers, never fetched by the server: proven with a canary server on 127.0.0.1) or
 * `push-endpoint` (the server does send there, so only known push services are accepted).
 */
const URL_FORMATS = ['image-url', 'push-endpoint'];
const INTERNAL = [
  'http://127.0.0.1/',
  'http://169.254.169.254/latest/meta-data/',
  'http://localhost:6390/',
  'http://[::1]/',
  'http://0.0.0.0/',
  'http://10.0.0.1/',
];
const BAD_SCHEMES = [
  'file:///etc/passwd',
  'gopher://127.0.0.1:6390/_FLUSHALL',
  'dict://127.0.0.1:6390/info',
  'ftp://127.0.0.1/x.png',
  'javascript:alert(1)',
  'data:image/png;base64,AAAA',
  '//127.0.0.1/x.png',
  '/etc/passwd',
];

type Schema = {
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

/** `path:format` of every string field whose name or format says it holds a URL. */
function urlFields(schema: Schema | undefined, path: string, out: string[] = []): string[] {
  if (!schema || typeof schema !== 'object') return out;
  if (
    schema.type === 'string' &&
    (/url|uri|endpoint|webhook|callback|avatar|link|href/i.test(path) ||
      URL_FORMATS.includes(schema.format ?? ''))
  )
    out.push(`${path}:${schema.format ?? 'none'}`);
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    urlFields(child, `${path}.${name}`, out);
  if (schema.items) urlFields(schema.items, `${path}[]`, out);
  for (const child of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
    urlFields(child, path, out);
  return out;
}

describe('OWASP API7 server-side request forgery', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: string;
  let shopper: Shopper;
  let canary: Server;
  let hits: string[];
  let canaryUrls: string[];

  before(async () => {
    hits = [];
    canary = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.end('canary');
    });
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
    const { port } = canary.address() as AddressInfo;
    canaryUrls = [`http://127.0.0.1:${port}/img.png`, `http://localhost:${port}/img.png`];
    const vapid = webpush.generateVAPIDKeys();
    t = await buildTestApp({
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@amourflorals.example',
    });
    admin = await loginAdmin(t);
    shopper = await registerUser(t);
  });
  after(async () => {
    await t.close();
    canary.closeAllConnections();
    await new Promise<void>((resolve) => canary.close(() => resolve()));
  });

  it('every URL field of every route has a URL format (a new unformatted URL field fails here)', () => {
    const found: Record<string, string[]> = {};
    for (const route of apiRoutes(t)) {
      const registered = t.app.registeredRoutes.find((r) => r.method === route.method && r.url === route.url);
      const schema = registered?.schema as { body?: Schema; querystring?: Schema } | undefined;
      const fields = [...urlFields(schema?.body, 'body'), ...urlFields(schema?.querystring, 'query')];
      if (fields.length) found[key(route)] = fields;
    }
    expect(Object.keys(found).length).to.be.greaterThan(10);
    const unformatted = Object.entries(found).flatMap(([route, fields]) =>
      fields
        .filter((f) => !URL_FORMATS.some((format) => f.endsWith(`:${format}`)))
        .map((f) => `${route} ${f}`),
    );
    expect(unformatted).to.deep.equal([]);
    expect(found['POST /api/notifications/push/subscriptions']).to.deep.equal([
      'body.endpoint:push-endpoint',
    ]);
  });

  it('refuses non-http(s) schemes and relative URLs wherever an image URL is taken (400 naming the field)', async () => {
    const productId = await stockedProduct(t);
    for (const url of BAD_SCHEMES) {
      const add = await t.request({
        method: 'POST',
        url: `/api/admin/products/${productId}/images`,
        token: admin,
        body: { url },
      });
      expect(add.statusCode, url).to.equal(400);
      expect(add.body, url).to.include('url');
      const category = await t.request({
        method: 'POST',
        url: '/api/categories',
        token: admin,
        body: { name: `C ${Math.random()}`, image: { url } },
      });
      expect(category.statusCode, url).to.equal(400);
      const review = await t.request({
        method: 'POST',
        url: `/api/products/${productId}/reviews`,
        token: shopper.token,
        body: { rating: 4, title: 'Nice', comment: 'A fine bunch of roses.', images: [url] },
      });
      expect(review.statusCode, url).to.equal(400);
    }
  });

  it('never fetches an image URL it stores: internal and canary URLs are kept as text, the canary sees no request', async () => {
    const productId = await stockedProduct(t);
    for (const [i, url] of [...canaryUrls, ...INTERNAL].entries()) {
      const add = await t.request({
        method: 'POST',
        url: `/api/admin/products/${productId}/images`,
        token: admin,
        body: { url, public_id: `canary-${i}` },
      });
      expect(add.statusCode, `${url}: ${add.body.slice(0, 120)}`).to.equal(201);
    }
    const category = await t.request({
      method: 'POST',
      url: '/api/categories',
      token: admin,
      body: { name: `Canary ${Date.now()}`, image: { url: canaryUrls[0] } },
    });
    expect(category.statusCode, category.body).to.equal(201);
    const created = await t.request({
      method: 'POST',
      url: '/api/products',
      token: admin,
      body: {
        name: 'Canary Roses',
        description: 'SSRF canary',
        price: 999,
        category: category.json().data._id ?? category.json().data.category._id,
        images: [{ url: canaryUrls[0], variants: { thumbnail: canaryUrls[1] } }],
      },
    });
    expect(created.statusCode, created.body).to.equal(201);
    const review = await t.request({
      method: 'POST',
      url: `/api/products/${productId}/reviews`,
      token: (await registerUser(t)).token,
      body: { rating: 4, title: 'Nice', comment: 'A fine bunch of roses.', images: canaryUrls },
    });
    expect(review.statusCode, review.body).to.equal(201);
    await t.request({ method: 'GET', url: `/api/products/${productId}` });
    await mailSettled(t);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hits, 'requests the server made to the canary').to.deep.equal([]);
  });

  it('accepts push endpoints only on known push services: internal hosts, other schemes and look-alikes are 400', async () => {
    const keys = {
      p256dh: webpush.generateVAPIDKeys().publicKey,
      auth: Buffer.alloc(16, 7).toString('base64url'),
    };
    const subscribe = (endpoint: string) =>
      t.request({
        method: 'POST',
        url: '/api/notifications/push/subscriptions',
        token: shopper.token,
        body: { endpoint, keys },
      });
    for (const endpoint of [
      ...INTERNAL.map((u) => u.replace('http:', 'https:')),
      ...canaryUrls,
      ...BAD_SCHEMES,
      'https://fcm.googleapis.com.evil.example/send/x',
      'https://evil.example/fcm.googleapis.com/send/x',
      'https://fcm.googleapis.com@127.0.0.1/send/x',
      'https://127.0.0.1#fcm.googleapis.com',
      'http://fcm.googleapis.com/fcm/send/x',
    ]) {
      const res = await subscribe(endpoint);
      expect(res.statusCode, endpoint).to.equal(400);
      expect(res.body, endpoint).to.include('endpoint');
    }
    expect((await subscribe('https://fcm.googleapis.com/fcm/send/abc123')).statusCode).to.equal(201);
    expect(hits).to.deep.equal([]);
  });
});
