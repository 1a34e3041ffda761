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
 * - Source maps beside the files (without the sources' text): bootstrap/stack-source-maps.ts reads
 *   one when a stack through its file is first printed, so traces name the TypeScript sources.
 */
import { build, type BuildOptions } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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
  // its regular expressions hold non-ASCII letters, which esbuild leaves as they are (see below)
  'liquidjs',
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
    // Whitespace and comments out (1.5 MB less source for V8 to hold); names kept for stack traces.
    minifyWhitespace: true,
    charset: 'ascii',
    // Licence comments of the bundled packages go to <chunk>.LEGAL.txt beside each file.
    legalComments: 'external',
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

/**
 * V8 keeps a script's source in memory, one byte per character only while every character is
 * ASCII: a single other one (esbuild escapes them in strings, not in regular expression literals)
 * doubles the whole file, 3 MB more resident for the main chunk. The build fails instead, quoting
 * the place, so the package is left external or the character escaped.
 */
export function nonAsciiPlaces(files: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    // eslint-disable-next-line no-control-regex
    const at = text.search(/[^\x00-\x7f]/);
    if (at >= 0) found.push(`${file}: ${JSON.stringify(text.slice(Math.max(0, at - 80), at + 20))}`);
  }
  return found;
}

export async function bundle(root: string): Promise<void> {
  rmSync(join(root, BUNDLE_DIR), { recursive: true, force: true });
  const { metafile } = await build({ ...bundleOptions(root), metafile: true });
  const files = Object.keys(metafile.outputs).filter((file) => file.endsWith('.js'));
  const nonAscii = nonAsciiPlaces(
    Object.fromEntries(files.map((file) => [file, readFileSync(join(root, file), 'utf8')])),
  );
  if (nonAscii.length > 0) {
    throw new Error(
      `non-ASCII characters in the bundle (V8 would hold it twice as large): ${nonAscii.join('; ')}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle(packageRoot());
}
