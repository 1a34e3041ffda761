import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect } from 'chai';
import { cyclesOf, filesUnder, importGraph, root } from './source-graph.js';

function sourcesUnder(dir: string): Map<string, string> {
  return new Map(filesUnder(join(root, dir)).map((file) => [file, readFileSync(file, 'utf8')]));
}

function printed(cycles: string[][]): string[] {
  return cycles.map((cycle) => cycle.map((file) => relative(root, file)).join(' -> '));
}

// Issue 9: a cycle makes module evaluation order matter (a value import read before it is
// initialised) and ties every context's routes to the server that mounts them. Type-only imports
// count: they are the usual way back in (context plugins importing HttpRouteDeps from server.ts).
// TODO(issue 9): also between application contexts (importGraph(sourcesUnder('application'),
// file => its context folder)), once today's knot is cut: cart, identity, inventory, notifications,
// ordering and promotions import each other in a loop (identity <-> notifications among them).
describe('architecture: no import cycles', () => {
  it('adapters/http has no import cycle (type-only imports included)', () => {
    expect(printed(cyclesOf(importGraph(sourcesUnder('adapters/http'))))).to.deep.equal([]);
  });

  describe('the checker itself', () => {
    const at = (name: string) => join(root, 'adapters', 'http', name);
    const graphOf = (files: Record<string, string>) =>
      importGraph(new Map(Object.entries(files).map(([name, text]) => [at(name), text])));

    it('finds a cycle through a type-only import, a re-export and a .js specifier', () => {
      const cycles = cyclesOf(
        graphOf({
          'server.ts': "import { ctxRoutes } from './ctx/routes.js';",
          'ctx/routes.ts': "import type { Deps } from '../server.js';\nexport * from './helper.js';",
          'ctx/helper.ts': "export { x } from '../leaf.js';",
          'leaf.ts': 'export const x = 1;',
        }),
      );
      expect(printed(cycles)).to.deep.equal([
        'adapters/http/ctx/routes.ts -> adapters/http/server.ts -> adapters/http/ctx/routes.ts',
      ]);
    });

    it('finds a three-file cycle and a self-import, and none in a tree', () => {
      expect(
        printed(
          cyclesOf(
            graphOf({
              'a.ts': "import { b } from './b.js';",
              'b.ts': "import { c } from './c.js';",
              'c.ts': "import type { a } from './a.js';",
              'self.ts': "export { s } from './self.js';",
            }),
          ),
        ),
      ).to.have.members([
        'adapters/http/a.ts -> adapters/http/b.ts -> adapters/http/c.ts -> adapters/http/a.ts',
        'adapters/http/self.ts -> adapters/http/self.ts',
      ]);
      expect(
        cyclesOf(
          graphOf({
            'server.ts': "import { r } from './ctx/routes.js';\nimport type { D } from './types.js';",
            'ctx/routes.ts': "import type { D } from '../types.js';\nimport { x } from 'fastify';",
            'types.ts': "import type { P } from '../../domain/identity/user.js';",
          }),
        ),
      ).to.deep.equal([]);
    });

    it('groups files into folders when asked: a cycle between folders, none inside one', () => {
      const folderOf = (file: string) => relative(join(root, 'adapters', 'http'), file).split(sep)[0]!;
      const files = {
        'a/one.ts': "import { two } from './two.js';",
        'a/two.ts': "import { one } from './one.js';\nimport type { x } from '../b/x.js';",
        'b/x.ts': "import type { one } from '../a/one.js';",
        'c/y.ts': "import { x } from '../b/x.js';",
      };
      const grouped = (names: string[]) =>
        importGraph(new Map(names.map((name) => [at(name), files[name as keyof typeof files]])), folderOf);
      expect(cyclesOf(grouped(Object.keys(files)))).to.deep.equal([['a', 'b', 'a']]);
      expect(cyclesOf(grouped(['a/one.ts', 'a/two.ts', 'c/y.ts']))).to.deep.equal([]);
    });
  });
});
