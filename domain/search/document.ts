import type { Color, FlowerType, Occasion } from '../catalog/product.js';
import type { Coordinates } from '../location/place.js';

/**
 * What the search index holds for one product: the text it matches on and the fields the
 * advanced search filters, sorts and counts facets by. Built from the catalog's current state
 * (`application/search` reads the product and its category); only active (listed) products are
 * indexed. Prices in minor units (paise), like `Money`.
 */
export interface SearchDocument {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** The category's name ('' when the product has none) and id. */
  readonly category: string;
  readonly categoryId: string | null;
  readonly flowerTypes: readonly FlowerType[];
  readonly occasions: readonly Occasion[];
  readonly colors: readonly Color[];
  /** Current price, minor units. */
  readonly price: number;
  readonly rating: number;
  readonly reviewCount: number;
  readonly inStock: boolean;
  readonly salesCount: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /**
   * Where the product is made and delivered from, when it is a local florist's product; products
   * without one are delivered by the shop itself to every serviceable city.
   */
  readonly location?: Coordinates;
}

/** One text match: a product id and its relevance score (higher is better). */
export interface TextMatch {
  readonly id: string;
  readonly score: number;
}

export type SuggestionKind = 'product' | 'category' | 'occasion' | 'flowerType' | 'color';

/** One autocomplete suggestion. `id`: product or category id, absent for the other kinds. */
export interface Suggestion {
  readonly kind: SuggestionKind;
  readonly text: string;
  readonly id?: string;
  readonly score: number;
}
