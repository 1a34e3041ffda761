import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect } from 'chai';
import { crossImports, cyclesOf, filesUnder, importGraph, root } from './source-graph.js';

function sourcesUnder(dir: string): Map<string, string> {
  return new Map(filesUnder(join(root, dir)).map((file) => [file, readFileSync(file, 'utf8')]));
}

function printed(cycles: string[][]): string[] {
  return cycles.map((cycle) => cycle.map((file) => relative(root, file)).join(' -> '));
}

// Issue 9: a cycle makes module evaluation order matter (a value import read before it is
// initialised) and ties every context's routes to the server that mounts them. Type-only imports
// count: they are the usual way back in (context plugins importing HttpRouteDeps from server.ts).
// Between contexts the same holds, one level up: a context is a folder of application/ (or domain/).
/** The shared kernel: every context may import it (deeply); it imports no context. */
const KERNEL = 'shared';

/**
 * Every dependency between application contexts, with why. Another context is reached only through
 * its `index.ts`; a new edge fails the test below until it is added here on purpose (and it must
 * not close a cycle). Edges into the shared kernel are not listed.
 */
const ALLOWED_CONTEXT_IMPORTS: Readonly<Record<string, string>> = {
  'analytics -> catalog': 'reports name products and categories and group them by occasion',
  'analytics -> ordering': 'the dashboard lists the latest orders',
  'cart -> catalog': 'a cart line is priced from the current product (CartStore reads products)',
  'discovery -> catalog': 'recommendations and trending lists are product views',
  'discovery -> ordering': 'trending, bought-together and "for you" rank from orders',
  'discovery -> identity':
    "training reads every shopper's favourites, kept on the user, and the synthetic order history creates its shoppers (UserRepository)",
  'discovery -> wishlist': '"for you" uses the shopper\'s favourites',
  'discovery -> location':
    "the synthetic order history ships to the shop's serviceable cities (CityDirectory)",
  'inventory -> catalog': 'stock belongs to a product; a stock change answers the fresh product',
  'loyalty -> identity': 'points and the tier are mirrored on the user (UserRepository.syncLoyalty)',
  'loyalty -> ordering':
    'points are earned from delivered orders and taken back by refunds (reads the order)',
  'media -> catalog': 'product images are stored on the product and answer its view',
  'notifications -> identity': "an order mail goes to the order's user (UserRepository)",
  'notifications -> inventory':
    "back-in-stock messages go through the pipeline: notifications implements inventory's BackInStockMessages port",
  'notifications -> ordering': 'order mails react to ordering events and read the order',
  'ordering -> cart': 'an order can be placed from the server cart',
  'ordering -> catalog': 'order lines are priced and checked from products',
  'ordering -> delivery': 'placing an order books its delivery slot (DeliverySlotBooking)',
  'ordering -> identity': 'sales analytics count customers',
  'ordering -> media': "a courier's proof-of-delivery photo is checked and stored through the media port",
  'ordering -> inventory': 'placing an order holds stock (StockHold, reservation sweeper)',
  'ordering -> promotions': 'placing an order evaluates and redeems its promo code',
  'payments -> identity': 'checkout and saved payment methods need the paying user',
  'payments -> ordering': 'a payment settles, refunds or looks up its order',
  'promotions -> identity': "tier-restricted codes check the shopper's membership tier (the user)",
  'promotions -> cart': "validating a code without a subtotal prices the shopper's cart",
  'promotions -> catalog': 'promo lines are priced from current products, by category',
  'realtime -> cart':
    "the cart channel shows the user's current cart (CurrentCart, read without creating one)",
  'realtime -> catalog':
    "the stock channel reads a product's current stock and availability (ProductRepository)",
  'realtime -> identity': "the realtime gateway authenticates a connection's token (Authenticator)",
  'realtime -> ordering':
    'the order channel follows the order events, checks who owns the order and shows its tracking (OrderRepository, trackingOf)',
  'reviews -> catalog': 'a review is of a product and updates its rating',
  'reviews -> identity': 'reviews show and check their author',
  'reviews -> ordering': 'only a buyer of the product may review it (verified purchase)',
  'search -> catalog':
    "the index holds each product's current state and its category's name, and the advanced search answers catalog views (ProductRepository, CategoryRepository, joinCategories)",
  'search -> location': 'a "nearby" city is resolved, and serviceability checked, with the CityDirectory',
  'wishlist -> cart': "moving a favourite to the cart uses the cart's own store",
  'wishlist -> catalog': 'favourites are products',
  'wishlist -> identity':
    "a shared wishlist shows its owner's first name (UserRepository); share tokens are kept as digests (SecretDigest)",
};

/** Top-level files of domain/ allowed to import every domain context: the union of all events. */
const DOMAIN_AGGREGATORS = new Set(['events.ts']);

interface ContextReport {
  /** Context folders without an index.ts (their public face). */
  readonly withoutIndex: string[];
  /** Cycles between contexts, type-only imports included. */
  readonly cycles: string[][];
  /** `from-file -> to-file` for cross-context imports that do not target the other's index.ts. */
  readonly pastTheFace: string[];
  /** `from -> to` for every dependency between contexts (the kernel as target left out), sorted. */
  readonly edges: string[];
  /** Contexts the kernel imports (should be none). */
  readonly kernelImports: string[];
}

/** A file's context: its first folder under `layerDir` (a top-level file is its own group). */
function contextIn(layerDir: string): (file: string) => string {
  return (file) => relative(layerDir, file).split(sep)[0]!;
}

/** The context folders of `layerDir` and how the files of `sources` under it import each other. */
function contextReport(layerDir: string, sources: ReadonlyMap<string, string>): ContextReport {
  const contextOf = contextIn(layerDir);
  const contexts = [...new Set([...sources.keys()].map(contextOf))].filter((name) => !name.endsWith('.ts'));
  const imports = crossImports(sources, contextOf);
  const edges = new Set<string>();
  const pastTheFace: string[] = [];
  const kernelImports = new Set<string>();
  for (const { from, to } of imports) {
    const [source, target] = [contextOf(from), contextOf(to)];
    if (source === KERNEL) kernelImports.add(target);
    if (target === KERNEL) continue;
    edges.add(`${source} -> ${target}`);
    if (to !== join(layerDir, target, 'index.ts')) {
      pastTheFace.push(`${relative(root, from)} -> ${relative(root, to)}`);
    }
  }
  return {
    withoutIndex: contexts.filter((c) => c !== KERNEL && !sources.has(join(layerDir, c, 'index.ts'))).sort(),
    cycles: cyclesOf(importGraph(sources, contextOf)),
    pastTheFace: pastTheFace.sort(),
    edges: [...edges].sort(),
    kernelImports: [...kernelImports].sort(),
  };
}

function contextFolders(layerDir: string): string[] {
  return readdirSync(layerDir).filter((name) => statSync(join(layerDir, name)).isDirectory());
}

describe('architecture: no import cycles', () => {
  it('adapters/http has no import cycle (type-only imports included)', () => {
    expect(printed(cyclesOf(importGraph(sourcesUnder('adapters/http'))))).to.deep.equal([]);
  });

  it('application/ and domain/ have no file-level import cycle (a file importing its own index.ts, say)', () => {
    for (const layer of ['application', 'domain']) {
      expect(printed(cyclesOf(importGraph(sourcesUnder(layer)))), layer).to.deep.equal([]);
    }
  });

  describe('application contexts', () => {
    const layer = join(root, 'application');
    const report = contextReport(layer, sourcesUnder('application'));

    it('every context has an index.ts, its one public face', () => {
      expect(contextFolders(layer).length).to.be.greaterThan(10);
      expect(report.withoutIndex).to.deep.equal([]);
    });

    it('no cycle between contexts (type-only imports included)', () => {
      expect(report.cycles.map((cycle) => cycle.join(' -> '))).to.deep.equal([]);
    });

    it("a context imports another only through that context's index.ts", () => {
      expect(report.pastTheFace, 'import the index.ts instead (export there what you need)').to.deep.equal(
        [],
      );
    });

    it('the shared kernel imports no context', () => {
      expect(report.kernelImports).to.deep.equal([]);
    });

    it('the dependencies between contexts are exactly the allowed list', () => {
      expect(
        report.edges,
        'a new dependency between contexts: add it to ALLOWED_CONTEXT_IMPORTS with why',
      ).to.deep.equal(Object.keys(ALLOWED_CONTEXT_IMPORTS).sort());
    });
  });

  describe('domain contexts', () => {
    const layer = join(root, 'domain');
    const sources = sourcesUnder('domain');
    const report = contextReport(layer, sources);

    it('no cycle between domain contexts (domain/events.ts, the union of all events, included)', () => {
      expect(report.cycles.map((cycle) => cycle.join(' -> '))).to.deep.equal([]);
    });

    it('the shared kernel imports no domain context', () => {
      expect(report.kernelImports).to.deep.equal([]);
    });

    it('only the allowed top-level files (domain/events.ts) import domain contexts', () => {
      const fromRoot = crossImports(sources, contextIn(layer))
        .map(({ from }) => relative(layer, from))
        .filter((file) => !file.includes(sep));
      expect([...new Set(fromRoot)].filter((file) => !DOMAIN_AGGREGATORS.has(file))).to.deep.equal([]);
      expect(fromRoot).to.include('events.ts'); // the check sees it, and lets it through on purpose
    });
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

    it('reports contexts: a missing index, an import past the face, a cycle, the kernel importing, the edges', () => {
      const layer = join(root, 'application');
      const files: Record<string, string> = {
        'a/index.ts': "export type { A } from './a.js';",
        'a/a.ts': "import type { B } from '../b/b.js';\nimport { own } from './index.js';",
        'b/index.ts': "export type { B } from './b.js';",
        'b/b.ts': "import type { A } from '../a/index.js';\nimport type { Clock } from '../shared/ports.js';",
        'c/c.ts': "import { a } from '../a/index.js';",
        'shared/ports.ts': "import type { C } from '../c/c.js';",
      };
      const report = contextReport(
        layer,
        new Map(Object.entries(files).map(([name, text]) => [join(layer, name), text])),
      );
      expect(report).to.deep.equal({
        withoutIndex: ['c'],
        cycles: [['a', 'b', 'a']],
        pastTheFace: [
          'application/a/a.ts -> application/b/b.ts',
          'application/shared/ports.ts -> application/c/c.ts',
        ],
        edges: ['a -> b', 'b -> a', 'c -> a', 'shared -> c'],
        kernelImports: ['c'],
      });
      const clean = contextReport(
        layer,
        new Map([
          [
            join(layer, 'a/index.ts'),
            "export { a } from './a.js';\nimport type { K } from '../shared/k.js';",
          ],
          [join(layer, 'a/a.ts'), 'export const a = 1;'],
          [join(layer, 'shared/k.ts'), 'export type K = 1;'],
          [join(layer, 'b/index.ts'), "import { a } from '../a/index.js';"],
        ]),
      );
      expect(clean).to.deep.equal({
        withoutIndex: [],
        cycles: [],
        pastTheFace: [],
        edges: ['b -> a'],
        kernelImports: [],
      });
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
