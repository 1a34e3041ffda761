import { expect } from 'chai';
import sinon from 'sinon';
import type { LightMyRequestResponse } from 'fastify';
import {
  PASSWORD_HASHER,
  PasswordHasherBusy,
  type PasswordHasher,
} from '../../../application/identity/ports.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';

function from(
  t: TestApp,
  ip: string,
  method: 'GET' | 'POST',
  url: string,
  options: { token?: string; body?: unknown } = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    remoteAddress: ip,
    headers: options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
}

/** A 429 in the envelope, whose Retry-After header and body `retryAfter` agree on a positive whole number. */
function expectRetryAfter(res: LightMyRequestResponse, code = 'RATE_LIMITED'): number {
  expect(res.statusCode, res.body.slice(0, 200)).to.equal(429);
  const body = res.json();
  expect(body).to.include({ status: 'error', code });
  const header = res.headers['retry-after'];
  expect(header, 'Retry-After header').to.match(/^[1-9]\d*$/);
  expect(body.retryAfter, 'body.retryAfter').to.equal(Number(header));
  return Number(header);
}

/** Calls `request` until it answers 429 (at most `limit` times). */
async function until429(request: () => Promise<LightMyRequestResponse>, limit = 20) {
  for (let i = 0; i < limit; i += 1) {
    const res = await request();
    if (res.statusCode === 429) return res;
  }
  throw new Error(`no 429 in ${limit} requests`);
}

describe('http/edge: every 429 carries Retry-After, in the header and the body (issue 13)', () => {
  describe('the general per-IP budget (global limiter)', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_MAX: '2' });
    });
    after(async () => t.close());

    it('GET /api/products beyond RATE_LIMIT_MAX', async () => {
      const res = await until429(() => from(t, '10.20.0.1', 'GET', '/api/products'));
      expect(expectRetryAfter(res)).to.be.greaterThan(60);
      expect(res.json().message).to.match(/Too many requests from this IP/);
    });
  });

  describe('the budgets and refusals behind the general one', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_MAX: '100000',
        RATE_LIMIT_AUTH_MAX: '3',
        RATE_LIMIT_AUTH_IP_MAX: '100000',
        RATE_LIMIT_FAILED_AUTH_MAX: '2',
        RATE_LIMIT_WISHLIST_MAX: '2',
        RATE_LIMIT_SEARCH_IP_MAX: '2',
        LOGIN_MAX_FAILURES: '2',
      });
    });
    after(async () => t.close());

    it('the polled wishlist budget (a per-route limiter)', async () => {
      const { token } = await registerUser(t);
      expectRetryAfter(await until429(() => from(t, '10.20.1.1', 'GET', '/api/wishlist', { token })));
    });

    it('the shared auth budget (login, register, forgot, reset)', async () => {
      const body = { email: 'nobody@example.com' };
      const res = await until429(() => from(t, '10.20.2.1', 'POST', '/api/auth/forgotpassword', { body }));
      expectRetryAfter(res);
    });

    it('the failed-authentication budget', async () => {
      const res = await until429(() => from(t, '10.20.3.1', 'GET', '/api/auth/me', { token: 'x.y.z' }));
      expectRetryAfter(res);
    });

    it('the login lockout', async () => {
      const body = { email: 'locked@example.com', password: 'wrong-password' };
      const res = await until429(() => from(t, '10.20.4.1', 'POST', '/api/auth/login', { body }));
      expect(expectRetryAfter(res, 'TOO_MANY_ATTEMPTS')).to.be.greaterThan(60);
    });

    it('a per-IP route budget (search)', async () => {
      expectRetryAfter(await until429(() => from(t, '10.20.5.1', 'GET', '/api/products/search?q=rose')));
    });

    it('the hashing queue being full (login and register)', async () => {
      const hasher = t.container.get<PasswordHasher>(PASSWORD_HASHER);
      const compare = sinon.stub(hasher, 'compare').rejects(new PasswordHasherBusy(3));
      const hash = sinon.stub(hasher, 'hash').rejects(new PasswordHasherBusy(4));
      try {
        const login = await from(t, '10.20.6.1', 'POST', '/api/auth/login', {
          body: { email: 'busy@example.com', password: 'whatever-1' },
        });
        expect(expectRetryAfter(login)).to.equal(3);
        const register = await from(t, '10.20.6.2', 'POST', '/api/auth/register', {
          body: { fullName: 'Busy Bee', email: 'busy.bee@example.com', password: 'secret-pass-1', phone: '' },
        });
        expect(expectRetryAfter(register)).to.equal(4);
      } finally {
        compare.restore();
        hash.restore();
      }
    });
  });
});
