/**
 * The production start's bundle (issue 14, start-up time): `npm run build` runs tsc (dist/, which
 * the compiled test run and the CLI and worker use) and then this, which writes
 * `dist/bundle/main.js` from bootstrap/main.ts for `npm start`.
 *
 * Why: unbundled, the start loads about 1,600 ES modules (typebox alone 680, inversify 245), and
 * Node's ESM loader resolves, reads and links each one: half the start's CPU. Bundled they are a
 * few files.
 *
 * - ESM with splitting: what bootstrap imports lazily (`await import()`: the Mongo adapters, the
 *   Redis client, the SMTP, SMS and push senders, tracing) stays in chunks of its own, loaded only
 *   when config selects them, as unbundled.
 * - EXTERNAL packages are left to node_modules, imported at run time as before:
 *   - the SDKs the embedded default must never load (test/bootstrap/lazy-adapters.test.ts watches
 *     the bundle's start too) and that OpenTelemetry patches on load (mongoose, ioredis: the ESM
 *     hook in adapters/telemetry/tracing.ts sees only modules loaded from node_modules);
 *   - packages that find files beside their own code at run time (`__dirname`): pino (transport
 *     workers), @fastify/swagger (its package.json), @fastify/swagger-ui and @fastify/static (the UI's
 *     assets), ws's native helpers, the uWebSockets.js addon.
 * - CommonJS packages bundled into ESM still `require()` node's built-ins: the banner gives each
 *   file a `require` (createRequire) for that.
 * - Source maps beside the files; `npm start` runs node with --enable-source-maps, so stack traces
 *   name the TypeScript sources.
 */
import { build, type BuildOptions } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Left out of the bundle: resolved from node_modules at run time. */
export const EXTERNAL_PACKAGES = [
  // lazy adapters' SDKs (never loaded by the embedded default)
  'mongoose',
  'mongodb',
  'ioredis',
  'bullmq',
  'stripe',
  'cloudinary',
  'razorpay',
  'twilio',
  'nodemailer',
  'web-push',
  // tracing: the SDK patches modules as node loads them
  '@opentelemetry/*',
  '@fastify/otel',
  // files found beside the package's own code at run time
  'pino',
  'thread-stream',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  '@fastify/static',
  'bufferutil',
  'utf-8-validate',
  'uWebSockets.js',
] as const;

export const BUNDLE_DIR = 'dist/bundle';

export function bundleOptions(root: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: { main: 'bootstrap/main.ts' },
    outdir: BUNDLE_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(root, 'tsconfig.json'),
    sourcemap: true,
    sourcesContent: false,
    external: [...EXTERNAL_PACKAGES],
    banner: {
      js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}

/** The folder holding package.json, found from this file (scripts/ under tsx, dist/scripts/ built). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('package.json not found');
    dir = dirname(dir);
  }
  return dir;
}

export async function bundle(root: string): Promise<void> {
  rmSync(join(root, BUNDLE_DIR), { recursive: true, force: true });
  await build(bundleOptions(root));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle(packageRoot());
}
