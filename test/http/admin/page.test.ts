import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ADMIN_PAGE_CSP, CHART_JS_PATH, repositoryRoot } from '../../../adapters/http/admin/page.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

/**
 * The admin page's files as the API serves them (the browser suite, test/browser, drives the page
 * itself): found from the repository root, under a CSP that allows same-origin code only, with
 * Chart.js from node_modules and nothing else of the server's disk.
 */
describe('http/admin: the dashboard page at /admin/', () => {
  let t: TestApp;
  const root = repositoryRoot();

  before(async () => {
    t = await buildTestApp();
  });
  after(async () => {
    await t.close();
  });

  const get = (url: string) => t.request({ method: 'GET', url });

  it('serves index.html at /admin/ and /admin under the page CSP: same-origin code, nothing inline', async () => {
    for (const url of ['/admin/', '/admin']) {
      const res = await get(url);
      expect(res.statusCode, url).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.body).to.equal(readFileSync(join(root, 'admin', 'index.html'), 'utf8'));
      expect(res.headers['content-security-policy']).to.equal(ADMIN_PAGE_CSP);
    }
    expect(ADMIN_PAGE_CSP).to.contain("script-src 'self'").and.contain("style-src 'self'");
    expect(ADMIN_PAGE_CSP).not.to.contain('unsafe-inline');
    // Swagger UI keeps the server-wide policy it needs.
    const docs = await get('/api/docs/static/index.html');
    expect(docs.headers['content-security-policy']).to.contain("'unsafe-inline'");
  });

  it('the page loads only its own files: no inline script or style, no CDN', async () => {
    const html = (await get('/admin/')).body;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => /\bsrc="([^"]+)"/.exec(m[1]!)?.[1])).to.deep.equal([
      CHART_JS_PATH,
      '/admin/app.js',
    ]);
    for (const m of scripts) expect(m[2]!.trim(), 'inline script').to.equal('');
    expect(html).not.to.match(/<style\b|\sstyle=|\son[a-z]+=/i);
    expect(html).not.to.match(/(src|href)="(https?:)?\/\//);
    for (const [url, type] of [
      [CHART_JS_PATH, /javascript/],
      ['/admin/app.js', /javascript/],
      ['/admin/styles.css', /text\/css/],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).to.equal(200);
      expect(res.headers['content-type'], url).to.match(type);
      expect(res.headers['content-security-policy'], url).to.equal(ADMIN_PAGE_CSP);
    }
    expect((await get(CHART_JS_PATH)).body).to.contain('Chart.js v4');
  });

  it('serves nothing else: other Chart.js files, dot files, paths out of the folder', async () => {
    for (const url of [
      '/admin/vendor/chart.js',
      '/admin/vendor/chart.umd.min.js.map',
      '/admin/vendor/../../package.json',
      '/admin/%2e%2e/package.json',
      '/admin/..%2fpackage.json',
      '/admin/.env',
      '/admin/vendor/',
      '/admin/nope.js',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).to.be.within(400, 499);
      expect(res.body, url).not.to.contain('"name": "amour-florals-api"');
    }
  });

  it('finds the page from the compiled build as from the sources (the repository root)', () => {
    expect(repositoryRoot(join(root, 'dist', 'adapters', 'http', 'admin'))).to.equal(root);
    expect(repositoryRoot(join(root, 'adapters', 'http', 'admin'))).to.equal(root);
  });
});
