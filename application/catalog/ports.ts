import { token } from '../shared/token.js';
import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import type { Coordinates } from '../../domain/location/place.js';
import type { Color, FlowerType, Occasion, Product } from '../../domain/catalog/product.js';
import type { Category, CategoryInput } from '../../domain/catalog/category.js';
import type { ProductInput } from '../../domain/catalog/product-rules.js';
import type { CursorPage, CursorRequest, KeysetOrder, SortKey } from '../shared/cursor.js';

export const PRODUCT_SORTS = ['price-asc', 'price-desc', 'newest', 'rating', 'popularity'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

const createdAtDesc: SortKey<Product> = {
  path: 'createdAt',
  dir: -1,
  kind: 'date',
  value: (p) => p.createdAt.getTime(),
};
/**
 * Each sort as a keyset order (the id ascending follows), for cursor pages: the same order as the
 * page/limit listing (PRODUCT_COMPARATORS, PRODUCT_SORT_SPECS).
 */
export const PRODUCT_KEYSETS: Record<ProductSort, KeysetOrder<Product>> = {
  'price-asc': [{ path: 'price', dir: 1, kind: 'number', value: (p) => p.price }, createdAtDesc],
  'price-desc': [{ path: 'price', dir: -1, kind: 'number', value: (p) => p.price }, createdAtDesc],
  newest: [createdAtDesc],
  rating: [
    { path: 'ratings.average', dir: -1, kind: 'number', value: (p) => p.ratings.average },
    { path: 'ratings.count', dir: -1, kind: 'number', value: (p) => p.ratings.count },
    createdAtDesc,
  ],
  popularity: [
    { path: 'salesCount', dir: -1, kind: 'number', value: (p) => p.salesCount },
    { path: 'ratings.count', dir: -1, kind: 'number', value: (p) => p.ratings.count },
    createdAtDesc,
  ],
};

/** Everything a catalog listing can ask of the store; every adapter must honour all of it. */
export interface ProductQuery {
  readonly occasion?: Occasion;
  readonly flowerType?: FlowerType;
  readonly color?: Color;
  /** Resolved category ids (a slug is resolved by the use case; a parent includes its children). */
  readonly categoryIds?: readonly string[];
  readonly minPrice?: Money;
  readonly maxPrice?: Money;
  readonly inStock?: boolean;
  readonly isFeatured?: boolean;
  readonly isPopular?: boolean;
  /** Case-insensitive match on name, description, tags, flower types and occasions. */
  readonly text?: string;
  readonly sort: ProductSort;
  readonly page: number;
  readonly limit: number;
}

/** A listing's filters and sort, without page/limit (a cursor page says where it starts). */
export type ProductFilterQuery = Omit<ProductQuery, 'page' | 'limit'>;

export interface ProductRepository {
  findById(id: string): Promise<Product | null>;
  /** In the order of `ids`; missing ids are skipped. */
  findByIds(ids: readonly string[]): Promise<Product[]>;
  search(query: ProductQuery): Promise<{ items: Product[]; total: number }>;
  /** The products after `request.after` in the query's sort (PRODUCT_KEYSETS), with the total matching. */
  searchAfter(query: ProductFilterQuery, request: CursorRequest): Promise<CursorPage<Product>>;
  /**
   * The products with a location (local florists) within `radiusKm` of `point`, nearest first
   * (great-circle distance). MongoDB: `$geoWithin` over the 2dsphere index; a server without
   * geo queries (FerretDB) is answered by the same rule in process.
   */
  findNear(point: Coordinates, radiusKm: number): Promise<Product[]>;
  /** Every product, for scoring lists such as "suggested"; small catalogs only. */
  all(): Promise<Product[]>;
  create(product: Product): Promise<Product>;
  /**
   * Optimistic: CONFLICT when the stored version differs from `product.version`. `create` (an
   * `initial` movement) and `update` (an `adjustment` when the stock differs) record a ledger
   * movement in the same write (see StockLedger); every other stock change goes through the
   * inventory's StockStore.
   */
  update(product: Product): Promise<Result<Product, DomainError>>;
  delete(id: string): Promise<boolean>;
  /** Adds to the lifetime sales count (popularity). */
  recordSale(productId: string, quantity: number): Promise<void>;
}
export const PRODUCT_REPOSITORY = token<ProductRepository>('ProductRepository');

export interface CategoryRepository {
  findById(id: string): Promise<Category | null>;
  findBySlug(slug: string): Promise<Category | null>;
  /** Sorted by displayOrder, then name. */
  list(filter?: { activeOnly?: boolean }): Promise<Category[]>;
  /** CATEGORY_NAME_TAKEN when the name or slug is used. */
  create(category: Category): Promise<Result<Category, DomainError>>;
  update(category: Category): Promise<Result<Category, DomainError>>;
  delete(id: string): Promise<boolean>;
}
export const CATEGORY_REPOSITORY = token<CategoryRepository>('CategoryRepository');

/** One demo category; `parentSlug` names its parent among the demo categories. */
export interface DemoCategorySeed {
  readonly input: CategoryInput;
  readonly parentSlug?: string;
}

/** One demo product, filed under the demo category with slug `categorySlug`. */
export interface DemoProductSeed {
  readonly input: Omit<ProductInput, 'categoryId'>;
  readonly categorySlug: string;
}

/** The demo catalog content a fresh store is seeded with (an adapter supplies it). */
export interface DemoCatalogSource {
  categories(): readonly DemoCategorySeed[];
  /** Oldest first: the seed gives later products later creation times. */
  products(): readonly DemoProductSeed[];
}
export const DEMO_CATALOG = token<DemoCatalogSource>('DemoCatalogSource');
