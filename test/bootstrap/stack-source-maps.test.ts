import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

/**
 * bootstrap/stack-source-maps.ts: the bundle runs without --enable-source-maps (that flag decodes
 * every map at load, ~15 MB resident), and its stack traces still name the TypeScript sources.
 * A bundle built as scripts/bundle.ts builds (whitespace minified, maps without sources) by plain
 * node, no tsx.
 */
describe('bootstrap: stack traces of a bundle name the TypeScript sources (maps read lazily)', () => {
  it('maps a frame of the minified bundle to its .ts file, line and function; untouched before install', async function () {
    this.timeout(30_000);
    const root = new URL(import.meta.url.endsWith('.js') ? '../../../' : '../../', import.meta.url).pathname;
    const dir = mkdtempSync(join(tmpdir(), 'af-stack-maps-'));
    try {
      writeFileSync(
        join(dir, 'thrower.ts'),
        ['// line 1', 'export function explode(): never {', "  throw new Error('boom');", '}', ''].join('\n'),
      );
      writeFileSync(
        join(dir, 'entry.ts'),
        [
          `import { installLazySourceMaps } from ${JSON.stringify(join(root, 'bootstrap/stack-source-maps.ts'))};`,
          "import { explode } from './thrower.ts';",
          'const stack = () => { try { explode(); } catch (e) { return (e as Error).stack; } };',
          'const before = stack();',
          'installLazySourceMaps(process.argv[2]!);',
          'console.log(JSON.stringify({ before, after: stack() }));',
        ].join('\n'),
      );
      await build({
        entryPoints: [join(dir, 'entry.ts')],
        outfile: join(dir, 'out', 'entry.mjs'),
        bundle: true,
        format: 'esm',
        platform: 'node',
        minifyWhitespace: true,
        sourcemap: true,
        sourcesContent: false,
        logLevel: 'error',
      });
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(dir, 'out', 'entry.mjs'), join(dir, 'out')],
        { env: { PATH: process.env.PATH ?? '' } },
      );
      const { before, after } = JSON.parse(stdout) as { before: string; after: string };
      expect(before)
        .to.match(/at explode \(.*\/entry\.mjs:\d+:\d+\)/)
        .and.not.include('thrower.ts');
      expect(after).to.match(/^Error: boom\n {4}at explode \(.*\/thrower\.ts:3:\d+\)/);
      expect(after).to.include(`${join(dir, 'entry.ts')}:3:`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
