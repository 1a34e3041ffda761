import type { Color, FlowerType, Occasion } from '../catalog/product.js';
import { distanceKm, type Coordinates } from '../location/place.js';
import type { Money } from '../shared/money.js';
import type { SearchDocument } from './document.js';

/**
 * The advanced search's rules over the index's documents: which documents a filter keeps, how
 * they are ordered, and the facet counts shown beside the results. Pure: the application fetches
 * the candidates (text matches, or every document) and resolves a city name to a point first.
 */

/**
 * "Deliverable near this point": a product with a location (a local florist) when it is within
 * `radiusKm` of the point; a product without one (the shop's own delivery) when `shopDelivers`,
 * i.e. the point is within the same radius of a serviceable city (decided by the application).
 */
export interface NearbyFilter {
  readonly point: Coordinates;
  readonly radiusKm: number;
  readonly shopDelivers: boolean;
}

/** Within a list, any value matches (OR); between filters, all must match (AND). */
export interface SearchFilters {
  readonly occasions?: readonly Occasion[];
  readonly flowerTypes?: readonly FlowerType[];
  readonly colors?: readonly Color[];
  readonly categoryIds?: readonly string[];
  /** Minor units, both ends inclusive. */
  readonly priceRange?: { readonly min?: Money; readonly max?: Money };
  readonly inStock?: boolean;
  readonly minRating?: number;
  readonly nearby?: NearbyFilter;
}

export const SEARCH_SORTS = [
  'relevance',
  'price-asc',
  'price-desc',
  'rating',
  'newest',
  'popularity',
] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** Relevance when there is a text, popularity otherwise (relevance means nothing without one). */
export function defaultSort(hasText: boolean): SearchSort {
  return hasText ? 'relevance' : 'popularity';
}

type FilterKey = keyof SearchFilters;

const anyOf = <T>(wanted: readonly T[] | undefined, have: readonly T[]): boolean =>
  wanted === undefined || wanted.length === 0 || wanted.some((w) => have.includes(w));

/** Whether `doc` passes one filter (an absent filter passes everything). */
function passes(doc: SearchDocument, filters: SearchFilters, key: FilterKey): boolean {
  switch (key) {
    case 'occasions':
      return anyOf(filters.occasions, doc.occasions);
    case 'flowerTypes':
      return anyOf(filters.flowerTypes, doc.flowerTypes);
    case 'colors':
      return anyOf(filters.colors, doc.colors);
    case 'categoryIds':
      return anyOf(filters.categoryIds, doc.categoryId === null ? [] : [doc.categoryId]);
    case 'priceRange': {
      const range = filters.priceRange;
      if (range === undefined) return true;
      return (
        (range.min === undefined || doc.price >= range.min) &&
        (range.max === undefined || doc.price <= range.max)
      );
    }
    case 'inStock':
      return filters.inStock !== true || doc.inStock;
    case 'minRating':
      return filters.minRating === undefined || doc.rating >= filters.minRating;
    case 'nearby':
      return filters.nearby === undefined || isDeliverableNear(doc, filters.nearby);
  }
}

const FILTER_KEYS: readonly FilterKey[] = [
  'occasions',
  'flowerTypes',
  'colors',
  'categoryIds',
  'priceRange',
  'inStock',
  'minRating',
  'nearby',
];

export function isDeliverableNear(doc: SearchDocument, nearby: NearbyFilter): boolean {
  return doc.location !== undefined
    ? distanceKm(doc.location, nearby.point) <= nearby.radiusKm
    : nearby.shopDelivers;
}

/** Every filter but `except` (the disjunctive facets count each facet without its own filter). */
export function matchesFilters(doc: SearchDocument, filters: SearchFilters, except?: FilterKey): boolean {
  return FILTER_KEYS.every((key) => key === except || passes(doc, filters, key));
}

/** Bit of each filter in a document's "failed" mask. */
const BIT: Record<FilterKey, number> = Object.fromEntries(
  FILTER_KEYS.map((key, i) => [key, 1 << i]),
) as Record<FilterKey, number>;

/**
 * Each candidate with the filters it fails as a bit mask, every filter checked once per document
 * (the facets need "every filter but one" seven times over: from the mask, not by re-filtering).
 */
interface Checked {
  readonly doc: SearchDocument;
  readonly failed: number;
}

function check(candidates: readonly SearchDocument[], filters: SearchFilters): Checked[] {
  const active = FILTER_KEYS.filter((key) => filters[key] !== undefined);
  return candidates.map((doc) => {
    let failed = 0;
    for (const key of active) if (!passes(doc, filters, key)) failed |= BIT[key];
    return { doc, failed };
  });
}

/** The candidates every filter keeps, in their order, and (when asked) the facet counts. */
export function filterAndCount(
  candidates: readonly SearchDocument[],
  filters: SearchFilters,
  withFacets: boolean,
): { kept: SearchDocument[]; facets?: Facets } {
  const checked = check(candidates, filters);
  const kept: SearchDocument[] = [];
  for (const c of checked) if (c.failed === 0) kept.push(c.doc);
  return withFacets ? { kept, facets: facetsOf(checked) } : { kept };
}

const SORT_KEYS: Record<
  Exclude<SearchSort, 'relevance'>,
  (a: SearchDocument, b: SearchDocument) => number
> = {
  'price-asc': (a, b) => a.price - b.price,
  'price-desc': (a, b) => b.price - a.price,
  rating: (a, b) => b.rating - a.rating || b.reviewCount - a.reviewCount,
  newest: (a, b) => b.createdAt - a.createdAt,
  popularity: (a, b) => b.salesCount - a.salesCount || b.rating - a.rating,
};

/**
 * The documents in `sort` order. `relevance` keeps the given order (the index's match order);
 * the others are stable, so ties keep the relevance order (or the given order without a text).
 */
export function sortDocuments(docs: readonly SearchDocument[], sort: SearchSort): SearchDocument[] {
  if (sort === 'relevance') return [...docs];
  return [...docs].sort(SORT_KEYS[sort]);
}

// ---- facets ---------------------------------------------------------------------------------

/** Price bands in rupees (the wire's unit); `max` exclusive, absent on the last band. */
export const PRICE_BANDS: readonly { readonly value: string; readonly min: number; readonly max?: number }[] =
  [
    { value: '<500', min: 0, max: 500 },
    { value: '500-999', min: 500, max: 1000 },
    { value: '1000-1999', min: 1000, max: 2000 },
    { value: '2000-4999', min: 2000, max: 5000 },
    { value: '5000+', min: 5000 },
  ];

/** Rating bands: "4+" counts every product rated 4 or more (they overlap on purpose). */
export const RATING_BANDS: readonly { readonly value: string; readonly min: number }[] = [
  { value: '4+', min: 4 },
  { value: '3+', min: 3 },
  { value: '2+', min: 2 },
  { value: '1+', min: 1 },
];

export interface FacetCount {
  readonly value: string;
  readonly count: number;
}

export interface Facets {
  readonly occasions: FacetCount[];
  readonly flowerTypes: FacetCount[];
  readonly colors: FacetCount[];
  /** `value`: the category id; `label`: its name. */
  readonly categories: (FacetCount & { readonly label: string })[];
  /** In band order; `min`/`max` in rupees (`max` exclusive). */
  readonly priceBands: (FacetCount & { readonly min: number; readonly max?: number })[];
  /** In band order. */
  readonly ratingBands: (FacetCount & { readonly min: number })[];
}

/** Counts of values, highest first then by value; zero counts never appear. */
function countValues(docs: Iterable<SearchDocument>, valuesOf: (d: SearchDocument) => readonly string[]) {
  const counts = new Map<string, number>();
  for (const doc of docs) {
    const values = valuesOf(doc);
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i]!;
      if (values.indexOf(v) === i) counts.set(v, (counts.get(v) ?? 0) + 1); // a value once per document
    }
  }
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

const PAISE_PER_RUPEE = 100;

export function priceBandOf(price: Money): string {
  const rupees = price / PAISE_PER_RUPEE;
  const band = PRICE_BANDS.find((b) => rupees >= b.min && (b.max === undefined || rupees < b.max));
  return (band ?? PRICE_BANDS[0]!).value;
}

/**
 * Facet counts over `candidates` (the text's matches, or every document). Disjunctive: each
 * facet's counts apply every filter except its own, so choosing "birthday" still shows how many
 * "wedding" products there are. Values with no product are left out.
 */
export function countFacets(candidates: readonly SearchDocument[], filters: SearchFilters): Facets {
  return facetsOf(check(candidates, filters));
}

function facetsOf(checked: readonly Checked[]): Facets {
  // Kept by every filter but `key`: failed none, or only that one.
  const without = (key: FilterKey): SearchDocument[] => {
    const out: SearchDocument[] = [];
    for (const c of checked) if (c.failed === 0 || c.failed === BIT[key]) out.push(c.doc);
    return out;
  };
  const byCategory = without('categoryIds');
  const names = new Map(byCategory.map((d) => [d.categoryId ?? '', d.category]));
  const priced = countValues(without('priceRange'), (d) => [priceBandOf(d.price)]);
  const rated = without('minRating');
  return {
    occasions: countValues(without('occasions'), (d) => d.occasions),
    flowerTypes: countValues(without('flowerTypes'), (d) => d.flowerTypes),
    colors: countValues(without('colors'), (d) => d.colors),
    categories: countValues(byCategory, (d) => (d.categoryId === null ? [] : [d.categoryId])).map((c) => ({
      ...c,
      label: names.get(c.value) ?? '',
    })),
    priceBands: PRICE_BANDS.flatMap((band) => {
      const count = priced.find((p) => p.value === band.value)?.count ?? 0;
      return count > 0 ? [{ ...band, count }] : [];
    }),
    ratingBands: RATING_BANDS.flatMap((band) => {
      const count = rated.filter((d) => d.rating >= band.min).length;
      return count > 0 ? [{ ...band, count }] : [];
    }),
  };
}
