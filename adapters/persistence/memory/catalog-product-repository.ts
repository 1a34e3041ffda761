import {
  PRODUCT_KEYSETS,
  type ProductFilterQuery,
  type ProductQuery,
  type ProductRepository,
} from '../../../application/catalog/ports.js';
import { keysetPage, type CursorPage, type CursorRequest } from '../../../application/shared/cursor.js';
import { nearestFirst, type Product } from '../../../domain/catalog/product.js';
import type { Coordinates } from '../../../domain/location/place.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import type { MemoryDatabase } from './memory-database.js';
import { recordMovement } from './inventory-ledger.js';
import type { MovementMeta, MovementReason, StockMovement } from '../../../domain/inventory/movement.js';

/** True when `p` satisfies every filter of `q` (paging and sort aside). */
export function matchesProductQuery(p: Product, q: ProductFilterQuery): boolean {
  if (q.occasion !== undefined && !p.occasions.includes(q.occasion)) return false;
  if (q.flowerType !== undefined && !p.flowerTypes.includes(q.flowerType)) return false;
  if (q.color !== undefined && !p.colors.includes(q.color)) return false;
  if (q.categoryIds !== undefined && (p.categoryId === null || !q.categoryIds.includes(p.categoryId)))
    return false;
  if (q.minPrice !== undefined && p.price < q.minPrice) return false;
  if (q.maxPrice !== undefined && p.price > q.maxPrice) return false;
  if (q.inStock !== undefined) {
    const inStock = p.inventory.isAvailable && p.inventory.stock > 0;
    if (inStock !== q.inStock) return false;
  }
  if (q.isFeatured !== undefined && p.isFeatured !== q.isFeatured) return false;
  if (q.isPopular !== undefined && p.isPopular !== q.isPopular) return false;
  if (q.text !== undefined && q.text.trim() !== '') {
    const needle = q.text.trim().toLowerCase();
    const haystack = [p.name, p.description, ...p.tags, ...p.flowerTypes, ...p.occasions];
    if (!haystack.some((s) => s.toLowerCase().includes(needle))) return false;
  }
  return true;
}

const byIdAsc = (a: Product, b: Product) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const newestFirst = (a: Product, b: Product) => b.createdAt.getTime() - a.createdAt.getTime();

/** The order of each sort; ties always end on the id, so every listing is deterministic. */
export const PRODUCT_COMPARATORS: Record<ProductQuery['sort'], (a: Product, b: Product) => number> = {
  'price-asc': (a, b) => a.price - b.price || newestFirst(a, b) || byIdAsc(a, b),
  'price-desc': (a, b) => b.price - a.price || newestFirst(a, b) || byIdAsc(a, b),
  newest: (a, b) => newestFirst(a, b) || byIdAsc(a, b),
  rating: (a, b) =>
    b.ratings.average - a.ratings.average ||
    b.ratings.count - a.ratings.count ||
    newestFirst(a, b) ||
    byIdAsc(a, b),
  popularity: (a, b) =>
    b.salesCount - a.salesCount || b.ratings.count - a.ratings.count || newestFirst(a, b) || byIdAsc(a, b),
};

/**
 * The collections the two stores over products share (MemoryProductRepository for the catalog's
 * fields, MemoryStockStore for stock): the products, their reservation markers and the ledger.
 */
export abstract class InMemoryProductRows {
  protected readonly rows: Map<string, Product>;
  /** Per product, the reservation ids holding stock that are not yet committed (dropped with it). */
  protected readonly held: Map<string, readonly string[]>;
  /** The stock ledger, written in the same synchronous step as each stock change. */
  protected readonly movements: Map<string, StockMovement>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<Product>('products');
    this.held = db.collection<readonly string[]>('products.reservations');
    this.movements = db.collection<StockMovement>('stock.movements');
  }

  protected record(
    productId: string,
    quantity: number,
    reason: MovementReason,
    meta: MovementMeta = {},
  ): void {
    recordMovement(this.movements, productId, quantity, reason, meta);
  }
}

/**
 * Products in the shared memory store. Every method reads and writes without awaiting in
 * between, so each is atomic on Node's single thread. Stock changes after creation go through
 * MemoryStockStore (same collections).
 */
export class MemoryProductRepository extends InMemoryProductRows implements ProductRepository {
  async findById(id: string): Promise<Product | null> {
    return this.rows.get(id) ?? null;
  }

  async findByIds(ids: readonly string[]): Promise<Product[]> {
    const out: Product[] = [];
    for (const id of ids) {
      const p = this.rows.get(id);
      if (p) out.push(p);
    }
    return out;
  }

  async search(query: ProductQuery): Promise<{ items: Product[]; total: number }> {
    const matched = [...this.rows.values()].filter((p) => matchesProductQuery(p, query));
    matched.sort(PRODUCT_COMPARATORS[query.sort]);
    const page = Math.max(1, Math.floor(query.page));
    const limit = Math.max(0, Math.floor(query.limit));
    const start = (page - 1) * limit;
    return { items: matched.slice(start, start + limit), total: matched.length };
  }

  async searchAfter(query: ProductFilterQuery, request: CursorRequest): Promise<CursorPage<Product>> {
    const matched = [...this.rows.values()].filter((p) => matchesProductQuery(p, query));
    return keysetPage(matched, PRODUCT_KEYSETS[query.sort], request);
  }

  async findNear(point: Coordinates, radiusKm: number): Promise<Product[]> {
    return nearestFirst([...this.rows.values()], point, radiusKm);
  }

  async all(): Promise<Product[]> {
    return [...this.rows.values()].sort(PRODUCT_COMPARATORS.newest);
  }

  async create(product: Product): Promise<Product> {
    if (this.rows.has(product.id)) throw new Error(`Product ${product.id} already exists`);
    this.rows.set(product.id, product);
    this.record(product.id, product.inventory.stock, 'initial');
    return product;
  }

  async update(product: Product): Promise<Result<Product, DomainError>> {
    const stored = this.rows.get(product.id);
    if (!stored) return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
    if (stored.version !== product.version) {
      return Err(domainError('CONFLICT', 'The product was changed by someone else; please retry'));
    }
    const next: Product = { ...product, version: product.version + 1 };
    this.rows.set(next.id, next);
    this.record(next.id, next.inventory.stock - stored.inventory.stock, 'adjustment', { actor: 'admin' });
    return Ok(next);
  }

  async delete(id: string): Promise<boolean> {
    this.held.delete(id);
    return this.rows.delete(id);
  }

  async recordSale(productId: string, quantity: number): Promise<void> {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return;
    const p = this.rows.get(productId);
    if (p) this.rows.set(productId, { ...p, salesCount: p.salesCount + quantity, version: p.version + 1 });
  }
}
