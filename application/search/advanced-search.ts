import { descendantIds } from '../../domain/catalog/category.js';
import type { Color, FlowerType, Occasion } from '../../domain/catalog/product.js';
import { nearestCity, type Coordinates } from '../../domain/location/place.js';
import {
  defaultSort,
  filterAndCount,
  sortDocuments,
  type Facets,
  type NearbyFilter,
  type SearchFilters,
  type SearchSort,
} from '../../domain/search/advanced.js';
import type { SearchDocument } from '../../domain/search/document.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import {
  joinCategories,
  type CategoryRepository,
  type ProductRepository,
  type ProductView,
} from '../catalog/index.js';
import type { CityDirectory } from '../location/index.js';
import { token } from '../shared/token.js';
import type { SearchIndex } from './ports.js';

export interface AdvancedSearchSettings {
  /** "Nearby" when the request names no radius (SEARCH_NEARBY_RADIUS_KM). */
  readonly nearbyRadiusKm: number;
}
export const ADVANCED_SEARCH_SETTINGS = token<AdvancedSearchSettings>('AdvancedSearchSettings');

/** Where the shopper wants delivery: a known city's name, or a point. */
export type SearchLocation = { readonly city: string } | { readonly lat: number; readonly lng: number };

export interface AdvancedSearchInput {
  readonly q?: string;
  readonly filters: {
    readonly occasions?: readonly Occasion[];
    readonly flowerTypes?: readonly FlowerType[];
    readonly colors?: readonly Color[];
    /** Category ids or slugs; a parent includes its children. */
    readonly categories?: readonly string[];
    readonly priceRange?: { readonly min?: Money; readonly max?: Money };
    readonly inStock?: boolean;
    readonly minRating?: number;
    readonly location?: SearchLocation;
    /** Default: the configured nearby radius. */
    readonly radiusKm?: number;
  };
  /** Default: relevance with a text, popularity without. */
  readonly sort?: SearchSort;
  readonly facets: boolean;
  readonly page: number;
  readonly limit: number;
}

export interface AdvancedSearchAnswer {
  readonly products: readonly ProductView[];
  readonly total: number;
  readonly page: number;
  readonly pages: number;
  readonly facets?: Facets;
}

/**
 * GET /products/search/advanced: the candidates are the index's text matches in relevance order
 * (or every indexed document without a text), filtered, counted into facets and sorted by the
 * rules of `domain/search`; the page's products are then read from the catalog so the answer is
 * the same product shape as the product list.
 */
export class AdvancedSearch {
  constructor(
    private readonly index: SearchIndex,
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly cities: CityDirectory,
    private readonly settings: AdvancedSearchSettings,
  ) {}

  async execute(input: AdvancedSearchInput): Promise<Result<AdvancedSearchAnswer, DomainError>> {
    const filters = await this.toFilters(input.filters);
    if (filters.isErr()) return filters;
    const text = input.q?.trim() ?? '';
    const candidates = text !== '' ? await this.matches(text) : [...this.index.documents()];
    const { kept, facets } = filterAndCount(candidates, filters.value, input.facets);
    const sorted = sortDocuments(kept, input.sort ?? defaultSort(text !== ''));
    const start = (input.page - 1) * input.limit;
    const ids = sorted.slice(start, start + input.limit).map((d) => d.id);
    // A product deleted since it was indexed is skipped rather than answered stale.
    const views = await joinCategories(this.categories, await this.products.findByIds(ids));
    return Ok({
      products: views,
      total: sorted.length,
      page: input.page,
      pages: Math.ceil(sorted.length / input.limit),
      ...(facets !== undefined ? { facets } : {}),
    });
  }

  /** The index's matches in its order, as documents. */
  private async matches(text: string): Promise<SearchDocument[]> {
    return (await this.index.match(text)).flatMap((m) => {
      const doc = this.index.get(m.id);
      return doc ? [doc] : [];
    });
  }

  private async toFilters(f: AdvancedSearchInput['filters']): Promise<Result<SearchFilters, DomainError>> {
    const nearby =
      f.location !== undefined ? this.nearby(f.location, f.radiusKm ?? this.settings.nearbyRadiusKm) : null;
    if (nearby !== null && nearby.isErr()) return nearby;
    return Ok({
      ...(f.occasions !== undefined ? { occasions: f.occasions } : {}),
      ...(f.flowerTypes !== undefined ? { flowerTypes: f.flowerTypes } : {}),
      ...(f.colors !== undefined ? { colors: f.colors } : {}),
      ...(f.categories !== undefined && f.categories.length > 0
        ? { categoryIds: await this.categoryIds(f.categories) }
        : {}),
      ...(f.priceRange !== undefined ? { priceRange: f.priceRange } : {}),
      ...(f.inStock !== undefined ? { inStock: f.inStock } : {}),
      ...(f.minRating !== undefined ? { minRating: f.minRating } : {}),
      ...(nearby !== null ? { nearby: nearby.value } : {}),
    });
  }

  /** Ids or slugs with their descendants; a key naming no category adds nothing (so may match nothing). */
  private async categoryIds(keys: readonly string[]): Promise<string[]> {
    const all = await this.categories.list();
    const ids = new Set<string>();
    for (const key of keys) {
      const wanted = key.trim().toLowerCase();
      const found = all.find((c) => c.id === wanted || c.seo.slug === wanted);
      if (found) for (const id of descendantIds(all, found.id)) ids.add(id);
    }
    // An empty list would mean "no filter": a sentinel id keeps "nothing matches".
    return ids.size > 0 ? [...ids] : [''];
  }

  private nearby(location: SearchLocation, radiusKm: number): Result<NearbyFilter, DomainError> {
    const cities = this.cities.all();
    let point: Coordinates;
    if ('city' in location) {
      const wanted = location.city.trim().toLowerCase();
      const city = cities.find((c) => c.city.toLowerCase() === wanted);
      if (!city) {
        return Err(domainError('UNKNOWN_CITY', `filters.location.city: unknown city "${location.city}"`));
      }
      point = city.coordinates;
    } else {
      point = { lat: location.lat, lng: location.lng };
    }
    const serviceable = cities.filter((c) => c.serviceable);
    return Ok({ point, radiusKm, shopDelivers: nearestCity(serviceable, point, radiusKm) !== null });
  }
}
