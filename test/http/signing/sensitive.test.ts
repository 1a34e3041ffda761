import { expect } from 'chai';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SIGNING_KEYS, type SigningKeys } from '../../../application/identity/ports.js';
import { NONCE_STORE } from '../../../application/identity/request-nonces.js';
import { CLOCK } from '../../../application/shared/ports.js';
import { MemoryNonceStore } from '../../../adapters/cache/memory-nonce-store.js';
import { HmacSigningKeys } from '../../../adapters/security/hmac-signing-keys.js';
import { DomainFailure } from '../../../adapters/http/errors.js';
import { sensitiveOperation, signatureRequiredFor } from '../../../adapters/http/signing/sensitive.js';
import { completeDeferredSignatureCheck, signatureCheck } from '../../../adapters/http/signing/verify.js';
import type { Principal } from '../../../domain/identity/user.js';
import { aUser, TestClock } from '../../support/kit.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';
import { signRequest } from '../../support/signing.js';

const user: Principal = { user: aUser(), tokenId: 'tok-1', tokenExpiresAt: new Date(), sessionId: 'sess-1' };
const apiKey: Principal = { ...user, apiKey: { id: 'key-1', name: 'erp', scopes: ['inventory:write'] } };

describe('request signing: which operations are sensitive (adapters/http/signing/sensitive.ts)', () => {
  it('every write by an API key, whatever the route; its reads are not', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(signatureRequiredFor(method, '/api/orders', apiKey), method).to.equal('write by an API key');
      expect(signatureRequiredFor(method, '/api/orders', user), method).to.equal(null);
    }
    expect(signatureRequiredFor('GET', '/api/products', apiKey)).to.equal(null);
  });

  it('refunds, payment method changes and bulk admin operations, for anyone; reads of them not', () => {
    expect(signatureRequiredFor('POST', '/api/payments/refund', user)).to.equal('refund');
    expect(signatureRequiredFor('POST', '/api/payments/methods', user)).to.equal('payment method change');
    expect(signatureRequiredFor('POST', '/api/payments/methods/setup-intent', user)).to.equal(
      'payment method change',
    );
    expect(signatureRequiredFor('DELETE', '/api/payments/methods/:id', user)).to.equal(
      'payment method change',
    );
    expect(signatureRequiredFor('GET', '/api/payments/methods', user)).to.equal(null);
    for (const [method, route] of [
      ['PUT', '/api/admin/products/bulk-update'],
      ['PUT', '/api/admin/orders/bulk-status'],
      ['PUT', '/api/inventory/bulk-update'],
      ['POST', '/api/notifications/bulk'],
    ] as const) {
      expect(signatureRequiredFor(method, route, user), route).to.equal('bulk admin operation');
    }
    expect(signatureRequiredFor('GET', '/api/notifications/bulk/:id', user)).to.equal(null);
    expect(signatureRequiredFor('POST', undefined, user)).to.equal(null);
  });

  describe('against the routes the server registers', function () {
    this.timeout(30_000);
    let t: TestApp;
    before(async () => {
      t = await buildTestApp();
    });
    after(async () => t?.close());

    it("every write route named bulk is in the table, except the shopper's own wishlist bulk routes", () => {
      const bulk = t.app.registeredRoutes.filter(
        (r) =>
          /bulk/.test(r.url) &&
          !['GET', 'HEAD', 'OPTIONS'].includes(r.method) &&
          !r.url.startsWith('/api/wishlist'),
      );
      expect(bulk.length).to.be.greaterThan(2);
      for (const route of bulk) {
        expect(sensitiveOperation(route.method, route.url), `${route.method} ${route.url}`).to.not.equal(
          null,
        );
      }
      for (const route of t.app.registeredRoutes.filter((r) => r.url.startsWith('/api/wishlist/bulk'))) {
        expect(sensitiveOperation(route.method, route.url), route.url).to.equal(null);
      }
    });

    it('OpenAPI shows the signature headers and a note on each signed operation, and the scheme in its description', async () => {
      const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
      expect(doc.info.description).to.contain('X-Signature');
      for (const [method, path] of [
        ['post', '/api/payments/refund'],
        ['post', '/api/payments/methods'],
        ['put', '/api/admin/products/bulk-update'],
        ['put', '/api/inventory/bulk-update'],
        ['post', '/api/notifications/bulk'],
      ] as const) {
        const op = doc.paths[path][method];
        const headers = (op.parameters as { in: string; name: string; required?: boolean }[])
          .filter((p) => p.in === 'header')
          .map((p) => p.name);
        expect(headers, path).to.include.members([
          'x-signature-timestamp',
          'x-signature-nonce',
          'x-signature',
        ]);
        expect(op.description, path).to.contain('Signed request');
      }
      const read = doc.paths['/api/payments/methods'].get;
      expect(JSON.stringify(read)).to.not.contain('x-signature');
      expect(doc.paths['/api/auth/signing-key'].get.responses).to.have.property('200');
    });
  });
});

describe('request signing: an API key signs with its own key (adapters/http/signing/verify.ts)', () => {
  const clock = new TestClock(new Date());
  const keys = new HmacSigningKeys('server-key');
  const services = new Map<symbol, unknown>([
    [SIGNING_KEYS, keys],
    [NONCE_STORE, new MemoryNonceStore(clock)],
    [CLOCK, clock],
  ]);
  const check = signatureCheck({ get: <T>(id: symbol | object) => services.get(id as symbol) as T });

  function request(headers: Record<string, string>): FastifyRequest {
    return {
      method: 'PUT',
      originalUrl: '/api/inventory/1/stock',
      routeOptions: { url: '/api/inventory/:id/stock' },
      headers,
    } as unknown as FastifyRequest;
  }
  async function run(headers: Record<string, string>): Promise<string | null> {
    const req = request(headers);
    try {
      await check(req, undefined, apiKey);
      await new Promise<void>((resolve, reject) =>
        completeDeferredSignatureCheck(req, {} as FastifyReply, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
      return null;
    } catch (error) {
      if (error instanceof DomainFailure) return error.error.code;
      throw error;
    }
  }
  const sign = (key: string) =>
    signRequest({
      method: 'PUT',
      url: '/api/inventory/1/stock',
      body: '',
      key,
      timestamp: Math.floor(clock.now().getTime() / 1000),
    });

  it("unsigned is refused; signed with the API key's key passes; with a session's key it does not", async () => {
    const signing: SigningKeys = keys;
    expect(await run({})).to.equal('SIGNATURE_REQUIRED');
    expect(await run(sign(signing.forSession('key-1')))).to.equal('SIGNATURE_INVALID');
    expect(await run(sign(signing.forApiKey('key-1')))).to.equal(null);
  });
});
