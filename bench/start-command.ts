import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `npm start` runs, read from package.json's `start` script (`node [flags] <entry>`): node's
 * arguments, so the bench (bench/run.ts) and the bundle's start test measure and start exactly
 * that, flags included, with no shell and no npm in between.
 */
export function npmStartArgs(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts?: { start?: string };
  };
  const words = (pkg.scripts?.start ?? '').trim().split(/\s+/);
  if (words[0] !== 'node' || words.length < 2 || words.some((w) => /["'$`|&;<>]/.test(w))) {
    throw new Error(
      `package.json's start script is not a plain \`node [flags] <entry>\`: ${pkg.scripts?.start}`,
    );
  }
  return [...words.slice(1, -1), join(root, words.at(-1)!)];
}
