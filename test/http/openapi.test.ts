import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../support/harness.js';

interface Operation {
  summary?: string;
  tags?: string[];
  responses?: Record<string, unknown>;
}

/** Fastify `/a/:id` -> OpenAPI `/a/{id}`. */
const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '') || '/';

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };
  before(async () => {
    t = await buildTestApp();
    const res = await t.request({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).to.equal(200);
    doc = res.json();
  });
  after(async () => t.close());

  it('is OpenAPI 3 with a bearer scheme', () => {
    expect(doc.openapi).to.match(/^3\./);
    expect(JSON.stringify(doc)).to.include('bearerAuth');
  });

  it('describes every API route with a summary, tags, a success and error responses', () => {
    const routes = t.app.registeredRoutes.filter(
      (r) => !r.hidden && r.url.startsWith('/api') && !r.url.startsWith('/api/docs') && r.method !== 'HEAD',
    );
    expect(routes.length).to.be.greaterThan(20);
    const problems: string[] = [];
    for (const route of routes) {
      const op = doc.paths[toOpenApiPath(route.url)]?.[route.method.toLowerCase()];
      const name = `${route.method} ${route.url}`;
      if (!op) {
        problems.push(`${name}: missing`);
        continue;
      }
      const codes = Object.keys(op.responses ?? {});
      if (!op.summary) problems.push(`${name}: no summary`);
      if (!op.tags?.length) problems.push(`${name}: no tags`);
      if (!codes.some((c) => /^2\d\d$/.test(c))) problems.push(`${name}: no success response`);
      if (!codes.some((c) => /^4\d\d$/.test(c))) problems.push(`${name}: no 4xx response`);
      if (!codes.includes('500')) problems.push(`${name}: no 500 response`);
    }
    expect(problems).to.deep.equal([]);
  });
});
