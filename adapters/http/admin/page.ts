import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../types.js';

/** Where the admin page is served, and where Chart.js is served beside it. */
export const ADMIN_PAGE_PATH = '/admin/';
export const CHART_JS_PATH = '/admin/vendor/chart.umd.min.js';

/**
 * The admin page's policy, stricter than the server-wide one (which Swagger UI's inline code
 * needs): same-origin scripts, styles and calls only, nothing inline, no framing.
 */
export const ADMIN_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The repository root: the first folder above this module holding package.json. The same from
 * the sources (adapters/http/admin) and the compiled build (dist/adapters/http/admin), whose
 * folder has no package.json, so the page's files (`admin/` at the root) are found from both.
 */
export function repositoryRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Chart.js's dist folder, wherever npm installed the package. */
function chartJsDist(): string {
  return dirname(createRequire(import.meta.url).resolve('chart.js'));
}

/**
 * The admin dashboard page (issue 12): `admin/` at the repository root served at /admin/ (plain
 * ES module, no build step), and Chart.js from node_modules at /admin/vendor/ (no CDN). Files
 * only, never a listing; dot files refused; the page's CSP on every answer of the scope.
 */
export async function adminPage(app: App): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onSend', (_request, reply, payload, done) => {
      reply.header('content-security-policy', ADMIN_PAGE_CSP);
      done(null, payload);
    });
    await scope.register(fastifyStatic, {
      root: join(repositoryRoot(), 'admin'),
      prefix: ADMIN_PAGE_PATH,
      // reply.sendFile, for the page itself below (this scope's own decoration).
      decorateReply: true,
      index: false,
      list: false,
      dotfiles: 'deny',
      // The page's files change with a deploy and carry no version in their names.
      cacheControl: true,
      maxAge: 0,
    });
    // The page at /admin and /admin/ (ignoreTrailingSlash): the wildcard route answers only files.
    scope.get(ADMIN_PAGE_PATH.slice(0, -1), { schema: { hide: true } }, (_request, reply) =>
      reply.sendFile('index.html'),
    );
    const vendor = CHART_JS_PATH.slice(0, CHART_JS_PATH.lastIndexOf('/') + 1);
    const vendorFile = CHART_JS_PATH.slice(vendor.length);
    await scope.register(fastifyStatic, {
      root: chartJsDist(),
      prefix: vendor,
      decorateReply: false,
      index: false,
      list: false,
      dotfiles: 'deny',
      allowedPath: (pathname) => pathname === `/${vendorFile}`,
      maxAge: '1d',
    });
  });
}
