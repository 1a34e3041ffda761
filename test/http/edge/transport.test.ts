import { connect, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../bootstrap/config.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

const env = (extra: Record<string, string>) =>
  loadConfig({ NODE_ENV: 'test', ...extra }, () => 'x'.repeat(40));

describe('HTTP edge config: TRUST_PROXY and timeouts', () => {
  it('TRUST_PROXY: false, true (= one proxy), hop counts, addresses/CIDRs; never "the whole chain"', () => {
    expect(env({}).trustProxy).to.equal(false);
    expect(env({ TRUST_PROXY: 'false' }).trustProxy).to.equal(false);
    expect(env({ TRUST_PROXY: '0' }).trustProxy).to.equal(false);
    expect(env({ TRUST_PROXY: 'true' }).trustProxy).to.equal(1);
    expect(env({ TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(env({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1,loopback' }).trustProxy).to.deep.equal([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'loopback',
    ]);
    for (const bad of ['maybe', '10.0.0.0/33', '300.1.1.1', '11', '10.0.0.1/8/2']) {
      expect(() => env({ TRUST_PROXY: bad }), bad).to.throw(ConfigError, /TRUST_PROXY/);
    }
  });

  it('timeouts default to bounded values and refuse a headers timeout above the request timeout', () => {
    expect(env({}).http).to.deep.equal({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 15_000,
      keepAliveTimeoutMs: 72_000,
    });
    expect(env({}).shutdown).to.deep.equal({ graceMs: 1000, timeoutMs: 15_000 });
    expect(() => env({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '6000' })).to.throw(
      ConfigError,
      /HTTP_HEADERS_TIMEOUT_MS/,
    );
  });
});

describe('HTTP edge: a forged X-Forwarded-For chain does not choose the client IP', () => {
  const remaining = (res: { headers: Record<string, unknown> }) =>
    Number(res.headers['x-ratelimit-remaining']);

  describe('TRUST_PROXY=false (the default: no proxy configured)', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({
        TRUST_PROXY: 'false',
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_MAX: '3',
        RATE_LIMIT_AUTH_MAX: '100',
        LOGIN_MAX_FAILURES: '100',
        LOGIN_MAX_IP_FAILURES: '2',
      });
    });
    after(async () => t.close());

    it('X-Forwarded-For is ignored: the socket address is the bucket, whatever the client writes', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const res = await t.app.inject({
          method: 'GET',
          url: '/api/health',
          remoteAddress: '192.0.2.10',
          headers: { 'x-forwarded-for': `198.51.100.${i}` },
        });
        codes.push(res.statusCode);
      }
      expect(codes).to.deep.equal([200, 200, 200, 429]);
      // Another socket address has its own budget, whatever header it sends.
      const other = await t.app.inject({
        method: 'GET',
        url: '/api/health',
        remoteAddress: '192.0.2.11',
        headers: { 'x-forwarded-for': '198.51.100.0' },
      });
      expect(other.statusCode).to.equal(200);
    });

    it('nor does it escape the per-IP login lockout (all emails from one address)', async () => {
      const codes: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: '192.0.2.20',
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
          payload: { email: `victim${i}@example.com`, password: 'wrong-password' },
        });
        codes.push(`${res.statusCode} ${res.json().code}`);
      }
      expect(codes).to.deep.equal([
        '400 INVALID_CREDENTIALS',
        '400 INVALID_CREDENTIALS',
        '429 TOO_MANY_ATTEMPTS',
      ]);
    });
  });

  describe('TRUST_PROXY=true (one proxy hop)', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({
        TRUST_PROXY: 'true',
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_MAX: '3',
        LOGIN_MAX_FAILURES: '2',
      });
    });
    after(async () => t.close());

    it('rotating the first hop does not escape the per-IP budget', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        // The client writes any first hop it likes; our proxy appends the address it saw.
        const res = await t.app.inject({
          method: 'GET',
          url: '/api/health',
          headers: { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` },
        });
        codes.push(res.statusCode);
      }
      expect(codes).to.deep.equal([200, 200, 200, 429]);
      // Another real client (another address seen by the proxy) has its own budget.
      const other = await t.app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { 'x-forwarded-for': '198.51.100.99, 203.0.113.8' },
      });
      expect(other.statusCode).to.equal(200);
    });

    it('rotating the first hop does not escape the login lockout', async () => {
      const codes: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'x-forwarded-for': `192.0.2.${i}, 203.0.113.50` },
          payload: { email: 'victim@example.com', password: 'wrong-password' },
        });
        codes.push(`${res.statusCode} ${res.json().code}`);
      }
      expect(codes).to.deep.equal([
        '400 INVALID_CREDENTIALS',
        '400 INVALID_CREDENTIALS',
        '429 TOO_MANY_ATTEMPTS',
      ]);
    });
  });

  describe('TRUST_PROXY=<proxy addresses>', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({
        TRUST_PROXY: '10.0.0.0/8',
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_MAX: '100',
      });
    });
    after(async () => t.close());

    it('believes only entries added by listed proxies', async () => {
      const viaProxy = (xff: string, remoteAddress = '10.1.2.3') =>
        t.app.inject({
          method: 'GET',
          url: '/api/health',
          remoteAddress,
          headers: { 'x-forwarded-for': xff },
        });
      // Through the proxy: the client is the address the proxy appended, whatever came before it.
      const first = remaining(await viaProxy('1.1.1.1, 198.51.100.20'));
      const second = remaining(await viaProxy('2.2.2.2, 198.51.100.20'));
      expect(second).to.equal(first - 1);
      // A client talking to us directly (not a listed proxy) gets its socket address: its header is ignored.
      const direct1 = remaining(await viaProxy('198.51.100.20', '192.0.2.200'));
      const direct2 = remaining(await viaProxy('198.51.100.21', '192.0.2.200'));
      expect(direct1).to.equal(99);
      expect(direct2).to.equal(98);
    });
  });
});

/** Writes raw bytes to the server and collects everything it answers until it closes the socket. */
function rawExchange(port: number, write: (socket: ReturnType<typeof connect>) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.on('connect', () => write(socket));
  });
}

function parse(answer: string): { status: number; headers: string; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return {
    status: Number(head.split(' ')[1]),
    headers: head.toLowerCase(),
    body: body ? JSON.parse(body) : null,
  };
}

describe('HTTP edge: stalled and oversized requests answer the error envelope (real sockets)', function () {
  this.timeout(20_000);
  let t: TestApp;
  let port = 0;
  before(async () => {
    t = await buildTestApp({ HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_HEADERS_TIMEOUT_MS: '1000' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  after(async () => t.close());

  it('a body that never finishes is answered 408 and its connection closed', async () => {
    const answer = await rawExchange(port, (socket) => {
      socket.write(
        'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Content-Length: 100\r\n\r\n{"email":',
      );
    });
    const res = parse(answer);
    expect(res.status).to.equal(408);
    expect(res.body).to.deep.equal({
      status: 'error',
      message: 'The request was not received in time',
      code: 'REQUEST_TIMEOUT',
    });
  });

  it('headers that never finish are answered 408 in the envelope', async () => {
    const answer = await rawExchange(port, (socket) => {
      socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    });
    const res = parse(answer);
    expect(res.status).to.equal(408);
    expect(res.body).to.include({ status: 'error', code: 'REQUEST_TIMEOUT' });
  });

  it('huge headers are answered 431 in the envelope', async () => {
    const answer = await rawExchange(port, (socket) => {
      socket.write(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    });
    const res = parse(answer);
    expect(res.status).to.equal(431);
    expect(res.body).to.deep.equal({
      status: 'error',
      message: 'The request headers are too large',
      code: 'HEADERS_TOO_LARGE',
    });
  });

  it('garbage is answered 400 in the envelope', async () => {
    const answer = await rawExchange(port, (socket) => socket.write('HELLO\r\n\r\n'));
    const res = parse(answer);
    expect(res.status).to.equal(400);
    expect(res.body).to.include({ status: 'error', code: 'BAD_REQUEST' });
  });

  it('an over-long path parameter is a 414 in the envelope, also on the location routes', async () => {
    for (const url of [`/api/products/${'a'.repeat(300)}`, `/api/api/location/details/${'b'.repeat(300)}`]) {
      const res = await t.request({ method: 'GET', url });
      expect(res.statusCode, url).to.equal(414);
      expect(res.json()).to.deep.equal({
        status: 'error',
        message: 'A path parameter is longer than 200 characters',
        code: 'URI_TOO_LONG',
      });
    }
  });

  it('an undecodable URL is a 400 in the envelope', async () => {
    const res = await t.request({ method: 'GET', url: '/api/api/location/details/%' });
    expect(res.statusCode).to.equal(400);
    expect(res.json()).to.deep.equal({ status: 'error', message: 'Malformed URL', code: 'BAD_URL' });
  });

  it('documents 408, 431, 414 (path parameters) and 413 (bodies) in the OpenAPI document', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    const details = doc.paths['/api/location/details/{placeId}'].get.responses;
    expect(details).to.include.keys('408', '414', '431');
    const login = doc.paths['/api/auth/login'].post.responses;
    expect(login).to.include.keys('408', '413', '431');
    expect(login).to.not.have.key('414');
  });
});
