import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expect } from 'chai';
import { filesUnder, importsOf, root } from './source-graph.js';

/** The top-level folder of the project a relative import lands in, or the package name. */
function target(file: string, specifier: string): { layer?: string; pkg?: string } {
  if (specifier.startsWith('.')) {
    const abs = resolve(dirname(file), specifier);
    return { layer: relative(root, abs).split(sep)[0] };
  }
  if (specifier.startsWith('node:')) return { pkg: specifier };
  const parts = specifier.split('/');
  return { pkg: specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0] };
}

const FRAMEWORKS = [
  'fastify',
  'mongoose',
  'mongodb',
  'ioredis',
  'stripe',
  'nodemailer',
  'cloudinary',
  'ws',
  'uWebSockets.js',
  'inversify',
  'jsonwebtoken',
  'bcryptjs',
  'pino',
  'razorpay',
];

/** The violations of the dependency rule in one file of `layer`. */
export function violations(layer: string, file: string, source: string): string[] {
  const problems: string[] = [];
  for (const spec of importsOf(source)) {
    const t = target(file, spec);
    if (layer === 'domain') {
      if (t.layer !== undefined && t.layer !== 'domain') problems.push(`${spec} (outside domain/)`);
      if (t.pkg !== undefined && t.pkg !== 'ts-results-es') problems.push(`${spec} (package)`);
    }
    if (layer === 'application') {
      if (t.layer !== undefined && !['application', 'domain'].includes(t.layer))
        problems.push(`${spec} (${t.layer}/)`);
      if (
        t.pkg !== undefined &&
        (t.pkg.startsWith('@fastify/') || FRAMEWORKS.includes(t.pkg) || t.pkg.startsWith('node:'))
      ) {
        problems.push(`${spec} (framework or I/O)`);
      }
    }
    if (layer === 'adapters' && t.layer === 'bootstrap')
      problems.push(`${spec} (adapters must not reach bootstrap/)`);
  }
  return problems;
}

describe('architecture: the dependency rule', () => {
  for (const layer of ['domain', 'application', 'adapters']) {
    it(`${layer}/ imports only what the rule allows`, () => {
      const found: string[] = [];
      for (const file of filesUnder(join(root, layer))) {
        for (const v of violations(layer, file, readFileSync(file, 'utf8'))) {
          found.push(`${relative(root, file)}: ${v}`);
        }
      }
      expect(found).to.deep.equal([]);
    });
  }

  it('only bootstrap/ reads the environment', () => {
    const offenders = ['domain', 'application', 'adapters']
      .flatMap((layer) => filesUnder(join(root, layer)))
      .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).to.deep.equal([]);
  });

  it('domain/ and application/ take time and randomness from ports', () => {
    const offenders = ['domain', 'application']
      .flatMap((layer) => filesUnder(join(root, layer)))
      .filter((file) => /Date\.now\(|new Date\(\)|Math\.random\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).to.deep.equal([]);
  });

  describe('the checker itself', () => {
    const domainFile = join(root, 'domain', 'x', 'y.ts');
    const appFile = join(root, 'application', 'x', 'y.ts');
    it('flags a domain import of an adapter, a package or application/', () => {
      expect(
        violations('domain', domainFile, "import { a } from '../../adapters/http/server.js';"),
      ).to.have.length(1);
      expect(violations('domain', domainFile, "import x from 'fastify';")).to.have.length(1);
      expect(
        violations('domain', domainFile, "export * from '../../application/shared/ports.js';"),
      ).to.have.length(1);
      expect(violations('domain', domainFile, "const m = await import('node:fs');")).to.have.length(1);
    });
    it('allows domain to import itself and ts-results-es', () => {
      expect(
        violations(
          'domain',
          domainFile,
          "import { Ok } from 'ts-results-es';\nimport { a } from '../shared/money.js';",
        ),
      ).to.deep.equal([]);
    });
    it('flags application importing an adapter or a framework', () => {
      expect(
        violations('application', appFile, "import { a } from '../../adapters/http/server.js';"),
      ).to.have.length(1);
      expect(violations('application', appFile, "import { Container } from 'inversify';")).to.have.length(1);
      expect(violations('application', appFile, "import type { Redis } from 'ioredis';")).to.have.length(1);
      expect(
        violations('application', appFile, "import { a } from '../../domain/shared/money.js';"),
      ).to.deep.equal([]);
    });
  });
});
