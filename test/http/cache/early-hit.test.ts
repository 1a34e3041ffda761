import { expect } from 'chai';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { MemoryCache } from '../../../adapters/cache/memory-cache.js';
import type { Cache } from '../../../application/shared/ports.js';
import { registerResponseCache } from '../../../adapters/http/response-cache.js';
import { NoMetrics } from '../../../application/shared/metrics.js';
import type { App } from '../../../adapters/http/types.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

const TTL = { productsSeconds: 60, searchSeconds: 60, categoriesSeconds: 60 };

/**
 * A cached anonymous read is answered at the end of onRequest (adapters/http/response-cache.ts,
 * earlyHit): the phases after it (preParsing, preValidation, validation, preHandler) do not run,
 * and the hit's side effects still see the validated params and query.
 */
/** A cache that knows no generation without I/O (as Redis): the early hit then awaits it. */
function remoteGenerations(inner: MemoryCache): Cache {
  return {
    get: (namespace, key) => inner.get(namespace, key),
    set: (namespace, key, value, ttl) => inner.set(namespace, key, value, ttl),
    remember: (namespace, key, ttl, compute) => inner.remember(namespace, key, ttl, compute),
    invalidate: (namespace) => inner.invalidate(namespace),
    generation: (namespace) => inner.generation(namespace),
    localGeneration: () => undefined,
  };
}

for (const [label, makeCache] of [
  ['generations in process, answered without awaiting', () => new MemoryCache()],
  ['generations read through I/O', () => remoteGenerations(new MemoryCache())],
] as const) {
  describe(`http/cache: a hit is answered early, at the end of onRequest (${label})`, () => {
    let app: FastifyInstance;
    const seen = { preValidation: 0, handler: 0, hits: [] as unknown[] };

    before(async () => {
      app = Fastify();
      registerResponseCache(
        app as unknown as App,
        { enabled: true, maxBytes: 1e6, ttl: TTL, shared: false },
        makeCache(),
        new NoMetrics(),
      );
      app.addHook('preValidation', async () => {
        seen.preValidation += 1;
      });
      app.get(
        '/things/:id',
        {
          config: {
            responseCache: {
              namespaces: ['things'],
              ttl: 'productsSeconds',
              onHit: async (request) => {
                seen.hits.push({ params: request.params, query: request.query });
              },
            },
          },
          schema: {
            params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 1000 }) }),
            querystring: Type.Object({ page: Type.Integer({ minimum: 1, maximum: 99, default: 1 }) }),
          },
        },
        async (request) => {
          seen.handler += 1;
          return {
            id: (request.params as { id: number }).id,
            page: (request.query as { page: number }).page,
          };
        },
      );
      await app.ready();
    });
    after(() => app.close());
    beforeEach(() => {
      seen.preValidation = 0;
      seen.handler = 0;
      seen.hits = [];
    });

    it('the second anonymous read of a URL skips validation and the handler, with the validated input for onHit', async () => {
      const first = await app.inject({ method: 'GET', url: '/things/7' });
      expect(first.statusCode).to.equal(200);
      expect(seen).to.deep.include({ preValidation: 1, handler: 1 });
      const second = await app.inject({ method: 'GET', url: '/things/7' });
      expect(second.statusCode).to.equal(200);
      expect(second.body).to.equal(first.body);
      expect(second.headers.etag).to.equal(first.headers.etag);
      expect(seen).to.deep.include({ preValidation: 1, handler: 1 });
      // coerced and defaulted, as the handler would have seen them
      expect(seen.hits).to.deep.equal([{ params: { id: 7 }, query: { page: 1 } }]);
    });

    it('a caller with credentials, a body or an unknown URL goes the normal way (validated, still a hit)', async () => {
      await app.inject({ method: 'GET', url: '/things/8' });
      for (const headers of [
        { authorization: 'Bearer x' },
        { 'x-api-key': 'af_x_y' },
        { 'content-length': '0' },
      ]) {
        seen.preValidation = 0;
        const res = await app.inject({ method: 'GET', url: '/things/8', headers });
        expect(res.statusCode, JSON.stringify(headers)).to.equal(200);
        expect(seen.preValidation, JSON.stringify(headers)).to.equal(1);
      }
      // Another spelling of the same input is validated before it is answered early.
      seen.preValidation = 0;
      seen.handler = 0;
      await app.inject({ method: 'GET', url: '/things/8?page=1' });
      expect(seen).to.deep.include({ preValidation: 1, handler: 0 });
      await app.inject({ method: 'GET', url: '/things/8?page=1' });
      expect(seen).to.deep.include({ preValidation: 1, handler: 0 });
    });

    it('invalid input is never answered early: 400 every time', async () => {
      for (let i = 0; i < 3; i += 1) {
        const res = await app.inject({ method: 'GET', url: '/things/0' });
        expect(res.statusCode).to.equal(400);
      }
      expect(seen.preValidation).to.equal(3);
    });
  });
}

describe('http/cache: an early hit keeps the answer of the full pipeline', () => {
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({
      CORS_ORIGINS: 'https://shop.example',
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '40',
    });
  });
  after(() => t.close());

  it('the same headers as the miss (security, CORS, request id, cache), and the general rate limit counts hits', async () => {
    const headers = { origin: 'https://shop.example', 'x-request-id': 'early-1' };
    const miss = await t.request({ method: 'GET', url: '/api/categories', headers });
    const hit = await t.request({ method: 'GET', url: '/api/api/categories', headers });
    expect(miss.statusCode).to.equal(200);
    expect(hit.statusCode).to.equal(200);
    const names = (h: Record<string, unknown>) =>
      Object.keys(h)
        .filter((n) => !['date', 'x-ratelimit-remaining', 'x-ratelimit-reset'].includes(n))
        .sort();
    expect(names(hit.headers)).to.deep.equal(names(miss.headers));
    for (const name of [
      'content-security-policy',
      'strict-transport-security',
      'x-content-type-options',
      'access-control-allow-origin',
      'access-control-allow-credentials',
      'etag',
      'cache-control',
      'x-ratelimit-limit',
    ]) {
      expect(hit.headers[name], name).to.equal(miss.headers[name]);
    }
    expect(hit.headers['x-request-id']).to.equal('early-1');
    expect(hit.body).to.equal(miss.body);

    // The general budget counts early hits: `remaining` more are answered, the next is refused.
    // (One at a time: @fastify/rate-limit's memory store miscounts parallel requests, see api-keys.)
    const remaining = Number(hit.headers['x-ratelimit-remaining']);
    expect(remaining).to.be.within(1, 40);
    const answers = [];
    for (let i = 0; i <= remaining; i += 1)
      answers.push(await t.request({ method: 'GET', url: '/api/categories' }));
    expect(answers.slice(0, remaining).map((a) => a.statusCode)).to.deep.equal(Array(remaining).fill(200));
    expect(answers[remaining]!.statusCode).to.equal(429);
    const refused = answers.find((a) => a.statusCode === 429)!;
    expect(refused.headers['retry-after']).to.match(/^\d+$/);
    expect(refused.headers['content-security-policy']).to.equal(miss.headers['content-security-policy']);
  });
});
