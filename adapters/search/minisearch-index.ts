import MiniSearch, { type SearchOptions } from 'minisearch';
import type { SearchIndex } from '../../application/search/ports.js';
import type { SearchDocument, Suggestion, SuggestionKind, TextMatch } from '../../domain/search/document.js';

/** Relative weight of each field in a product's BM25 score: the name first, the description last. */
export const FIELD_BOOSTS = {
  name: 4,
  tags: 2,
  category: 2,
  occasions: 2,
  flowerTypes: 2,
  colors: 2,
  description: 1,
} as const;
type Field = keyof typeof FIELD_BOOSTS;
const FIELDS = Object.keys(FIELD_BOOSTS) as Field[];
/** The fields that say what a product is (everything but the description). */
const NAMING_FIELDS = FIELDS.filter((f) => f !== 'description');
/**
 * The description's matches count apart, at this weight: MiniSearch multiplies a document's score
 * by how many query words it matched, so "roses" said in passing in a balloon bouquet's
 * description would make it match "birthday roses" as fully as a birthday bouquet of roses.
 */
export const DESCRIPTION_WEIGHT = 0.5;

/** Words too common to tell products apart (only the product index drops them). */
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'as',
  'at',
  'by',
  'for',
  'from',
  'in',
  'is',
  'it',
  'of',
  'on',
  'or',
  'the',
  'to',
  'with',
]);

/**
 * Lower case, accents off (Mélange = melange) and a light plural fold (roses = rose, lilies =
 * lily, tulips = tulip), the same on both sides, so "rose", "roses" and "Roses" meet.
 */
export function normalizeTerm(term: string): string {
  const t = term.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  if (t.length > 4 && t.endsWith('ies')) return `${t.slice(0, -3)}y`;
  if (t.length > 3 && t.endsWith('s') && !/(ss|us|is)$/.test(t)) return t.slice(0, -1);
  return t;
}

function productTerm(term: string): string | null {
  const t = normalizeTerm(term);
  return STOP_WORDS.has(t) ? null : t;
}

/**
 * Typo tolerance by term length: none under 4 letters (too many neighbours: "wed" is one edit
 * from "red"), then two edits (a swapped pair of letters, "rsoe" for "rose", is two edits).
 */
export function fuzziness(term: string): number | false {
  return term.length < 4 ? false : 2;
}

const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];

/** The distinct indexed terms of a document (its fields tokenized and normalised like MiniSearch does). */
function termsOf(document: SearchDocument): Set<string> {
  const terms = new Set<string>();
  for (const field of FIELDS) {
    const value = (document as unknown as Record<string, unknown>)[field];
    const text = Array.isArray(value) ? value.join(' ') : String(value ?? '');
    for (const token of tokenize(text)) {
      const term = productTerm(token);
      if (term) terms.add(term);
    }
  }
  return terms;
}

const lastTermIsPrefix = (_term: string, i: number, terms: string[]) => i === terms.length - 1;

const MATCH_OPTIONS: SearchOptions = {
  boost: FIELD_BOOSTS,
  prefix: lastTermIsPrefix,
  fuzzy: (term) => fuzziness(term),
  // Exact matches over completions of the last word, over typo matches.
  weights: { prefix: 0.5, fuzzy: 0.3 },
  combineWith: 'OR',
};

/**
 * An upsert or removal discards the old version (searches skip it at once); the references it
 * left are cleaned in batches once a tenth of the index, and at least 50 documents, is stale,
 * so a busy catalog does not grow the index without bound nor block the loop while cleaning.
 */
const VACUUM = { minDirtCount: 50, minDirtFactor: 0.1, batchSize: 1000, batchWait: 10 };

/** What the vocabulary index holds: one entry per product name, category, occasion, flower type, colour. */
interface VocabularyEntry {
  readonly key: string;
  readonly kind: SuggestionKind;
  readonly text: string;
  readonly refId?: string;
}

/** A facet's suggestions above a product's of the same strength: "ros" offers "roses" first. */
const KIND_BOOST: Record<SuggestionKind, number> = {
  flowerType: 1.6,
  occasion: 1.5,
  category: 1.4,
  color: 1.2,
  product: 1,
};

/**
 * The in-process `SearchIndex` on MiniSearch (BM25+): one index of products (the fields and
 * boosts above; prefix search on the last word and typo tolerance by length) and a small second
 * index of the suggestion vocabulary. The documents themselves sit in a Map beside them, so
 * `get`, `documents` and `size` never touch MiniSearch. An upsert of an indexed id replaces it
 * (MiniSearch `replace`: the old version is discarded and cleaned by its automatic vacuuming).
 */
export class MiniSearchIndex implements SearchIndex {
  private readonly docs = new Map<string, SearchDocument>();
  private products = MiniSearchIndex.productIndex();
  private vocabulary = MiniSearchIndex.vocabularyIndex();
  /** How many indexed products use each facet entry (key `kind:value`): it leaves at zero. */
  private readonly usage = new Map<string, number>();
  /**
   * How many indexed products hold each term. A query word the catalog uses is taken as spelled:
   * only an unknown word is matched with typos ("tulps"), so "roses" does not also expand into
   * every term two edits away (the cost of a fuzzy query grows with the terms it reaches).
   */
  private readonly termCounts = new Map<string, number>();
  private readonly fuzzyUnlessKnown = (term: string): number | false =>
    this.termCounts.has(term) ? false : fuzziness(term);

  private static productIndex(): MiniSearch<SearchDocument> {
    return new MiniSearch<SearchDocument>({
      fields: FIELDS,
      idField: 'id',
      extractField: (document, field) => {
        const value = (document as unknown as Record<string, unknown>)[field];
        return Array.isArray(value) ? value.join(' ') : (value as string);
      },
      processTerm: productTerm,
      searchOptions: MATCH_OPTIONS,
      autoVacuum: VACUUM,
    });
  }

  private static vocabularyIndex(): MiniSearch<VocabularyEntry> {
    return new MiniSearch<VocabularyEntry>({
      fields: ['text'],
      idField: 'key',
      storeFields: ['kind', 'text', 'refId'],
      processTerm: normalizeTerm,
      autoVacuum: VACUUM,
    });
  }

  get size(): number {
    return this.docs.size;
  }

  get(id: string): SearchDocument | undefined {
    return this.docs.get(id);
  }

  documents(): Iterable<SearchDocument> {
    return this.docs.values();
  }

  async replaceAll(documents: readonly SearchDocument[]): Promise<void> {
    this.docs.clear();
    this.usage.clear();
    this.termCounts.clear();
    this.products = MiniSearchIndex.productIndex();
    this.vocabulary = MiniSearchIndex.vocabularyIndex();
    for (const document of documents) this.put(document);
  }

  async upsert(document: SearchDocument): Promise<void> {
    this.put(document);
  }

  async remove(id: string): Promise<void> {
    const old = this.docs.get(id);
    if (!old) return;
    this.docs.delete(id);
    this.countTerms(old, -1);
    this.products.discard(id);
    this.vocabulary.discard(productKey(id));
    for (const entry of facetEntries(old)) this.release(entry);
  }

  async match(text: string, options: { readonly limit?: number } = {}): Promise<TextMatch[]> {
    if (text.trim() === '') return [];
    const scores = new Map<string, number>();
    const fuzzy = this.fuzzyUnlessKnown;
    for (const r of this.products.search(text, { fields: NAMING_FIELDS, fuzzy }))
      scores.set(String(r.id), r.score);
    for (const r of this.products.search(text, { fields: ['description'], fuzzy })) {
      const id = String(r.id);
      scores.set(id, (scores.get(id) ?? 0) + DESCRIPTION_WEIGHT * r.score);
    }
    const ranked = [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const limited = options.limit === undefined ? ranked : ranked.slice(0, Math.max(0, options.limit));
    return limited.map(([id, score]) => ({ id, score }));
  }

  async suggest(prefix: string, limit: number): Promise<Suggestion[]> {
    if (prefix.trim() === '' || limit <= 0) return [];
    const options: SearchOptions = {
      prefix: true,
      fuzzy: (term) => fuzziness(term),
      weights: { prefix: 0.6, fuzzy: 0.3 },
      boostDocument: (_id, _term, stored) => KIND_BOOST[(stored?.kind as SuggestionKind) ?? 'product'],
    };
    // Every word typed must match; when none does with all of them, the best of any.
    let found = this.vocabulary.search(prefix, { ...options, combineWith: 'AND' });
    if (found.length === 0) found = this.vocabulary.search(prefix, { ...options, combineWith: 'OR' });
    return found.slice(0, limit).map((r) => {
      const entry = r as unknown as VocabularyEntry & { score: number };
      return {
        kind: entry.kind,
        text: entry.text,
        ...(entry.refId !== undefined ? { id: entry.refId } : {}),
        score: r.score,
      };
    });
  }

  private countTerms(document: SearchDocument, delta: 1 | -1): void {
    for (const term of termsOf(document)) {
      const n = (this.termCounts.get(term) ?? 0) + delta;
      if (n > 0) this.termCounts.set(term, n);
      else this.termCounts.delete(term);
    }
  }

  private put(document: SearchDocument): void {
    const old = this.docs.get(document.id);
    this.docs.set(document.id, document);
    // Stock, sales, price and rating changes (every placement re-reads its products) leave the
    // text and the suggestion vocabulary as they were: the Map holds them, nothing to re-tokenize.
    if (old && sameText(old, document)) return;
    if (old) this.countTerms(old, -1);
    this.countTerms(document, 1);
    if (old) this.products.replace(document);
    else this.products.add(document);

    const product: VocabularyEntry = {
      key: productKey(document.id),
      kind: 'product',
      text: document.name,
      refId: document.id,
    };
    if (this.vocabulary.has(product.key)) this.vocabulary.replace(product);
    else this.vocabulary.add(product);

    const before = old ? facetEntries(old) : [];
    const after = facetEntries(document);
    for (const entry of after) this.hold(entry);
    for (const entry of before) this.release(entry);
  }

  private hold(entry: VocabularyEntry): void {
    const count = this.usage.get(entry.key) ?? 0;
    this.usage.set(entry.key, count + 1);
    if (count === 0) this.vocabulary.add(entry);
    else if (entry.kind === 'category' && this.vocabulary.getStoredFields(entry.key)?.text !== entry.text) {
      this.vocabulary.replace(entry); // a renamed category: its newest name
    }
  }

  private release(entry: VocabularyEntry): void {
    const count = this.usage.get(entry.key) ?? 0;
    if (count <= 1) {
      this.usage.delete(entry.key);
      if (this.vocabulary.has(entry.key)) this.vocabulary.discard(entry.key);
    } else {
      this.usage.set(entry.key, count - 1);
    }
  }
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** True when both versions index the same text (FIELDS) and bring the same suggestion vocabulary. */
function sameText(a: SearchDocument, b: SearchDocument): boolean {
  for (const field of FIELDS) {
    const x = (a as unknown as Record<string, unknown>)[field];
    const y = (b as unknown as Record<string, unknown>)[field];
    if (Array.isArray(x) && Array.isArray(y) ? !sameList(x as string[], y as string[]) : x !== y)
      return false;
  }
  return (
    a.name === b.name &&
    a.category === b.category &&
    a.categoryId === b.categoryId &&
    sameList(a.occasions, b.occasions) &&
    sameList(a.flowerTypes, b.flowerTypes) &&
    sameList(a.colors, b.colors)
  );
}

function productKey(id: string): string {
  return `product:${id}`;
}

/** The suggestion vocabulary a product brings: its category and its facet values. */
function facetEntries(document: SearchDocument): VocabularyEntry[] {
  const entries: VocabularyEntry[] = [];
  if (document.categoryId !== null && document.category !== '') {
    entries.push({
      key: `category:${document.categoryId}`,
      kind: 'category',
      text: document.category,
      refId: document.categoryId,
    });
  }
  for (const value of new Set(document.occasions)) {
    entries.push({ key: `occasion:${value}`, kind: 'occasion', text: value });
  }
  for (const value of new Set(document.flowerTypes)) {
    entries.push({ key: `flowerType:${value}`, kind: 'flowerType', text: value });
  }
  for (const value of new Set(document.colors)) {
    entries.push({ key: `color:${value}`, kind: 'color', text: value });
  }
  return entries;
}
