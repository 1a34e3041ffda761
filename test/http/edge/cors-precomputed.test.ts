import { expect } from 'chai';
import Fastify from 'fastify';
import cors from '@fastify/cors';
import { precomputedCorsHeaders } from '../../../adapters/http/cors.js';
import type { App } from '../../../adapters/http/types.js';

const ORIGINS = ['https://shop.example', 'http://localhost:5173'];
const EXPOSED = ['X-Request-Id', 'Retry-After'];

async function server(precomputed: boolean) {
  const app = Fastify();
  await app.register(cors, { origin: [...ORIGINS], credentials: true, exposedHeaders: EXPOSED });
  if (precomputed) precomputedCorsHeaders(app as unknown as App, ORIGINS, EXPOSED);
  app.get('/plain', async () => ({ ok: true }));
  app.get('/varied', async (_request, reply) => {
    reply.header('vary', 'Accept-Encoding');
    return { ok: true };
  });
  await app.ready();
  return app;
}

const corsHeaders = (headers: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(headers).filter(([n]) => n.startsWith('access-control-') || n === 'vary'),
  );

/** The precomputed CORS headers (adapters/http/cors.ts) are exactly what @fastify/cors adds. */
describe('http/edge: precomputed CORS headers match @fastify/cors', () => {
  it('for an allowed, a refused and no origin, on GET and HEAD, and leave preflights to the plugin', async () => {
    const plugin = await server(false);
    const ours = await server(true);
    try {
      for (const origin of [
        'https://shop.example',
        'http://localhost:5173',
        'https://evil.example',
        undefined,
      ]) {
        for (const method of ['GET', 'HEAD'] as const) {
          for (const url of ['/plain', '/varied', '/missing']) {
            const headers = origin === undefined ? {} : { origin };
            const expected = await plugin.inject({ method, url, headers });
            const actual = await ours.inject({ method, url, headers });
            const what = `${method} ${url} from ${origin ?? 'no origin'}`;
            expect(actual.statusCode, what).to.equal(expected.statusCode);
            expect(corsHeaders(actual.headers), what).to.deep.equal(corsHeaders(expected.headers));
          }
        }
      }
      const preflight = {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      };
      const expected = await plugin.inject({ method: 'OPTIONS', url: '/plain', headers: preflight });
      const actual = await ours.inject({ method: 'OPTIONS', url: '/plain', headers: preflight });
      expect(actual.statusCode).to.equal(204);
      expect(corsHeaders(actual.headers)).to.deep.equal(corsHeaders(expected.headers));
    } finally {
      await plugin.close();
      await ours.close();
    }
  });
});
