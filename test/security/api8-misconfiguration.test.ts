import { expect } from 'chai';
import { connect } from 'node:net';
import { loadConfig } from '../../bootstrap/config.js';
import { DEV_RAZORPAY_KEY_SECRET, DEV_STRIPE_WEBHOOK_SECRET } from '../../bootstrap/config.js';
import {
  ADMIN_PASSWORD,
  buildTestApp,
  PRODUCTION_SECRETS,
  registerUser,
  TEST_JWT_SECRET,
  type TestApp,
} from '../support/harness.js';

/**
 * API8:2023 Security Misconfiguration: security headers on every answer, CORS only for the
 * configured origins, no stack traces or internals in errors, production refuses development
 * secrets, the API documentation is public by decision (it holds nothing secret), and TRACE or
 * unknown methods do nothing.
 */
/** Sends `request` as is over a socket and answers everything the server wrote back. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('utf8')));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('OWASP API8 security misconfiguration', function () {
  this.timeout(60_000);
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({ CORS_ORIGINS: 'https://shop.amourflorals.example' });
  });
  after(async () => t.close());

  it('sends the security headers (helmet) on answers, errors and 404s alike', async () => {
    for (const url of [
      '/api/products?limit=1',
      '/api/orders',
      '/api/no-such-route',
      '/api/products?limit=-5',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers, url).to.include({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers['strict-transport-security'], url).to.match(/max-age=\d{7,}/);
      expect(res.headers['content-security-policy'], url).to.include("object-src 'none'");
      expect(res.headers, url).to.not.have.property('x-powered-by');
      expect(String(res.headers['content-type']), url).to.match(/^application\/json/);
    }
  });

  it('allows the configured origin with credentials and refuses unknown ones (simple and preflight)', async () => {
    const allowed = await t.app.inject({
      method: 'GET',
      url: '/api/products?limit=1',
      headers: { origin: 'https://shop.amourflorals.example' },
    });
    expect(allowed.headers['access-control-allow-origin']).to.equal('https://shop.amourflorals.example');
    for (const origin of [
      'https://evil.example',
      'null',
      'https://shop.amourflorals.example.evil.example',
      'http://localhost:5173',
    ]) {
      const simple = await t.app.inject({ method: 'GET', url: '/api/products?limit=1', headers: { origin } });
      expect(simple.headers, origin).to.not.have.property('access-control-allow-origin');
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url: '/api/orders',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.headers, `preflight ${origin}`).to.not.have.property('access-control-allow-origin');
      expect(preflight.headers['access-control-allow-origin'], origin).to.not.equal('*');
    }
  });

  it('never shows a stack trace, file path or internal detail in an error answer', async () => {
    const shopper = await registerUser(t);
    const probes = [
      t.app.inject({
        method: 'POST',
        url: '/api/orders',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${shopper.token}` },
        payload: '{"items": [',
      }),
      t.app.inject({ method: 'GET', url: '/api/products/%E0%A4%A' }),
      t.app.inject({ method: 'GET', url: '/api/products/not-an-id' }),
      t.app.inject({ method: 'GET', url: '/api/orders', headers: { authorization: 'Bearer a.b.c' } }),
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/xml' },
        payload: '<a/>',
      }),
      t.app.inject({ method: 'GET', url: '/api/products?sort[$gt]=1&page[]=2' }),
      t.app.inject({
        method: 'PUT',
        url: '/api/auth/updatedetails',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${shopper.token}` },
        payload: '{"__proto__": {"role": "admin"}}',
      }),
    ];
    for (const res of await Promise.all(probes)) {
      expect(res.statusCode, res.body).to.be.within(400, 499);
      const body = res.json();
      expect(body.status, res.body).to.be.oneOf(['error', 'fail']);
      expect(body.code, res.body).to.be.a('string');
      expect(res.body, res.body).to.not.match(
        /\bat \S+ \(|node_modules|\/work\/|\.ts:\d+|stack|mongo|Error:/i,
      );
      expect(body, res.body).to.not.have.any.keys('stack', 'trace', 'query');
    }
  });

  it('production refuses to start with the development or test secrets', () => {
    const production = { ...PRODUCTION_SECRETS, LOG_LEVEL: 'silent' };
    const refused: Record<string, string>[] = [
      { JWT_SECRET: TEST_JWT_SECRET },
      { JWT_SECRET: 'secret' },
      { ADMIN_PASSWORD },
      { ADMIN_PASSWORD: 'password123' },
      { STRIPE_WEBHOOK_SECRET: DEV_STRIPE_WEBHOOK_SECRET },
      { RAZORPAY_KEY_ID: 'rzp_live_x', RAZORPAY_KEY_SECRET: DEV_RAZORPAY_KEY_SECRET },
    ];
    for (const override of refused)
      expect(
        () =>
          loadConfig({ ...production, CARD_PAYMENTS_ENABLED: 'false', ...override }, () => 'g'.repeat(64)),
        JSON.stringify(override),
      ).to.throw();
    expect(() =>
      loadConfig(
        { ...production, CARD_PAYMENTS_ENABLED: 'false' },
        () => 'generated-secret-generated-secret-generated',
      ),
    ).to.not.throw();
  });

  it('documentation exposure is decided: the docs are public and hold no secret, host or stack', async () => {
    for (const url of ['/api/openapi.json', '/api/docs/json', '/api/asyncapi.json']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).to.equal(200);
      for (const secret of [
        TEST_JWT_SECRET,
        ADMIN_PASSWORD,
        DEV_STRIPE_WEBHOOK_SECRET,
        DEV_RAZORPAY_KEY_SECRET,
        '/work/',
        'node_modules',
      ])
        expect(res.body, `${url} shows ${secret}`).to.not.include(secret);
    }
    const detailed = await t.app.inject({ method: 'GET', url: '/api/health/detailed' });
    expect(detailed.body).to.not.match(/mongodb:\/\/|redis:\/\/|password/i);
  });

  it('answers TRACE, TRACK, CONNECT-like and unknown methods without running anything (4xx, no echo)', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    for (const method of ['TRACE', 'TRACK', 'PROPFIND', 'DEBUG', 'FOO']) {
      const answer = await raw(
        Number(port),
        `${method} /api/products HTTP/1.1\r\nHost: x\r\nCookie: session=secret-cookie-value\r\nConnection: close\r\n\r\n`,
      );
      const status = Number(answer.slice(9, 12));
      expect(status, `${method}: ${answer.slice(0, 80)}`).to.be.within(400, 499);
      expect(answer, method).to.not.include('secret-cookie-value');
    }
  });
});
