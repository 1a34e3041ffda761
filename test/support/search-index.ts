import type { Container } from 'inversify';
import { SEARCH_INDEX, type SearchIndex } from '../../application/search/ports.js';
import type { Category } from '../../domain/catalog/category.js';
import { isInStock, type Product } from '../../domain/catalog/product.js';
import type { SearchDocument, Suggestion, TextMatch } from '../../domain/search/document.js';
import { searchLocationOf } from '../../domain/search/from-product.js';

/**
 * A naive SearchIndex for tests that need one filled with known documents (filters, facets,
 * sorts): a text matches a document containing each of its words; score = how many fields match.
 */
export class SubstringSearchIndex implements SearchIndex {
  private readonly docs = new Map<string, SearchDocument>();

  async replaceAll(documents: readonly SearchDocument[]): Promise<void> {
    this.docs.clear();
    for (const d of documents) this.docs.set(d.id, d);
  }
  async upsert(document: SearchDocument): Promise<void> {
    this.docs.set(document.id, document);
  }
  async remove(id: string): Promise<void> {
    this.docs.delete(id);
  }
  async match(text: string, options?: { readonly limit?: number }): Promise<TextMatch[]> {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const out: TextMatch[] = [];
    for (const d of this.docs.values()) {
      const fields = [
        d.name,
        d.description,
        d.category,
        ...d.tags,
        ...d.flowerTypes,
        ...d.occasions,
        ...d.colors,
      ].map((f) => f.toLowerCase());
      if (!words.every((w) => fields.some((f) => f.includes(w)))) continue;
      out.push({ id: d.id, score: fields.filter((f) => words.some((w) => f.includes(w))).length });
    }
    out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return out.slice(0, options?.limit ?? out.length);
  }
  async suggest(): Promise<Suggestion[]> {
    return [];
  }
  get(id: string): SearchDocument | undefined {
    return this.docs.get(id);
  }
  documents(): Iterable<SearchDocument> {
    return this.docs.values();
  }
  get size(): number {
    return this.docs.size;
  }
}

/** A product as the index holds it (the test's own mapping; the application has its builder). */
export function documentOf(p: Product, category: Category | null = null): SearchDocument {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    tags: p.tags,
    category: category?.name ?? '',
    categoryId: p.categoryId,
    flowerTypes: p.flowerTypes,
    occasions: p.occasions,
    colors: p.colors,
    price: p.price,
    rating: p.ratings.average,
    reviewCount: p.ratings.count,
    inStock: isInStock(p),
    salesCount: p.salesCount,
    createdAt: p.createdAt.getTime(),
    ...searchLocationOf(p),
  };
}

/** The container's search index; a SubstringSearchIndex bound first when none is bound yet. */
export function searchIndexOf(container: Container): SearchIndex {
  if (!container.isBound(SEARCH_INDEX))
    container.bind(SEARCH_INDEX).toConstantValue(new SubstringSearchIndex());
  return container.get(SEARCH_INDEX);
}
