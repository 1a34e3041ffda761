import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../architecture/source-graph.js';
import { buildTestApp, loginAdmin, type TestApp } from '../support/harness.js';
import { apiRoutes, fill, key } from './support.js';

/**
 * API9:2023 Improper Inventory Management: the OpenAPI document and the routes the app serves
 * are the same set, the few routes outside it are listed with a reason, nothing unlisted answers,
 * and the version the API reports is the package's.
 */
const UNDOCUMENTED: Readonly<Record<string, string>> = {
  'GET /': 'the index: links to the API, its documents and the admin panel',
  'GET /api/openapi.json': 'the OpenAPI document itself',
  'GET /api/asyncapi.json': 'the AsyncAPI document itself',
  'GET /admin': 'the admin panel (static files; its data comes from the documented /api/admin routes)',
  'GET /admin/*': 'the admin panel (static files)',
  'GET /admin/vendor/*': 'the admin panel (vendored scripts)',
  'GET /uploads/*': 'uploaded product images (public files)',
};
// From the project root: the same from test/ and from the compiled dist/test/.
const VERSION = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('OWASP API9 improper inventory management', function () {
  this.timeout(60_000);
  let t: TestApp;
  let documented: Set<string>;

  before(async () => {
    t = await buildTestApp();
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    documented = new Set();
    for (const [path, methods] of Object.entries<object>(doc.paths))
      for (const method of Object.keys(methods))
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  });
  after(async () => t.close());

  it('documents every registered route (both prefixes) and documents no route that is not served', () => {
    const served = t.app.registeredRoutes
      .filter((r) => !['HEAD', 'OPTIONS'].includes(r.method) && !r.url.startsWith('/api/docs'))
      .map((r) => `${r.method} ${r.url}`);
    const missing = served.filter((k) => !documented.has(k) && !(k in UNDOCUMENTED));
    expect(missing, 'served, not documented').to.deep.equal([]);
    expect(
      [...documented].filter((k) => !served.includes(k)),
      'documented, not served',
    ).to.deep.equal([]);
    expect(
      Object.keys(UNDOCUMENTED).filter((k) => !served.includes(k)),
      'stale UNDOCUMENTED entries',
    ).to.deep.equal([]);
    expect(documented.size).to.be.greaterThan(150);
  });

  it('answers 404 for every unlisted path a scanner tries (old versions, debug, internal, dotfiles)', async () => {
    const admin = await loginAdmin(t);
    for (const url of [
      '/api/v1/products',
      '/api/v2/products',
      '/v1/api/products',
      '/api/internal/users',
      '/api/debug',
      '/api/debug/vars',
      '/api/.env',
      '/.env',
      '/api/admin/users',
      '/api/users',
      '/api/admin/export',
      '/api/graphql',
      '/api/swagger.json',
      '/api/metrics',
      '/api/health/../../package.json',
      '/uploads/../package.json',
      '/admin/../package.json',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}` } });
      expect(res.statusCode, url).to.equal(404);
      expect(res.body, url).to.not.include('"version"');
    }
  });

  it('no route outside the document answers 2xx with data (each listed one is what its reason says)', async () => {
    const hidden = apiRoutes(t).filter((r) => !documented.has(key(r)) && !(key(r) in UNDOCUMENTED));
    expect(hidden.map(key)).to.deep.equal([]);
    const index = await t.app.inject({ method: 'GET', url: '/' });
    const endpoints = index.json().endpoints as Record<string, string>;
    // `api` names the prefix, not a route
    for (const path of Object.values(endpoints).filter((p) => p !== '/api')) {
      const res = await t.app.inject({ method: 'GET', url: fill(path, {}) });
      expect(res.statusCode, `the index links ${path}`).to.be.below(400);
    }
  });

  it('reports the package version honestly (index and OpenAPI), with nothing else about the build', async () => {
    const index = (await t.app.inject({ method: 'GET', url: '/' })).json();
    expect(index.version).to.equal(VERSION);
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.info.version).to.equal(VERSION);
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.body).to.not.match(/node\/?v?\d+\.\d+|commit|hostname|pid/i);
  });
});
