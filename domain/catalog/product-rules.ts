import { Err, Ok, type Result } from '../shared/result.js';
import { domainError, type DomainError } from '../shared/errors.js';
import { isImageUrl } from '../shared/image-url.js';
import type { Coordinates } from '../location/place.js';
import type { Money } from '../shared/money.js';
import {
  COLORS,
  FLOWER_TYPES,
  OCCASIONS,
  type Color,
  type FlowerType,
  type ImageVariants,
  type Occasion,
  type Product,
  type ProductImage,
  type ProductOption,
} from './product.js';

/** Limits of compat 2.2. */
export const PRODUCT_LIMITS = {
  name: 100,
  description: 1000,
  careInstructions: 500,
  deliveryInfo: 500,
} as const;

export const DEFAULT_LOW_STOCK_THRESHOLD = 10;

export interface ImageInput {
  /** Keeps an existing image id (e.g. an update that sends the images back); new ids otherwise. */
  readonly id?: string;
  readonly url: string;
  readonly publicId?: string;
  readonly alt?: string;
  readonly isPrimary?: boolean;
  readonly variants?: ImageVariants;
  readonly width?: number;
  readonly height?: number;
  readonly format?: string;
  readonly bytes?: number;
  readonly uploadedAt?: Date;
}

export interface OptionInput {
  readonly id?: string;
  readonly name: string;
  /** Add-on over the base price, minor units. */
  readonly price: Money;
  readonly description?: string;
}

/**
 * What a caller may give to create or change a product (prices in minor units). Every field is
 * optional so the rules can name the missing ones; `null` clears an optional field on update.
 */
export interface ProductInput {
  readonly name?: string;
  readonly description?: string;
  readonly price?: Money;
  readonly originalPrice?: Money | null;
  readonly categoryId?: string | null;
  readonly images?: readonly ImageInput[];
  readonly occasions?: readonly string[];
  readonly flowerTypes?: readonly string[];
  readonly colors?: readonly string[];
  readonly sizes?: readonly OptionInput[];
  readonly vases?: readonly OptionInput[];
  readonly inventory?: {
    readonly stock?: number;
    readonly lowStockThreshold?: number;
    readonly isAvailable?: boolean;
  };
  readonly ratings?: { readonly average: number; readonly count: number };
  readonly tags?: readonly string[];
  readonly isFeatured?: boolean;
  readonly isPopular?: boolean;
  readonly seo?: {
    readonly title?: string;
    readonly description?: string;
    readonly keywords?: readonly string[];
  };
  readonly careInstructions?: string | null;
  readonly deliveryInfo?: string | null;
  /** A local florist's location; `null` clears it on update. */
  readonly location?: Coordinates | null;
  readonly salesCount?: number;
}

export interface ProductContext {
  readonly now: Date;
  /** Fresh ids for images and options. */
  readonly newId: () => string;
}

const invalid = (message: string, details?: Record<string, unknown>): Err<DomainError> =>
  Err(domainError('VALIDATION_FAILED', message, details));

function blank(value: string | undefined | null): boolean {
  return value === undefined || value === null || value.trim() === '';
}

function checkEnum<T extends string>(
  values: readonly string[] | undefined,
  allowed: readonly T[],
  label: string,
): Result<void, DomainError> {
  if (values === undefined) return Ok(undefined);
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) {
      return invalid(`Invalid ${label}: ${v}. Allowed: ${allowed.join(', ')}`);
    }
  }
  return Ok(undefined);
}

function checkOptions(options: readonly OptionInput[] | undefined, label: string): Result<void, DomainError> {
  for (const o of options ?? []) {
    if (blank(o.name)) return invalid(`Every ${label} needs a name`);
    if (!Number.isSafeInteger(o.price) || o.price < 0) {
      return invalid(`The ${label} "${o.name}" needs a price of 0 or more`);
    }
  }
  return Ok(undefined);
}

/**
 * The product rules (compat 8 and 2.2). `create` requires name, description, price and category;
 * `update` applies the same checks to the fields present. Checked in the original's order:
 * missing fields, category, price, stock, then the remaining limits.
 */
export function validateProductInput(
  input: ProductInput,
  mode: 'create' | 'update',
): Result<void, DomainError> {
  const missing: string[] = [];
  if (mode === 'create') {
    if (blank(input.name)) missing.push('name');
    if (blank(input.description)) missing.push('description');
    if (input.price === undefined) missing.push('price');
    if (input.categoryId === undefined || input.categoryId === null || input.categoryId === '') {
      missing.push('category');
    }
  } else {
    if (input.name !== undefined && blank(input.name)) missing.push('name');
    if (input.description !== undefined && blank(input.description)) missing.push('description');
  }
  if (missing.length > 0) {
    return Err(domainError('MISSING_FIELDS', 'Missing required fields', { missingFields: missing }));
  }
  if (input.price !== undefined && (!Number.isFinite(input.price) || input.price <= 0)) {
    return Err(domainError('INVALID_PRICE', 'Price must be greater than 0'));
  }
  if (input.price !== undefined && !Number.isSafeInteger(input.price)) {
    return invalid('Price must be a whole number of minor units');
  }
  const stock = input.inventory?.stock;
  if (stock !== undefined) {
    if (stock < 0) return Err(domainError('NEGATIVE_STOCK', 'Inventory stock cannot be negative'));
    if (!Number.isSafeInteger(stock)) return invalid('Inventory stock must be a whole number');
  }
  const threshold = input.inventory?.lowStockThreshold;
  if (threshold !== undefined && (!Number.isSafeInteger(threshold) || threshold < 0)) {
    return invalid('Low stock threshold must be a whole number of 0 or more');
  }
  if (
    input.originalPrice !== undefined &&
    input.originalPrice !== null &&
    (!Number.isSafeInteger(input.originalPrice) || input.originalPrice <= 0)
  ) {
    return invalid('Original price must be greater than 0');
  }
  if (input.name !== undefined && input.name.trim().length > PRODUCT_LIMITS.name) {
    return invalid(`Product name cannot exceed ${PRODUCT_LIMITS.name} characters`);
  }
  if (input.description !== undefined && input.description.length > PRODUCT_LIMITS.description) {
    return invalid(`Description cannot exceed ${PRODUCT_LIMITS.description} characters`);
  }
  if (
    typeof input.careInstructions === 'string' &&
    input.careInstructions.length > PRODUCT_LIMITS.careInstructions
  ) {
    return invalid(`Care instructions cannot exceed ${PRODUCT_LIMITS.careInstructions} characters`);
  }
  if (typeof input.deliveryInfo === 'string' && input.deliveryInfo.length > PRODUCT_LIMITS.deliveryInfo) {
    return invalid(`Delivery info cannot exceed ${PRODUCT_LIMITS.deliveryInfo} characters`);
  }
  for (const check of [
    checkEnum(input.occasions, OCCASIONS, 'occasion'),
    checkEnum(input.flowerTypes, FLOWER_TYPES, 'flower type'),
    checkEnum(input.colors, COLORS, 'color'),
    checkOptions(input.sizes, 'size'),
    checkOptions(input.vases, 'vase'),
  ]) {
    if (check.isErr()) return check;
  }
  for (const [i, image] of (input.images ?? []).entries()) {
    if (blank(image.url)) return invalid('Every image needs a url');
    if (!isImageUrl(image.url)) return invalid(`images[${i}].url must be an http(s) URL`);
    for (const [size, url] of Object.entries(image.variants ?? {})) {
      if (typeof url === 'string' && !isImageUrl(url)) {
        return invalid(`images[${i}].variants.${size} must be an http(s) URL`);
      }
    }
  }
  if (input.ratings !== undefined) {
    const { average, count } = input.ratings;
    if (!(average >= 0 && average <= 5)) return invalid('Rating average must be from 0 to 5');
    if (!Number.isSafeInteger(count) || count < 0) return invalid('Rating count must be 0 or more');
  }
  if (input.location !== undefined && input.location !== null && !isCoordinates(input.location)) {
    return invalid('Location needs lat from -90 to 90 and lng from -180 to 180');
  }
  if (input.salesCount !== undefined && (!Number.isSafeInteger(input.salesCount) || input.salesCount < 0)) {
    return invalid('Sales count must be 0 or more');
  }
  return Ok(undefined);
}

function toImage(i: ImageInput, newId: () => string): ProductImage {
  return {
    id: i.id ?? newId(),
    url: i.url.trim(),
    isPrimary: i.isPrimary ?? false,
    ...(i.publicId !== undefined ? { publicId: i.publicId } : {}),
    ...(i.alt !== undefined ? { alt: i.alt } : {}),
    ...(i.variants !== undefined ? { variants: { ...i.variants } } : {}),
    ...(i.width !== undefined ? { width: i.width } : {}),
    ...(i.height !== undefined ? { height: i.height } : {}),
    ...(i.format !== undefined ? { format: i.format } : {}),
    ...(i.bytes !== undefined ? { bytes: i.bytes } : {}),
    ...(i.uploadedAt !== undefined ? { uploadedAt: i.uploadedAt } : {}),
  };
}

function toOption(o: OptionInput, newId: () => string): ProductOption {
  return {
    id: o.id ?? newId(),
    name: o.name.trim(),
    price: o.price,
    ...(o.description !== undefined ? { description: o.description } : {}),
  };
}

function withOptionalText<K extends 'careInstructions' | 'deliveryInfo'>(
  base: Product,
  key: K,
  value: string | null | undefined,
): Product {
  if (value === undefined) return base;
  const copy: { -readonly [P in keyof Product]: Product[P] } = { ...base };
  if (value === null || value === '') delete copy[key];
  else copy[key] = value;
  return copy;
}

function isCoordinates(c: Coordinates): boolean {
  const finite = Number.isFinite(c.lat) && Number.isFinite(c.lng);
  return finite && Math.abs(c.lat) <= 90 && Math.abs(c.lng) <= 180;
}

function withLocation(base: Product, location: Coordinates | null | undefined): Product {
  if (location === undefined) return base;
  const copy: { -readonly [P in keyof Product]: Product[P] } = { ...base };
  if (location === null) delete copy.location;
  else copy.location = { lat: location.lat, lng: location.lng };
  return copy;
}

/** A new product from validated input, with the model's defaults (compat 2.2). */
export function createProduct(
  input: ProductInput,
  ctx: ProductContext & { readonly id: string },
): Result<Product, DomainError> {
  const valid = validateProductInput(input, 'create');
  if (valid.isErr()) return valid;
  const base: Product = {
    id: ctx.id,
    name: input.name!.trim(),
    description: input.description!,
    price: input.price!,
    ...(input.originalPrice !== undefined && input.originalPrice !== null
      ? { originalPrice: input.originalPrice }
      : {}),
    images: (input.images ?? []).map((i) => toImage(i, ctx.newId)),
    categoryId: input.categoryId!,
    occasions: [...((input.occasions ?? []) as Occasion[])],
    flowerTypes: [...((input.flowerTypes ?? []) as FlowerType[])],
    colors: [...((input.colors ?? []) as Color[])],
    sizes: (input.sizes ?? []).map((o) => toOption(o, ctx.newId)),
    vases: (input.vases ?? []).map((o) => toOption(o, ctx.newId)),
    inventory: {
      stock: input.inventory?.stock ?? 0,
      lowStockThreshold: input.inventory?.lowStockThreshold ?? DEFAULT_LOW_STOCK_THRESHOLD,
      isAvailable: input.inventory?.isAvailable ?? true,
    },
    ratings: input.ratings ? { ...input.ratings } : { average: 0, count: 0 },
    tags: [...(input.tags ?? [])],
    isFeatured: input.isFeatured ?? false,
    isPopular: input.isPopular ?? false,
    seo: {
      ...(input.seo?.title !== undefined ? { title: input.seo.title } : {}),
      ...(input.seo?.description !== undefined ? { description: input.seo.description } : {}),
      keywords: [...(input.seo?.keywords ?? [])],
    },
    salesCount: input.salesCount ?? 0,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
  return Ok(
    withLocation(
      withOptionalText(
        withOptionalText(base, 'careInstructions', input.careInstructions),
        'deliveryInfo',
        input.deliveryInfo,
      ),
      input.location,
    ),
  );
}

/**
 * The product with `patch` applied (fields absent from the patch stay as they are; `inventory`
 * and `seo` merge). Keeps `version`: the repository checks it and stores the next one.
 */
export function applyProductPatch(
  product: Product,
  patch: ProductInput,
  ctx: ProductContext,
): Result<Product, DomainError> {
  const valid = validateProductInput(patch, 'update');
  if (valid.isErr()) return valid;
  const next: { -readonly [P in keyof Product]: Product[P] } = { ...product, updatedAt: ctx.now };
  if (patch.name !== undefined) next.name = patch.name.trim();
  if (patch.description !== undefined) next.description = patch.description;
  if (patch.price !== undefined) next.price = patch.price;
  if (patch.originalPrice === null) delete next.originalPrice;
  else if (patch.originalPrice !== undefined) next.originalPrice = patch.originalPrice;
  if (patch.categoryId !== undefined) next.categoryId = patch.categoryId;
  if (patch.images !== undefined) next.images = patch.images.map((i) => toImage(i, ctx.newId));
  if (patch.occasions !== undefined) next.occasions = [...(patch.occasions as Occasion[])];
  if (patch.flowerTypes !== undefined) next.flowerTypes = [...(patch.flowerTypes as FlowerType[])];
  if (patch.colors !== undefined) next.colors = [...(patch.colors as Color[])];
  if (patch.sizes !== undefined) next.sizes = patch.sizes.map((o) => toOption(o, ctx.newId));
  if (patch.vases !== undefined) next.vases = patch.vases.map((o) => toOption(o, ctx.newId));
  if (patch.inventory !== undefined) {
    next.inventory = {
      stock: patch.inventory.stock ?? product.inventory.stock,
      lowStockThreshold: patch.inventory.lowStockThreshold ?? product.inventory.lowStockThreshold,
      isAvailable: patch.inventory.isAvailable ?? product.inventory.isAvailable,
    };
  }
  if (patch.ratings !== undefined) next.ratings = { ...patch.ratings };
  if (patch.tags !== undefined) next.tags = [...patch.tags];
  if (patch.isFeatured !== undefined) next.isFeatured = patch.isFeatured;
  if (patch.isPopular !== undefined) next.isPopular = patch.isPopular;
  if (patch.seo !== undefined) {
    const title = patch.seo.title ?? product.seo.title;
    const description = patch.seo.description ?? product.seo.description;
    next.seo = {
      ...(title !== undefined ? { title } : {}),
      ...(description !== undefined ? { description } : {}),
      keywords: [...(patch.seo.keywords ?? product.seo.keywords)],
    };
  }
  if (patch.salesCount !== undefined) next.salesCount = patch.salesCount;
  return Ok(
    withLocation(
      withOptionalText(
        withOptionalText(next, 'careInstructions', patch.careInstructions),
        'deliveryInfo',
        patch.deliveryInfo,
      ),
      patch.location,
    ),
  );
}

/** True when the two records differ in anything but bookkeeping (updatedAt, version). */
export function productChanged(before: Product, after: Product): boolean {
  const strip = (p: Product) => JSON.stringify({ ...p, updatedAt: 0, version: 0 });
  return strip(before) !== strip(after);
}

/** The stock level after an admin sets it. */
export function withStock(product: Product, stock: number, now: Date): Result<Product, DomainError> {
  if (!Number.isSafeInteger(stock)) return invalid('Inventory stock must be a whole number');
  if (stock < 0) return Err(domainError('NEGATIVE_STOCK', 'Inventory stock cannot be negative'));
  return Ok({ ...product, inventory: { ...product.inventory, stock }, updatedAt: now });
}

export function isLowStock(product: Product): boolean {
  return product.inventory.stock <= product.inventory.lowStockThreshold;
}
