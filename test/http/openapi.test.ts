import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { expect } from 'chai';
import { toOpenApi30Bounds } from '../../adapters/http/server.js';
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
    // Every route's validators and serializers compiled at start (they are compiled at first use
    // otherwise): a schema that cannot compile fails here, not on some route's first request.
    t = await buildTestApp({ SCHEMAS_COMPILE_AT_START: 'true' });
    const res = await t.request({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).to.equal(200);
    doc = res.json();
  });
  after(async () => t.close());

  it('is OpenAPI 3 with a bearer scheme', () => {
    expect(doc.openapi).to.match(/^3\./);
    expect(JSON.stringify(doc)).to.include('bearerAuth');
  });

  it('is a valid OpenAPI 3.0.3 document (schema and semantic validation)', async () => {
    // validate() dereferences in place: give it a copy so the other tests see the served document.
    const copy = structuredClone(doc) as unknown as OpenAPI.Document;
    let problem = '';
    try {
      await SwaggerParser.validate(copy);
    } catch (error) {
      problem = (error as Error).message;
    }
    expect(problem).to.equal('');
  });

  it('never uses the JSON Schema 2019+ numeric exclusiveMinimum/exclusiveMaximum (3.0 wants booleans)', () => {
    const numeric: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}/${i}`));
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number')
            numeric.push(`${path}/${key}`);
          walk(value, `${path}/${key}`);
        }
      }
    };
    walk(doc, '#');
    expect(numeric).to.deep.equal([]);
  });

  it('documents the CSV answers of the inventory reports as text/csv', () => {
    for (const path of ['/api/inventory/reports', '/api/inventory/report']) {
      const ok = doc.paths[path]?.get?.responses?.['200'] as { content?: Record<string, unknown> };
      expect(ok?.content, path).to.have.keys('application/json', 'text/csv');
    }
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

describe('OpenAPI 3.0 bounds rewrite', () => {
  it('turns numeric exclusive bounds into 3.0 boolean ones, keeping the tighter bound', () => {
    expect(toOpenApi30Bounds({ a: [{ type: 'number', exclusiveMinimum: 0 }] })).to.deep.equal({
      a: [{ type: 'number', minimum: 0, exclusiveMinimum: true }],
    });
    expect(
      toOpenApi30Bounds({ exclusiveMinimum: 0, minimum: 5, exclusiveMaximum: 10, maximum: 10 }),
    ).to.deep.equal({
      minimum: 5,
      maximum: 10,
      exclusiveMaximum: true,
    });
    expect(toOpenApi30Bounds({ minimum: 1, exclusiveMinimum: true })).to.deep.equal({
      minimum: 1,
      exclusiveMinimum: true,
    });
  });
});
