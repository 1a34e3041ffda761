import { token } from '../shared/token.js';
import type { SearchDocument, Suggestion, TextMatch } from '../../domain/search/document.js';

/**
 * The product search index. The in-process adapter keeps every document in memory on each
 * instance (kept current by catalog notices delivered to every instance, rebuilt from the
 * repository at start); an external engine (OpenSearch, Meilisearch...) can implement the same
 * port later. Filtering, sorting and facet counting are the application's and domain's
 * (`domain/search`), over the documents this port holds, so every adapter answers the same.
 */
export interface SearchIndex {
  /** Replaces the whole index (start, or a rebuild). */
  replaceAll(documents: readonly SearchDocument[]): Promise<void>;
  /** Adds or replaces one document. */
  upsert(document: SearchDocument): Promise<void>;
  /** Removes one document; unknown ids are ignored. */
  remove(id: string): Promise<void>;
  /**
   * Full-text relevance (BM25-style) over name, description, tags, category, flower types,
   * occasions and colours, with prefix and typo tolerance; best first. Empty for a blank text.
   */
  match(text: string, options?: { readonly limit?: number }): Promise<TextMatch[]>;
  /** Autocomplete for a prefix or a misspelling: products, categories, occasions...; best first. */
  suggest(prefix: string, limit: number): Promise<Suggestion[]>;
  /** The indexed document, or undefined. */
  get(id: string): SearchDocument | undefined;
  /** Every indexed document (the advanced search filters and counts facets over these). */
  documents(): Iterable<SearchDocument>;
  readonly size: number;
}
export const SEARCH_INDEX = token<SearchIndex>('SearchIndex');
