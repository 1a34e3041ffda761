/**
 * The judged query set over the demo catalog (adapters/persistence/seed/demo-catalog.ts): for
 * each query, which products are relevant, and that the first relevant one must rank in the top
 * 3 (or, `allTop3`, that all of the first three are relevant). Shared by the relevance test
 * (test/application/search/relevance.test.ts) and the library comparison / benches, which pass
 * their own ranking function to `judge`.
 */
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryProductRepository } from '../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryCategoryRepository } from '../../adapters/persistence/memory/catalog-category-repository.js';
import { StaticDemoCatalog } from '../../adapters/persistence/seed/demo-catalog.js';
import { SeedDemoCatalog } from '../../application/catalog/seed-demo-catalog.js';
import { SearchDocuments } from '../../application/search/search-documents.js';
import type { SearchDocument } from '../../domain/search/document.js';
import { SequentialIds, TestClock } from './kit.js';

export interface SearchJudgement {
  readonly query: string;
  /** The relevant products: by name, or a rule over the document. */
  readonly relevant: readonly string[] | ((document: SearchDocument) => boolean);
  /** Every one of the first three results must be relevant (not only the first relevant in the top 3). */
  readonly allTop3?: boolean;
}

const has =
  <K extends 'flowerTypes' | 'occasions' | 'colors'>(field: K, value: SearchDocument[K][number]) =>
  (d: SearchDocument) =>
    (d[field] as readonly string[]).includes(value);
const both = (a: (d: SearchDocument) => boolean, b: (d: SearchDocument) => boolean) => (d: SearchDocument) =>
  a(d) && b(d);

export const SEARCH_JUDGEMENTS: readonly SearchJudgement[] = [
  // misspellings
  { query: 'rsoe', relevant: has('flowerTypes', 'roses'), allTop3: true },
  { query: 'tulps', relevant: has('flowerTypes', 'tulips'), allTop3: true },
  { query: 'orcid', relevant: has('flowerTypes', 'orchids'), allTop3: true },
  { query: 'phalenopsis', relevant: ['White Phalaenopsis Orchid'] },
  { query: 'marigld', relevant: ['Marigold Festive Garland Box'] },
  { query: 'lilys', relevant: has('flowerTypes', 'lilies'), allTop3: true },
  // prefixes (what autocomplete-as-you-type sends)
  { query: 'crims', relevant: ['Crimson Devotion'] },
  { query: 'gradu', relevant: ['Graduation Bloom Box'] },
  { query: 'sunfl', relevant: ['Sunflower Smiles'] },
  // plain words and several words
  { query: 'orchid', relevant: has('flowerTypes', 'orchids'), allTop3: true },
  {
    query: 'birthday roses',
    relevant: both(has('occasions', 'birthday'), has('flowerTypes', 'roses')),
    allTop3: true,
  },
  { query: 'red roses', relevant: both(has('colors', 'red'), has('flowerTypes', 'roses')), allTop3: true },
  { query: 'sympathy lilies', relevant: both(has('occasions', 'sympathy'), has('flowerTypes', 'lilies')) },
  { query: 'wedding', relevant: has('occasions', 'wedding'), allTop3: true },
  { query: 'pink tulip', relevant: ['Pink Tulip Parade'] },
  { query: 'white funeral flowers', relevant: ['Serene White Tribute'] },
  { query: 'balloon', relevant: ['Birthday Balloon Bouquet'] },
  { query: 'carnations', relevant: ['Red Carnation Cheer'] },
  { query: 'ikebana', relevant: ['Mixed Orchid Ikebana'] },
  { query: 'stargazer lily', relevant: ['Stargazer Lily Bouquet'] },
];

/** The ids of the products `judgement` calls relevant among `documents`. */
export function relevantIds(judgement: SearchJudgement, documents: readonly SearchDocument[]): Set<string> {
  const rule = judgement.relevant;
  const isRelevant = typeof rule === 'function' ? rule : (d: SearchDocument) => rule.includes(d.name);
  return new Set(documents.filter(isRelevant).map((d) => d.id));
}

export interface JudgedQuery {
  readonly query: string;
  /** 1-based rank of the first relevant result; Infinity when none came back. */
  readonly firstRelevant: number;
  /** Whether the query meets its judgement (first relevant in the top 3, or all top 3 relevant). */
  readonly passed: boolean;
  readonly top3: string[];
}

/** Runs every judged query through `rank` (ids best first) and answers each result and the MRR. */
export async function judge(
  documents: readonly SearchDocument[],
  rank: (query: string) => Promise<readonly string[]> | readonly string[],
  judgements: readonly SearchJudgement[] = SEARCH_JUDGEMENTS,
): Promise<{ mrr: number; queries: JudgedQuery[] }> {
  const names = new Map(documents.map((d) => [d.id, d.name]));
  const queries: JudgedQuery[] = [];
  for (const judgement of judgements) {
    const relevant = relevantIds(judgement, documents);
    if (relevant.size === 0) throw new Error(`no relevant product for "${judgement.query}"`);
    const ranked = await rank(judgement.query);
    const index = ranked.findIndex((id) => relevant.has(id));
    const firstRelevant = index < 0 ? Infinity : index + 1;
    const top = ranked.slice(0, 3);
    const passed = judgement.allTop3
      ? top.length === Math.min(3, relevant.size) && top.every((id) => relevant.has(id))
      : firstRelevant <= 3;
    queries.push({
      query: judgement.query,
      firstRelevant,
      passed,
      top3: top.map((id) => names.get(id) ?? id),
    });
  }
  const mrr = queries.reduce((sum, q) => sum + (q.firstRelevant === Infinity ? 0 : 1 / q.firstRelevant), 0);
  return { mrr: mrr / queries.length, queries };
}

/** The demo catalog's search documents, built the way the application builds them (memory store). */
export async function demoSearchDocuments(): Promise<SearchDocument[]> {
  const db = new MemoryDatabase();
  const products = new MemoryProductRepository(db);
  const categories = new MemoryCategoryRepository(db);
  const seed = new SeedDemoCatalog(
    products,
    categories,
    new StaticDemoCatalog(),
    new TestClock(),
    new SequentialIds(),
  );
  (await seed.execute()).unwrap();
  return new SearchDocuments(products, categories).all();
}
