import { distanceKm, type Coordinates } from '../location/place.js';
import type { Money } from '../shared/money.js';

export const OCCASIONS = [
  'birthday',
  'anniversary',
  'wedding',
  'sympathy',
  'congratulations',
  'just-because',
] as const;
export type Occasion = (typeof OCCASIONS)[number];

export const FLOWER_TYPES = ['roses', 'lilies', 'tulips', 'orchids', 'mixed', 'seasonal'] as const;
export type FlowerType = (typeof FLOWER_TYPES)[number];

export const COLORS = ['red', 'pink', 'white', 'yellow', 'purple', 'mixed'] as const;
export type Color = (typeof COLORS)[number];

/** A size or vase choice; `price` is the add-on over the product's base price. */
export interface ProductOption {
  readonly id: string;
  readonly name: string;
  readonly price: Money;
  readonly description?: string;
}

export interface ImageVariants {
  readonly thumbnail?: string;
  readonly small?: string;
  readonly medium?: string;
  readonly large?: string;
  readonly original?: string;
}

export interface ProductImage {
  readonly id: string;
  readonly publicId?: string;
  readonly url: string;
  readonly variants?: ImageVariants;
  readonly alt?: string;
  readonly isPrimary: boolean;
  readonly width?: number;
  readonly height?: number;
  readonly format?: string;
  readonly bytes?: number;
  readonly uploadedAt?: Date;
}

export interface Inventory {
  /** Units on hand, never negative. Changed only through the repository's guarded operations. */
  readonly stock: number;
  readonly lowStockThreshold: number;
  readonly isAvailable: boolean;
}

export interface Ratings {
  readonly average: number;
  readonly count: number;
}

export interface Seo {
  readonly title?: string;
  readonly description?: string;
  readonly keywords: readonly string[];
}

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly price: Money;
  readonly originalPrice?: Money;
  readonly images: readonly ProductImage[];
  readonly categoryId: string | null;
  readonly occasions: readonly Occasion[];
  readonly flowerTypes: readonly FlowerType[];
  readonly colors: readonly Color[];
  readonly sizes: readonly ProductOption[];
  readonly vases: readonly ProductOption[];
  readonly inventory: Inventory;
  readonly ratings: Ratings;
  readonly tags: readonly string[];
  readonly isFeatured: boolean;
  readonly isPopular: boolean;
  readonly seo: Seo;
  readonly careInstructions?: string;
  readonly deliveryInfo?: string;
  /**
   * Where a local florist makes and delivers this product from; absent for the shop's own
   * products, delivered to every serviceable city ("nearby" search, `domain/search/advanced.ts`).
   */
  readonly location?: Coordinates;
  /** Units sold over the product's life; drives the `popularity` sort. */
  readonly salesCount: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

export function isInStock(product: Product): boolean {
  return product.inventory.isAvailable && product.inventory.stock > 0;
}

/** The products with a location within `radiusKm` of `point`, nearest first (ties by id). */
export function nearestFirst(products: readonly Product[], point: Coordinates, radiusKm: number): Product[] {
  return products
    .flatMap((p) => {
      if (p.location === undefined) return [];
      const km = distanceKm(p.location, point);
      return km <= radiusKm ? [{ p, km }] : [];
    })
    .sort((a, b) => a.km - b.km || (a.p.id < b.p.id ? -1 : 1))
    .map((x) => x.p);
}
