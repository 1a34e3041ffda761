import { Schema, type Connection, type Model } from 'mongoose';
import {
  PRODUCT_KEYSETS,
  type ProductFilterQuery,
  type ProductQuery,
  type ProductRepository,
} from '../../../application/catalog/ports.js';
import { pageFrom, type CursorPage, type CursorRequest } from '../../../application/shared/cursor.js';
import { afterPosition, keysetSort } from './keyset.js';
import type {
  Color,
  FlowerType,
  Occasion,
  Product,
  ProductImage,
  ProductOption,
} from '../../../domain/catalog/product.js';
import { nearestFirst } from '../../../domain/catalog/product.js';
import { EARTH_RADIUS_KM, type Coordinates } from '../../../domain/location/place.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { DocumentLock, type DocumentLockOptions } from './document-lock.js';
import {
  insertMovement,
  movementDoc,
  movementModel,
  parkMovement,
  type MovementDoc,
} from './inventory-ledger.js';

/** A product as stored: the domain fields, `_id` for the id, and the reservation markers. */
interface ProductDoc {
  _id: string;
  name: string;
  description: string;
  price: number;
  originalPrice?: number;
  images: ProductImage[];
  categoryId: string | null;
  occasions: Occasion[];
  flowerTypes: FlowerType[];
  colors: Color[];
  sizes: ProductOption[];
  vases: ProductOption[];
  inventory: { stock: number; lowStockThreshold: number; isAvailable: boolean };
  ratings: { average: number; count: number };
  tags: string[];
  isFeatured: boolean;
  isPopular: boolean;
  seo: { title?: string; description?: string; keywords: string[] };
  careInstructions?: string;
  deliveryInfo?: string;
  /** A local florist's location as a GeoJSON point (`coordinates`: [lng, lat]), for the 2dsphere index. */
  location?: GeoPoint;
  salesCount: number;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** Reservation ids whose stock this product handed out and that are not yet committed. */
  reservationIds: string[];
  /**
   * Ledger movements written in the same update as the stock change they describe, by id, until
   * they are copied to `stock_movements` (then unset). Stock == ledger + these, after every write.
   */
  pendingMovements: Record<string, MovementDoc>;
}

interface GeoPoint {
  type: 'Point';
  coordinates: [number, number];
}

const optionSchema = new Schema<ProductOption>(
  { id: String, name: String, price: Number, description: String },
  { _id: false },
);

const imageSchema = new Schema<ProductImage>(
  {
    id: String,
    publicId: String,
    url: String,
    variants: { thumbnail: String, small: String, medium: String, large: String, original: String },
    alt: String,
    isPrimary: Boolean,
    width: Number,
    height: Number,
    format: String,
    bytes: Number,
    uploadedAt: Date,
  },
  { _id: false, minimize: true },
);

export const productSchema = new Schema<ProductDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    price: { type: Number, required: true },
    originalPrice: Number,
    images: { type: [imageSchema], default: [] },
    categoryId: { type: String, default: null },
    occasions: { type: [String], default: [] },
    flowerTypes: { type: [String], default: [] },
    colors: { type: [String], default: [] },
    sizes: { type: [optionSchema], default: [] },
    vases: { type: [optionSchema], default: [] },
    inventory: {
      stock: { type: Number, required: true },
      lowStockThreshold: { type: Number, required: true },
      isAvailable: { type: Boolean, required: true },
    },
    ratings: { average: { type: Number, default: 0 }, count: { type: Number, default: 0 } },
    tags: { type: [String], default: [] },
    isFeatured: { type: Boolean, default: false },
    isPopular: { type: Boolean, default: false },
    seo: { title: String, description: String, keywords: { type: [String], default: [] } },
    careInstructions: String,
    deliveryInfo: String,
    location: {
      type: { type: String, enum: ['Point'] },
      coordinates: { type: [Number], default: undefined },
    },
    salesCount: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
    reservationIds: { type: [String], default: [] },
    pendingMovements: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'products', versionKey: false, timestamps: false, minimize: false },
);
// Catalog filters and sorts (price within a category, facets, home-page flags, the sorts).
productSchema.index({ categoryId: 1, price: 1 });
productSchema.index({ price: 1 });
productSchema.index({ occasions: 1 });
productSchema.index({ flowerTypes: 1 });
productSchema.index({ colors: 1 });
productSchema.index({ isFeatured: 1 });
productSchema.index({ isPopular: 1 });
productSchema.index({ createdAt: -1 });
productSchema.index({ 'ratings.average': -1 });
productSchema.index({ salesCount: -1 });
// Partial (MongoDB): the `inStock` filter only ever looks at available products.
productSchema.index(
  { 'inventory.stock': 1 },
  { name: 'available_stock_partial', partialFilterExpression: { 'inventory.isAvailable': true } },
);
// Full-text search for real MongoDB (FerretDB refuses it). Search does not use it: it matches
// substrings with an escaped, case-insensitive regex, as the memory adapter does.
productSchema.index(
  { name: 'text', description: 'text', tags: 'text' },
  { name: 'product_text', weights: { name: 10, tags: 5, description: 1 } },
);

// "Nearby" florists ($geoWithin/$near). FerretDB 1.24 refuses 2dsphere indexes: ensureIndexes
// reports it `unsupported`, and no read depends on it (the advanced search filters the search
// index's documents in process; `findNear` answers the same without it).
productSchema.index({ location: '2dsphere' }, { name: 'location_2dsphere' });

export function productModel(connection: Connection): Model<ProductDoc> {
  return (connection.models.Product ??
    connection.model('Product', productSchema)) as unknown as Model<ProductDoc>;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Mongo filter equivalent of `matchesProductQuery` (memory adapter). */
export function productFilter(q: ProductFilterQuery): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (q.occasion !== undefined) and.push({ occasions: q.occasion });
  if (q.flowerType !== undefined) and.push({ flowerTypes: q.flowerType });
  if (q.color !== undefined) and.push({ colors: q.color });
  if (q.categoryIds !== undefined) and.push({ categoryId: { $in: [...q.categoryIds] } });
  if (q.minPrice !== undefined) and.push({ price: { $gte: q.minPrice } });
  if (q.maxPrice !== undefined) and.push({ price: { $lte: q.maxPrice } });
  if (q.inStock === true) and.push({ 'inventory.isAvailable': true, 'inventory.stock': { $gt: 0 } });
  if (q.inStock === false) {
    and.push({ $or: [{ 'inventory.isAvailable': { $ne: true } }, { 'inventory.stock': { $lte: 0 } }] });
  }
  if (q.isFeatured !== undefined) and.push({ isFeatured: q.isFeatured });
  if (q.isPopular !== undefined) and.push({ isPopular: q.isPopular });
  if (q.text !== undefined && q.text.trim() !== '') {
    const re = { $regex: escapeRegex(q.text.trim()), $options: 'i' };
    and.push({
      $or: ['name', 'description', 'tags', 'flowerTypes', 'occasions'].map((field) => ({ [field]: re })),
    });
  }
  return and.length === 0 ? {} : { $and: and };
}

/** The memory adapter's comparators as Mongo sorts; every sort ends on `_id`. */
export const PRODUCT_SORT_SPECS: Record<ProductQuery['sort'], Record<string, 1 | -1>> = {
  'price-asc': { price: 1, createdAt: -1, _id: 1 },
  'price-desc': { price: -1, createdAt: -1, _id: 1 },
  newest: { createdAt: -1, _id: 1 },
  rating: { 'ratings.average': -1, 'ratings.count': -1, createdAt: -1, _id: 1 },
  popularity: { salesCount: -1, 'ratings.count': -1, createdAt: -1, _id: 1 },
};

const OPTIONAL_FIELDS = ['originalPrice', 'careInstructions', 'deliveryInfo', 'location'] as const;

function cleanOption(o: ProductOption): ProductOption {
  return {
    id: o.id,
    name: o.name,
    price: o.price,
    ...(o.description !== undefined && o.description !== null ? { description: o.description } : {}),
  };
}

function cleanImage(i: ProductImage): ProductImage {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(i)) {
    if (v === undefined || v === null) continue;
    if (k === 'variants') {
      const variants = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && x !== null),
      );
      if (Object.keys(variants).length > 0) out.variants = variants;
      continue;
    }
    out[k] = v;
  }
  return out as unknown as ProductImage;
}

function toDomain(d: ProductDoc): Product {
  return {
    id: d._id,
    name: d.name,
    description: d.description,
    price: d.price,
    ...(d.originalPrice !== undefined && d.originalPrice !== null ? { originalPrice: d.originalPrice } : {}),
    images: (d.images ?? []).map(cleanImage),
    categoryId: d.categoryId ?? null,
    occasions: [...(d.occasions ?? [])],
    flowerTypes: [...(d.flowerTypes ?? [])],
    colors: [...(d.colors ?? [])],
    sizes: (d.sizes ?? []).map(cleanOption),
    vases: (d.vases ?? []).map(cleanOption),
    inventory: {
      stock: d.inventory.stock,
      lowStockThreshold: d.inventory.lowStockThreshold,
      isAvailable: d.inventory.isAvailable,
    },
    ratings: { average: d.ratings?.average ?? 0, count: d.ratings?.count ?? 0 },
    tags: [...(d.tags ?? [])],
    isFeatured: d.isFeatured,
    isPopular: d.isPopular,
    seo: {
      ...(d.seo?.title !== undefined && d.seo.title !== null ? { title: d.seo.title } : {}),
      ...(d.seo?.description !== undefined && d.seo.description !== null
        ? { description: d.seo.description }
        : {}),
      keywords: [...(d.seo?.keywords ?? [])],
    },
    ...(d.careInstructions !== undefined && d.careInstructions !== null
      ? { careInstructions: d.careInstructions }
      : {}),
    ...(d.deliveryInfo !== undefined && d.deliveryInfo !== null ? { deliveryInfo: d.deliveryInfo } : {}),
    ...(d.location?.coordinates?.length === 2
      ? { location: { lat: d.location.coordinates[1], lng: d.location.coordinates[0] } }
      : {}),
    salesCount: d.salesCount ?? 0,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    version: d.version,
  };
}

/** The stored fields of a product, reservation markers aside. */
function toFields(p: Product): Omit<ProductDoc, '_id' | 'reservationIds' | 'pendingMovements'> {
  const { id: _id, location, ...rest } = p;
  const fields =
    location === undefined
      ? rest
      : {
          ...rest,
          location: { type: 'Point', coordinates: [location.lng, location.lat] } satisfies GeoPoint,
        };
  return JSON.parse(JSON.stringify(fields), (key, value) =>
    (key === 'createdAt' || key === 'updatedAt' || key === 'uploadedAt') && typeof value === 'string'
      ? new Date(value)
      : value,
  ) as Omit<ProductDoc, '_id' | 'reservationIds' | 'pendingMovements'>;
}

/**
 * What the two stores over the product documents share (MongoProductRepository for the catalog's
 * fields, MongoStockStore for stock): one product lock, one guarded single-document write, and
 * the copy of a parked ledger movement.
 */
export abstract class ProductDocumentWrites<Doc> {
  protected readonly model: Model<Doc>;
  protected readonly lock: DocumentLock;
  protected readonly movements: Model<MovementDoc>;

  constructor(connection: Connection, lockOptions: DocumentLockOptions = {}) {
    this.model = productModel(connection) as unknown as Model<Doc>;
    // Every writer of products on this connection queues on one lock (see DocumentLock.shared).
    this.lock =
      Object.keys(lockOptions).length === 0
        ? DocumentLock.shared(connection)
        : new DocumentLock(connection, lockOptions);
    this.movements = movementModel(connection);
  }

  /** Copies a parked movement to the ledger (idempotent), then removes it from its product. */
  protected async flush(m: MovementDoc): Promise<void> {
    await insertMovement(this.movements, m);
    await this.write(m.productId, {}, { $unset: { [`pendingMovements.${m._id}`]: '' } });
  }

  /** One guarded update of one product, made exclusive where the server needs it. */
  protected write(productId: string, filter: Record<string, unknown>, update: Record<string, unknown>) {
    return this.lock.exclusive(`products:${productId}`, () =>
      this.model.collection.updateOne({ ...filter, _id: productId as never }, update as never),
    );
  }
}

/**
 * Products in MongoDB. Every write is one guarded single-document update (optimistic `version`),
 * so no transaction is needed; stock changes after creation go through MongoStockStore, which
 * writes the same documents.
 * On a server whose single-document updates are not atomic (FerretDB), each write to a product
 * holds that product's DocumentLock.
 */
export class MongoProductRepository extends ProductDocumentWrites<ProductDoc> implements ProductRepository {
  async findById(id: string): Promise<Product | null> {
    const doc = await this.model.findById(id).lean<ProductDoc>();
    return doc ? toDomain(doc) : null;
  }

  async findByIds(ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const docs = await this.model.find({ _id: { $in: [...new Set(ids)] } }).lean<ProductDoc[]>();
    const byId = new Map(docs.map((d) => [d._id, toDomain(d)]));
    return ids.flatMap((id) => {
      const p = byId.get(id);
      return p ? [p] : [];
    });
  }

  async search(query: ProductQuery): Promise<{ items: Product[]; total: number }> {
    const filter = productFilter(query);
    const page = Math.max(1, Math.floor(query.page));
    const limit = Math.max(0, Math.floor(query.limit));
    const [docs, total] = await Promise.all([
      limit === 0
        ? Promise.resolve([] as ProductDoc[])
        : this.model
            .find(filter)
            .sort(PRODUCT_SORT_SPECS[query.sort])
            .skip((page - 1) * limit)
            .limit(limit)
            .lean<ProductDoc[]>(),
      this.model.countDocuments(filter),
    ]);
    return { items: docs.map(toDomain), total };
  }

  async searchAfter(query: ProductFilterQuery, request: CursorRequest): Promise<CursorPage<Product>> {
    const filter = productFilter(query);
    const order = PRODUCT_KEYSETS[query.sort];
    const [docs, total] = await Promise.all([
      this.model
        .find(afterPosition(filter, order, request.after))
        .sort(keysetSort(order))
        .limit(request.limit + 1)
        .lean<ProductDoc[]>(),
      this.model.countDocuments(filter),
    ]);
    return pageFrom(docs.map(toDomain), order, request.limit, total);
  }

  /** false once the server refused a geo query (FerretDB): the rule is then applied in process. */
  private geoQueries = true;

  async findNear(point: Coordinates, radiusKm: number): Promise<Product[]> {
    if (this.geoQueries) {
      try {
        const docs = await this.model
          .find({
            location: {
              $geoWithin: { $centerSphere: [[point.lng, point.lat], radiusKm / EARTH_RADIUS_KM] },
            },
          })
          .lean<ProductDoc[]>();
        // $geoWithin does not order; the shared rule orders (and settles the radius's edge alike).
        return nearestFirst(docs.map(toDomain), point, radiusKm);
      } catch (error) {
        if (
          !/not implemented|not supported|unsupported|unknown operator|geo/i.test(
            String((error as Error).message),
          )
        )
          throw error;
        this.geoQueries = false;
      }
    }
    const located = await this.model.find({ location: { $exists: true } }).lean<ProductDoc[]>();
    return nearestFirst(located.map(toDomain), point, radiusKm);
  }

  async all(): Promise<Product[]> {
    const docs = await this.model.find({}).sort(PRODUCT_SORT_SPECS.newest).lean<ProductDoc[]>();
    return docs.map(toDomain);
  }

  async create(product: Product): Promise<Product> {
    const m =
      product.inventory.stock !== 0 ? movementDoc(product.id, product.inventory.stock, 'initial') : null;
    await this.model.collection.insertOne({
      _id: product.id,
      ...toFields(product),
      reservationIds: [],
      pendingMovements: m ? { [m._id]: m } : {},
    } as never);
    if (m) await this.flush(m);
    return product;
  }

  async update(product: Product): Promise<Result<Product, DomainError>> {
    const next: Product = { ...product, version: product.version + 1 };
    const fields = toFields(next);
    const $unset: Record<string, ''> = {};
    for (const key of OPTIONAL_FIELDS) if (next[key] === undefined) $unset[key] = '';
    const outcome = await this.lock.exclusive(`products:${product.id}`, async () => {
      const stored = await this.model
        .findOne({ _id: product.id, version: product.version }, { inventory: 1 })
        .lean<Pick<ProductDoc, '_id' | 'inventory'>>();
      if (!stored) return { matched: false, m: null };
      const delta = next.inventory.stock - stored.inventory.stock;
      const m = delta !== 0 ? movementDoc(product.id, delta, 'adjustment', { actor: 'admin' }) : null;
      const $set = { ...fields, ...(m ? parkMovement(m) : {}) };
      const result = await this.model.collection.updateOne(
        { _id: product.id as never, version: product.version },
        (Object.keys($unset).length > 0 ? { $set, $unset } : { $set }) as never,
      );
      return { matched: result.matchedCount === 1, m };
    });
    if (outcome.matched) {
      if (outcome.m) await this.flush(outcome.m);
      return Ok(next);
    }
    const exists = await this.model.exists({ _id: product.id });
    if (!exists) return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
    return Err(domainError('CONFLICT', 'The product was changed by someone else; please retry'));
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }

  /** Per product, the sales waiting for the sales write in flight (see `recordSale`). */
  private readonly salesWaiting = new Map<string, { quantity: number; done: Promise<void> }>();
  /** Per product, the sales write in flight. */
  private readonly salesWriting = new Map<string, Promise<void>>();

  /**
   * Counts sales with one write per batch: sales of a product recorded while a write of its
   * sales is in flight are summed into the next one (each caller answers once the write carrying
   * its quantity is done, or fails with it). 50 parallel checkouts of one product used to queue
   * 50 locked writes of their own behind the product's lock on FerretDB.
   */
  recordSale(productId: string, quantity: number): Promise<void> {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return Promise.resolve();
    const waiting = this.salesWaiting.get(productId);
    if (waiting) {
      waiting.quantity += quantity;
      return waiting.done;
    }
    const previous = this.salesWriting.get(productId) ?? Promise.resolve();
    const batch = { quantity, done: Promise.resolve() };
    batch.done = previous
      .catch(() => undefined)
      .then(async () => {
        this.salesWaiting.delete(productId); // sales recorded from now on wait for the next write
        const writing = this.write(productId, {}, { $inc: { salesCount: batch.quantity, version: 1 } }).then(
          () => undefined,
        );
        this.salesWriting.set(productId, writing);
        try {
          await writing;
        } finally {
          if (this.salesWriting.get(productId) === writing) this.salesWriting.delete(productId);
        }
      });
    this.salesWaiting.set(productId, batch);
    return batch.done;
  }
}
