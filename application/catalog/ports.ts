import { token } from '../shared/token.js';
import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import type { Color, FlowerType, Occasion, Product } from '../../domain/catalog/product.js';
import type { Category, CategoryInput } from '../../domain/catalog/category.js';
import type { ProductInput } from '../../domain/catalog/product-rules.js';
import type { MovementMeta } from '../../domain/inventory/movement.js';

export const PRODUCT_SORTS = ['price-asc', 'price-desc', 'newest', 'rating', 'popularity'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

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

export interface ProductRepository {
  findById(id: string): Promise<Product | null>;
  /** In the order of `ids`; missing ids are skipped. */
  findByIds(ids: readonly string[]): Promise<Product[]>;
  search(query: ProductQuery): Promise<{ items: Product[]; total: number }>;
  /** Every product, for scoring lists such as "suggested"; small catalogs only. */
  all(): Promise<Product[]>;
  create(product: Product): Promise<Product>;
  /** Optimistic: CONFLICT when the stored version differs from `product.version`. */
  update(product: Product): Promise<Result<Product, DomainError>>;
  delete(id: string): Promise<boolean>;
  /**
   * Atomically takes `quantity` units when at least that many are on hand and the product is
   * available, and marks them as held by `reservationId` (stock and marker move in one write);
   * answers false (and changes nothing) otherwise, including when `reservationId` already holds
   * stock here (so a retried reserve is a no-op). Never lets stock go negative, whatever the
   * interleaving of concurrent callers.
   */
  reserveStock(productId: string, quantity: number, reservationId: string): Promise<boolean>;
  /**
   * Keeps the stock `reservationId` took and forgets the marker (no stock change). True when the
   * marker was there; false when it was not (already committed or released, or no product).
   */
  commitReservation(productId: string, reservationId: string): Promise<boolean>;
  /**
   * Puts back the `quantity` units `reservationId` took, at most once: only while the marker is
   * there, removing it in the same write. True when this call released them.
   */
  releaseReservation(productId: string, reservationId: string, quantity: number): Promise<boolean>;
  /** The reservation ids holding stock of the product that are neither committed nor released. */
  pendingReservations(productId: string): Promise<string[]>;
  /** Atomically puts `quantity` units back (cancellation, refund); not tied to a reservation. */
  releaseStock(productId: string, quantity: number, meta?: MovementMeta): Promise<void>;
  /** Sets the stock to `stock` (admin/CLI). False when the product does not exist. */
  setStock(productId: string, stock: number, meta?: MovementMeta): Promise<boolean>;
  /**
   * Atomically adds `delta` (signed; restock or adjustment) unless the result would be negative.
   * Stock methods, `create` (an `initial` movement) and `update` (an `adjustment` when the stock
   * differs) record a ledger movement in the same write as the stock change (see StockLedger).
   */
  adjustStock(
    productId: string,
    delta: number,
    meta?: MovementMeta,
  ): Promise<{ ok: true; before: number; after: number } | { ok: false; reason: 'not_found' | 'negative' }>;
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
