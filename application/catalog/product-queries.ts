import { descendantIds } from '../../domain/catalog/category.js';
import type { Color, FlowerType, Occasion } from '../../domain/catalog/product.js';
import { rankSuggestions } from '../../domain/catalog/suggestions.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { isEntityId } from '../shared/ids.js';
import type { Money } from '../../domain/shared/money.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import {
  cursorListing,
  cursorRequest,
  cursorScope,
  pagingConflict,
  type ListingPage,
} from '../shared/cursor.js';
import {
  PRODUCT_KEYSETS,
  type CategoryRepository,
  type ProductQuery,
  type ProductRepository,
  type ProductSort,
} from './ports.js';
import { joinCategories, joinCategory, type ProductView } from './views.js';

export const DEFAULT_PAGE_SIZE = 12;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_SHORT_LIST = 8;
export const MAX_SHORT_LIST = 50;

export interface ProductFilters {
  readonly occasion?: Occasion;
  readonly flowerType?: FlowerType;
  readonly color?: Color;
  /** A category id or slug; a parent category includes its children. */
  readonly category?: string;
  readonly minPrice?: Money;
  readonly maxPrice?: Money;
  readonly inStock?: boolean;
  readonly text?: string;
}

export interface ListProductsInput extends ProductFilters {
  readonly sort?: ProductSort;
  readonly page?: number;
  readonly limit?: number;
  /** Cursor paging instead of `page`: '' for the first page, then the answer's `nextCursor`. */
  readonly cursor?: string;
}

/**
 * Turns caller filters into a store query; `null` when the category names nothing, so the
 * answer is empty without asking the store.
 */
async function toQuery(
  categories: CategoryRepository,
  filters: ProductFilters,
  paging: { sort: ProductSort; page: number; limit: number },
): Promise<ProductQuery | null> {
  let categoryIds: string[] | undefined;
  if (filters.category !== undefined && filters.category !== '') {
    const key = filters.category.trim().toLowerCase();
    const found = isEntityId(key)
      ? ((await categories.findById(key)) ?? (await categories.findBySlug(key)))
      : await categories.findBySlug(key);
    if (!found) return null;
    categoryIds = descendantIds(await categories.list(), found.id);
  }
  const text = filters.text?.trim();
  return {
    ...(filters.occasion !== undefined ? { occasion: filters.occasion } : {}),
    ...(filters.flowerType !== undefined ? { flowerType: filters.flowerType } : {}),
    ...(filters.color !== undefined ? { color: filters.color } : {}),
    ...(categoryIds !== undefined ? { categoryIds } : {}),
    ...(filters.minPrice !== undefined ? { minPrice: filters.minPrice } : {}),
    ...(filters.maxPrice !== undefined ? { maxPrice: filters.maxPrice } : {}),
    ...(filters.inStock !== undefined ? { inStock: filters.inStock } : {}),
    ...(text ? { text } : {}),
    ...paging,
  };
}

function checkLimit(value: number, max: number, label: string): Result<void, DomainError> {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    return Err(domainError('VALIDATION_FAILED', `${label} must be a whole number from 1 to ${max}`));
  }
  return Ok(undefined);
}

/** The `limit` of a short list: default 8, at most 50. */
function shortListLimit(input: { limit?: number }): Result<number, DomainError> {
  const limit = input.limit ?? DEFAULT_SHORT_LIST;
  return checkLimit(limit, MAX_SHORT_LIST, 'limit').map(() => limit);
}

/** Base of the product reads: each one reads the products and joins their categories. */
abstract class ProductRead {
  constructor(
    protected readonly products: ProductRepository,
    protected readonly categories: CategoryRepository,
  ) {}

  /** Up to the short-list limit of the products with a flag, in `criteria.sort` order. */
  protected async flagged(
    input: { limit?: number },
    criteria: Pick<ProductQuery, 'isFeatured' | 'isPopular' | 'sort'>,
  ): Promise<Result<ProductView[], DomainError>> {
    const limit = shortListLimit(input);
    if (limit.isErr()) return limit;
    const { items } = await this.products.search({ ...criteria, page: 1, limit: limit.value });
    return Ok(await joinCategories(this.categories, items));
  }
}

/** The catalog listing: filters, sort, page (default 1) and limit (default 12, at most 100). */
export class ListProducts extends ProductRead {
  async execute(input: ListProductsInput): Promise<Result<ListingPage<ProductView>, DomainError>> {
    const conflict = pagingConflict(input);
    if (conflict) return Err(conflict);
    const page = input.page ?? 1;
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const checks = [
      checkLimit(page, Number.MAX_SAFE_INTEGER, 'page'),
      checkLimit(limit, MAX_PAGE_SIZE, 'limit'),
    ];
    for (const c of checks) if (c.isErr()) return c;
    if (input.minPrice !== undefined && input.maxPrice !== undefined && input.minPrice > input.maxPrice) {
      return Err(domainError('VALIDATION_FAILED', 'minPrice cannot be greater than maxPrice'));
    }
    const query = await toQuery(this.categories, input, { sort: input.sort ?? 'newest', page, limit });
    if (input.cursor !== undefined) return this.cursorPage(input, query, input.cursor, limit);
    if (!query) return Ok({ items: [], total: 0, page, limit });
    const { items, total } = await this.products.search(query);
    return Ok({ items: await joinCategories(this.categories, items), total, page, limit });
  }

  /**
   * A cursor page: the cursor is bound to the sort and the filters as the caller gave them (a
   * category slug, not what it resolves to, so a category gaining a child keeps cursors valid).
   */
  private async cursorPage(
    input: ListProductsInput,
    query: ProductQuery | null,
    cursor: string,
    limit: number,
  ): Promise<Result<ListingPage<ProductView>, DomainError>> {
    const sort = input.sort ?? 'newest';
    const order = PRODUCT_KEYSETS[sort];
    const { page: _page, limit: _limit, cursor: _cursor, ...scoped } = input;
    const scope = cursorScope('products', { ...scoped, sort, text: input.text?.trim() || undefined });
    const request = cursorRequest(cursor, scope, order, limit);
    if (request.isErr()) return request;
    if (!query) return Ok({ items: [], total: 0, page: 0, limit, nextCursor: null });
    const { page: _p, limit: _l, ...filters } = query;
    const found = await this.products.searchAfter(filters, request.value);
    return Ok(cursorListing(found, await joinCategories(this.categories, found.items), scope, limit));
  }
}

export const SEARCH_SORTS = ['price', 'price-desc', 'rating', 'popular', 'newest'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

const SEARCH_SORT_TO_QUERY: Record<SearchSort, ProductSort> = {
  price: 'price-asc',
  'price-desc': 'price-desc',
  rating: 'rating',
  popular: 'popularity',
  newest: 'newest',
};

/** At most this many results from /products/search (compat 2.3: no paging). */
export const SEARCH_RESULT_CAP = 1000;

/** Compat 2.3 `/products/search`: text over name/description/tags (and flower types, occasions). */
export class SearchProducts extends ProductRead {
  async execute(input: ProductFilters & { sort?: SearchSort }): Promise<Result<ProductView[], DomainError>> {
    if (input.minPrice !== undefined && input.maxPrice !== undefined && input.minPrice > input.maxPrice) {
      return Err(domainError('VALIDATION_FAILED', 'minPrice cannot be greater than maxPrice'));
    }
    const query = await toQuery(this.categories, input, {
      sort: SEARCH_SORT_TO_QUERY[input.sort ?? 'newest'],
      page: 1,
      limit: SEARCH_RESULT_CAP,
    });
    if (!query) return Ok([]);
    const { items } = await this.products.search(query);
    return Ok(await joinCategories(this.categories, items));
  }
}

/** Up to `limit` (default 8) featured products, newest first. */
export class GetFeaturedProducts extends ProductRead {
  execute(input: { limit?: number } = {}): Promise<Result<ProductView[], DomainError>> {
    return this.flagged(input, { isFeatured: true, sort: 'newest' });
  }
}

/** Up to `limit` (default 8) popular products, best rated first. */
export class GetPopularProducts extends ProductRead {
  execute(input: { limit?: number } = {}): Promise<Result<ProductView[], DomainError>> {
    return this.flagged(input, { isPopular: true, sort: 'rating' });
  }
}

export interface SuggestedProductView extends ProductView {
  readonly suggestionScore: number;
}

/** The home page list (compat 2.1): in-stock products by suggestion score. */
export class GetSuggestedProducts extends ProductRead {
  async execute(input: { limit?: number } = {}): Promise<Result<SuggestedProductView[], DomainError>> {
    const limit = shortListLimit(input);
    if (limit.isErr()) return limit;
    const ranked = rankSuggestions(await this.products.all(), limit.value);
    const views = await joinCategories(
      this.categories,
      ranked.map((r) => r.product),
    );
    return Ok(views.map((v, i) => ({ ...v, suggestionScore: ranked[i]!.score })));
  }
}

/** One product with its category; 404 `Product not found`. */
export class GetProduct extends ProductRead {
  async execute(input: { id: string }): Promise<Result<ProductView, DomainError>> {
    if (!isEntityId(input.id)) return Err(domainError('VALIDATION_FAILED', 'Invalid product ID'));
    const product = await this.products.findById(input.id);
    if (!product) return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
    return Ok(await joinCategory(this.categories, product));
  }
}
