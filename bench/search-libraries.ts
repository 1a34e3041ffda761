/**
 * Which full-text library the search index is built on: Orama, MiniSearch and FlexSearch on the
 * same 10,000 documents (bench/search-corpus.ts: the demo catalog expanded with its own
 * vocabulary), the same fields and boosts as far as each takes them. Prints one table: relevance
 * on the judged queries (MRR, top-3 hits, by kind: misspellings, prefixes, multi-word, names),
 * facets and geo built in, index build time, autocomplete-like query p50/p99, heap after building.
 * The README's "Choosing the full-text library" holds a run's numbers and the choice.
 *
 * Orama and FlexSearch are not dependencies of the service. Either install them without saving:
 *
 *   npm i --no-save @orama/orama flexsearch
 *   node --expose-gc --import tsx bench/search-libraries.ts
 *
 * or keep them in a scratch project outside the repo and point at it:
 *
 *   (mkdir -p /tmp/searchcmp && cd /tmp/searchcmp && npm init -y && npm i @orama/orama minisearch flexsearch)
 *   SEARCH_LIBS_DIR=/tmp/searchcmp node --expose-gc --import tsx bench/search-libraries.ts
 *
 * BENCH_PRODUCTS (10000) documents, BENCH_QUERIES (3000) timed queries per library. Excluded from
 * `tsc` (tsconfig.json "exclude"): it cannot compile without the two packages; eslint and
 * prettier check it like any other file.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type * as OramaModule from '@orama/orama';
import type FlexSearchModule from 'flexsearch';
import type MiniSearchClass from 'minisearch';
import { percentile } from './realtime-report.js';
import {
  AUTOCOMPLETE_QUERIES,
  BOOSTS,
  FIELDS,
  JUDGED_QUERIES,
  corpusDocuments,
  reciprocalRank,
  syntheticProductSeeds,
  type CorpusDocument,
  type QueryKind,
} from './search-corpus.js';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 3000);
const LIMIT = 10;
/**
 * The same typo policy for every library, as far as it takes one: no edits under 4 letters (a
 * prefix being typed), then 2 (a swap of two letters, "rsoe" for "rose", is 2 Levenshtein edits).
 * Orama takes one tolerance for the whole query (2); FlexSearch takes none (its phonetic
 * encoder is its only typo tolerance).
 */
const maxEdits = (term: string) => (term.length < 4 ? 0 : 2);

/** `import(name)`, from the repo's node_modules or else from SEARCH_LIBS_DIR's. */
async function load<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    const dir = process.env.SEARCH_LIBS_DIR;
    if (!dir) throw error;
    const entry = createRequire(join(dir, 'package.json')).resolve(name);
    return (await import(pathToFileURL(entry).href)) as T;
  }
}

/** One library behind the same three calls. */
interface Engine {
  readonly name: string;
  build(docs: readonly CorpusDocument[]): Promise<void>;
  /** Ranked ids, best first. */
  search(q: string, limit: number): Promise<string[]>;
  /** Facet counts for a query, when built in (null: the application must count them). */
  facets(q: string): Promise<Record<string, Record<string, number>> | null>;
  /** Ids within 10 km of a point, when built in (null: not supported). */
  near(lat: number, lng: number): Promise<string[] | null>;
}

const flat = (d: CorpusDocument) => ({
  id: d.id,
  name: d.name,
  description: d.description,
  tags: d.tags.join(' '),
  category: d.category,
  flowerTypes: d.flowerTypes.join(' '),
  occasions: d.occasions.join(' '),
  colors: d.colors.join(' '),
});

async function orama(): Promise<Engine> {
  const { create, insertMultiple, search } = await load<typeof OramaModule>('@orama/orama');
  const schema = {
    id: 'string',
    name: 'string',
    description: 'string',
    tags: 'string[]',
    category: 'string',
    flowerTypes: 'string[]',
    occasions: 'string[]',
    colors: 'string[]',
    price: 'number',
    rating: 'number',
    inStock: 'boolean',
    location: 'geopoint',
  } as const;
  let db = create({ schema });
  const hitIds = (r: { hits: Array<{ id: string }> }) => r.hits.map((h) => h.id);
  return {
    name: 'Orama',
    async build(docs) {
      db = create({ schema });
      await insertMultiple(
        db,
        docs.map(({ location, ...d }) => ({
          ...d,
          tags: [...d.tags],
          flowerTypes: [...d.flowerTypes],
          occasions: [...d.occasions],
          colors: [...d.colors],
          ...(location ? { location: { lat: location.lat, lon: location.lng } } : {}),
        })),
      );
    },
    async search(q, limit) {
      const result = await search(db, { term: q, properties: FIELDS, boost: BOOSTS, tolerance: 2, limit });
      return hitIds(result);
    },
    async facets(q) {
      const result = await search(db, {
        term: q,
        properties: FIELDS,
        tolerance: 2,
        limit: 0,
        facets: {
          occasions: {},
          flowerTypes: {},
          colors: {},
          price: {
            ranges: [
              { from: 0, to: 100_000 },
              { from: 100_000, to: 200_000 },
              { from: 200_000, to: 10_000_000 },
            ],
          },
        },
      });
      const out: Record<string, Record<string, number>> = {};
      for (const [field, facet] of Object.entries(result.facets ?? {})) out[field] = facet.values;
      return out;
    },
    async near(lat, lng) {
      const result = await search(db, {
        term: '',
        limit: 100_000,
        where: {
          location: { radius: { coordinates: { lat, lon: lng }, value: 10, unit: 'km', inside: true } },
        },
      });
      return hitIds(result);
    },
  };
}

async function minisearch(): Promise<Engine> {
  const { default: MiniSearch } = await load<{ default: typeof MiniSearchClass }>('minisearch');
  const options = {
    fields: FIELDS,
    storeFields: [],
    extractField: (d: CorpusDocument, field: string) => {
      const value = d[field as keyof CorpusDocument];
      return Array.isArray(value) ? value.join(' ') : String(value ?? '');
    },
    searchOptions: { boost: BOOSTS, prefix: true, fuzzy: maxEdits, combineWith: 'OR' as const },
  };
  let index = new MiniSearch<CorpusDocument>(options);
  return {
    name: 'MiniSearch',
    async build(docs) {
      index = new MiniSearch<CorpusDocument>(options);
      index.addAll(docs);
    },
    async search(q, limit) {
      return index
        .search(q)
        .slice(0, limit)
        .map((r) => String(r.id));
    },
    facets: async () => null,
    near: async () => null,
  };
}

async function flexsearch(): Promise<Engine> {
  const FlexSearch = (await load<{ default: typeof FlexSearchModule }>('flexsearch')).default;
  const make = () =>
    new FlexSearch.Document({
      document: {
        id: 'id',
        index: FIELDS.map((field) => ({
          field,
          tokenize: 'forward' as const,
          encoder: FlexSearch.Charset.LatinAdvanced,
        })),
      },
    });
  let index = make();
  return {
    name: 'FlexSearch',
    async build(docs) {
      index = make();
      for (const d of docs) index.add(flat(d));
    },
    async search(q, limit) {
      // One ranked list per field (no scores): merged here, each field's rank weighted by its boost.
      const perField = index.search(q, { limit: limit * 5, suggest: true }) as Array<{
        field: keyof typeof BOOSTS;
        result: Array<string | number>;
      }>;
      const score = new Map<string, number>();
      for (const { field, result } of perField) {
        result.forEach((id, rank) => {
          score.set(String(id), (score.get(String(id)) ?? 0) + BOOSTS[field] / (rank + 1));
        });
      }
      return [...score.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([id]) => id);
    },
    facets: async () => null,
    near: async () => null,
  };
}

function heapMiB(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

interface Row {
  name: string;
  mrr: number;
  top3: number;
  byKind: Record<QueryKind, string>;
  facets: string;
  geo: string;
  buildMs: number;
  p50: number;
  p99: number;
  heapMiB: number;
}

async function measure(engine: Engine, docs: readonly CorpusDocument[]): Promise<Row> {
  const builds: number[] = [];
  for (let i = 0; i < 2; i += 1) {
    const started = performance.now();
    await engine.build(docs);
    builds.push(performance.now() - started);
  }
  await engine.build([]);
  const before = heapMiB();
  const started = performance.now();
  await engine.build(docs);
  builds.push(performance.now() - started);
  const heap = heapMiB() - before;

  const byId = new Map(docs.map((d) => [d.id, d]));
  const hits: Record<QueryKind, [number, number]> = {
    misspelling: [0, 0],
    prefix: [0, 0],
    'multi-word': [0, 0],
    name: [0, 0],
  };
  let rrSum = 0;
  let top3 = 0;
  for (const judged of JUDGED_QUERIES) {
    const ranked = await engine.search(judged.q, LIMIT);
    const rr = reciprocalRank(ranked, (id) => judged.relevant(byId.get(id)!));
    rrSum += rr;
    const inTop3 = rr >= 1 / 3 ? 1 : 0;
    top3 += inTop3;
    hits[judged.kind][0] += inTop3;
    hits[judged.kind][1] += 1;
  }
  const byKind = Object.fromEntries(
    Object.entries(hits).map(([kind, [hit, of]]) => [kind, `${hit}/${of}`]),
  ) as Record<QueryKind, string>;

  for (let i = 0; i < 200; i += 1)
    await engine.search(AUTOCOMPLETE_QUERIES[i % AUTOCOMPLETE_QUERIES.length]!, 8);
  const times: number[] = [];
  for (let i = 0; i < QUERIES; i += 1) {
    const t = performance.now();
    await engine.search(AUTOCOMPLETE_QUERIES[i % AUTOCOMPLETE_QUERIES.length]!, 8);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);

  const facets = await engine.facets('roses');
  const near = await engine.near(18.52, 73.86);
  const expectedNear = docs.filter((d) => d.location?.lat === 18.52).length;
  return {
    name: engine.name,
    mrr: rrSum / JUDGED_QUERIES.length,
    top3,
    byKind,
    facets: facets === null ? 'no' : `yes (${Object.keys(facets).join(', ')})`,
    geo: near === null ? 'no' : `yes (${near.length}/${expectedNear} found)`,
    buildMs: [...builds].sort((a, b) => a - b)[1]!,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    heapMiB: heap,
  };
}

async function main(): Promise<void> {
  if (!globalThis.gc) console.warn('run with node --expose-gc for the heap column');
  const docs = corpusDocuments(syntheticProductSeeds(PRODUCTS));
  const rows: Row[] = [];
  for (const make of [orama, minisearch, flexsearch]) rows.push(await measure(await make(), docs));
  const f = (n: number, digits = 2) => n.toFixed(digits);
  console.log(
    `\n${docs.length} documents, ${JUDGED_QUERIES.length} judged queries, ${QUERIES} timed autocomplete-like queries (limit 8), Node ${process.version}\n`,
  );
  console.log(
    '| library | MRR@10 | top-3 hits | misspellings | prefixes | multi-word | names | facets built in | geo built in | build ms | query p50 ms | query p99 ms | heap MiB |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${f(r.mrr)} | ${r.top3}/${JUDGED_QUERIES.length} | ${r.byKind.misspelling} | ${r.byKind.prefix} | ${r.byKind['multi-word']} | ${r.byKind.name} | ${r.facets} | ${r.geo} | ${f(r.buildMs, 0)} | ${f(r.p50, 3)} | ${f(r.p99, 3)} | ${f(r.heapMiB, 1)} |`,
    );
  }
  if (process.env.BENCH_VERBOSE) {
    for (const make of [orama, minisearch, flexsearch]) {
      const engine = await make();
      await engine.build(docs);
      for (const judged of JUDGED_QUERIES) {
        const ranked = await engine.search(judged.q, 3);
        console.log(
          engine.name,
          judged.q,
          '->',
          ranked.map((id) => docs[Number(id.slice(1))]!.name).join(' | '),
        );
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
