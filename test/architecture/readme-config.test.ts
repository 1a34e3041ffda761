import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

// The project root, whether this runs from test/ or compiled from dist/test/.
const above = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const root = existsSync(resolve(above, 'README.md')) ? above : resolve(above, '..');
const source = (path: string) => readFileSync(resolve(root, path), 'utf8');

/** Every variable bootstrap/config.ts reads: `env.NAME` and the quoted names passed to its parsers. */
export function variablesRead(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]!);
  for (const m of code.matchAll(/\(env, '([A-Z][A-Z0-9_]+)'/g)) names.add(m[1]!);
  return [...names].sort();
}

describe('README: the configuration table matches the code', () => {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const table = readme.split('\n').filter((l) => l.startsWith('| `'));

  it('documents every environment variable the config reads', () => {
    const read = variablesRead(source('bootstrap/config.ts'));
    expect(read.length).to.be.greaterThan(20);
    const missing = read.filter((name) => !table.some((row) => row.includes(`\`${name}\``)));
    expect(missing).to.deep.equal([]);
  });

  it('documents no variable the config does not read', () => {
    const read = new Set(variablesRead(source('bootstrap/config.ts')));
    const documented = table.flatMap((row) =>
      [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!),
    );
    expect(documented.filter((name) => !read.has(name))).to.deep.equal([]);
  });

  it('the reader finds both forms', () => {
    expect(variablesRead("const a = env.FOO_BAR; int(env, 'BAZ', 1)")).to.deep.equal(['BAZ', 'FOO_BAR']);
  });
});
