/**
 * The 10,000-product catalog of the search benchmarks (bench/search-libraries.ts, bench/search.ts)
 * and the judged queries the library comparison scores relevance with. The demo catalog's 49
 * products come first as they are; the rest are synthetic products built from the same vocabulary
 * (names' words, descriptions, tags, categories, flower types, occasions, colours), with a seeded
 * generator, so every run indexes the same documents. Pure: no I/O.
 */
import type { DemoCategorySeed, DemoProductSeed } from '../application/catalog/ports.js';
import { DEMO_CATEGORIES, DEMO_PRODUCTS } from '../adapters/persistence/seed/demo-catalog.js';
import type { Color, FlowerType, Occasion } from '../domain/catalog/product.js';
import { seededRandom } from '../domain/shared/seeded-random.js';

export function slugOf(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A demo category's slug (explicit, or from its name as `createCategory` derives it). */
export function categorySlug(seed: DemoCategorySeed): string {
  return seed.input.seo?.slug ?? slugOf(seed.input.name ?? '');
}

const ADJECTIVES = [
  'Crimson',
  'Blush',
  'Sunlit',
  'Ivory',
  'Grand',
  'Lavender',
  'Golden',
  'Pure',
  'Serene',
  'Scarlet',
  'Sweet',
  'Violet',
  'Velvet',
  'Rainbow',
  'Festive',
  'Monsoon',
  'Garden',
  'Bridal',
  'Stargazer',
  'Peace',
];
const NOUNS: Record<FlowerType, readonly string[]> = {
  roses: ['Roses', 'Rose Bouquet', 'Rose Box'],
  lilies: ['Lilies', 'Lily Bouquet', 'Lily Glow'],
  tulips: ['Tulips', 'Tulip Parade', 'Tulip Bunch'],
  orchids: ['Orchid', 'Orchid Spray', 'Orchid Pot'],
  mixed: ['Blooms', 'Celebration Basket', 'Posy'],
  seasonal: ['Sunflowers', 'Carnations', 'Marigold Box'],
};
const FORMS = [
  'Devotion',
  'Whisper',
  'Promise',
  'Dream',
  'Tribute',
  'Cheer',
  'Smiles',
  'Duo',
  'Cascade',
  'Elegance',
];

/**
 * `count` product seeds: the demo catalog's products, then synthetic ones. A synthetic product
 * takes a demo product's category, flower types, occasions and colours (sometimes one more
 * occasion or colour from the demo catalog's), a name from the demo names' words and its flower
 * type, the demo description, its tags plus one more demo tag, and a price near the demo one.
 */
export function syntheticProductSeeds(count: number, seed = 12): DemoProductSeed[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const allTags = [...new Set(DEMO_PRODUCTS.flatMap((p) => p.input.tags ?? []))];
  const allOccasions = [...new Set(DEMO_PRODUCTS.flatMap((p) => p.input.occasions ?? []))] as Occasion[];
  const allColors = [...new Set(DEMO_PRODUCTS.flatMap((p) => p.input.colors ?? []))] as Color[];
  const seeds: DemoProductSeed[] = DEMO_PRODUCTS.slice(0, count);
  for (let i = seeds.length; i < count; i += 1) {
    const base = pick(DEMO_PRODUCTS);
    const flowerTypes = (base.input.flowerTypes ?? ['mixed']) as FlowerType[];
    const occasions = [...(base.input.occasions ?? [])] as Occasion[];
    if (random() < 0.3) occasions.push(pick(allOccasions));
    const colors = [...(base.input.colors ?? [])] as Color[];
    if (random() < 0.2) colors.push(pick(allColors));
    const name = `${pick(ADJECTIVES)} ${pick(NOUNS[flowerTypes[0]!])} ${pick(FORMS)} ${i}`;
    const basePrice = base.input.price ?? 99_900;
    const price = Math.max(29_900, Math.round((basePrice * (0.7 + random() * 0.8)) / 10_000) * 10_000 - 100);
    const { originalPrice: _originalPrice, ...rest } = base.input;
    seeds.push({
      categorySlug: base.categorySlug,
      input: {
        ...rest,
        name,
        price,
        occasions: [...new Set(occasions)],
        colors: [...new Set(colors)],
        tags: [...new Set([...(base.input.tags ?? []), pick(allTags)])],
        ratings: { average: Math.round((3 + random() * 2) * 10) / 10, count: Math.floor(random() * 200) },
        salesCount: Math.floor(random() * 300),
        inventory: { stock: Math.floor(random() * 60), lowStockThreshold: 5, isAvailable: random() > 0.05 },
        seo: { title: `${name} | Amour Florals`, description: base.input.description ?? '' },
      },
    });
  }
  return seeds;
}

/** What the library comparison indexes: the fields of `SearchDocument` it matches on. */
export interface CorpusDocument {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly category: string;
  readonly flowerTypes: readonly string[];
  readonly occasions: readonly string[];
  readonly colors: readonly string[];
  readonly price: number;
  readonly rating: number;
  readonly inStock: boolean;
  /** A local florist's location for one product in four (the geo check). */
  readonly location?: { readonly lat: number; readonly lng: number };
}

const CITIES = [
  { lat: 18.52, lng: 73.86 }, // Pune
  { lat: 19.08, lng: 72.88 }, // Mumbai
  { lat: 12.97, lng: 77.59 }, // Bengaluru
  { lat: 28.61, lng: 77.21 }, // Delhi
];

export function corpusDocuments(seeds: readonly DemoProductSeed[]): CorpusDocument[] {
  const categoryName = new Map(DEMO_CATEGORIES.map((c) => [categorySlug(c), c.input.name]));
  return seeds.map((s, i) => ({
    id: `p${i}`,
    name: s.input.name ?? '',
    description: s.input.description ?? '',
    tags: s.input.tags ?? [],
    category: categoryName.get(s.categorySlug) ?? '',
    flowerTypes: s.input.flowerTypes ?? [],
    occasions: s.input.occasions ?? [],
    colors: s.input.colors ?? [],
    price: s.input.price ?? 0,
    rating: s.input.ratings?.average ?? 0,
    inStock: (s.input.inventory?.stock ?? 0) > 0,
    ...(i % 4 === 0 ? { location: CITIES[(i / 4) % CITIES.length]! } : {}),
  }));
}

/** Field boosts every library gets, as far as it takes them. */
export const BOOSTS = {
  name: 3,
  tags: 2,
  category: 2,
  flowerTypes: 2,
  occasions: 1.5,
  colors: 1.5,
  description: 1,
} as const;
export type SearchField = keyof typeof BOOSTS;
export const FIELDS = Object.keys(BOOSTS) as SearchField[];

export type QueryKind = 'misspelling' | 'prefix' | 'multi-word' | 'name';

/** A judged query: which documents answer it (several may: any of them in the top 3 counts). */
export interface JudgedQuery {
  readonly q: string;
  readonly kind: QueryKind;
  readonly relevant: (d: CorpusDocument) => boolean;
}

const has = (values: readonly string[], value: string) => values.includes(value);
const mentions = (d: CorpusDocument, word: string) =>
  `${d.name} ${d.tags.join(' ')} ${d.description}`.toLowerCase().includes(word);

export const JUDGED_QUERIES: readonly JudgedQuery[] = [
  { q: 'rsoe', kind: 'misspelling', relevant: (d) => has(d.flowerTypes, 'roses') },
  { q: 'tulps', kind: 'misspelling', relevant: (d) => has(d.flowerTypes, 'tulips') },
  { q: 'orchd', kind: 'misspelling', relevant: (d) => has(d.flowerTypes, 'orchids') },
  { q: 'lilys', kind: 'misspelling', relevant: (d) => has(d.flowerTypes, 'lilies') },
  { q: 'sunflwer', kind: 'misspelling', relevant: (d) => mentions(d, 'sunflower') },
  { q: 'anniversery', kind: 'misspelling', relevant: (d) => has(d.occasions, 'anniversary') },
  { q: 'lil', kind: 'prefix', relevant: (d) => has(d.flowerTypes, 'lilies') },
  { q: 'orc', kind: 'prefix', relevant: (d) => has(d.flowerTypes, 'orchids') },
  { q: 'tul', kind: 'prefix', relevant: (d) => has(d.flowerTypes, 'tulips') },
  { q: 'sunf', kind: 'prefix', relevant: (d) => mentions(d, 'sunflower') },
  { q: 'carn', kind: 'prefix', relevant: (d) => mentions(d, 'carnation') },
  {
    q: 'birthday roses',
    kind: 'multi-word',
    relevant: (d) => has(d.occasions, 'birthday') && has(d.flowerTypes, 'roses'),
  },
  {
    q: 'white lilies sympathy',
    kind: 'multi-word',
    relevant: (d) => has(d.colors, 'white') && has(d.flowerTypes, 'lilies') && has(d.occasions, 'sympathy'),
  },
  {
    q: 'red roses anniversary',
    kind: 'multi-word',
    relevant: (d) => has(d.colors, 'red') && has(d.flowerTypes, 'roses') && has(d.occasions, 'anniversary'),
  },
  {
    q: 'wedding orchids',
    kind: 'multi-word',
    relevant: (d) => has(d.occasions, 'wedding') && has(d.flowerTypes, 'orchids'),
  },
  {
    q: 'pink tulips',
    kind: 'multi-word',
    relevant: (d) => has(d.colors, 'pink') && has(d.flowerTypes, 'tulips'),
  },
  { q: 'Crimson Devotion', kind: 'name', relevant: (d) => d.name === 'Crimson Devotion' },
  { q: 'Peace Lily Planter', kind: 'name', relevant: (d) => d.name === 'Peace Lily Planter' },
  { q: 'Bridal Cascade', kind: 'name', relevant: (d) => d.name === 'Bridal Cascade' },
];

/** Autocomplete-like queries (prefixes as typed, and misspellings) for the latency runs. */
export const AUTOCOMPLETE_QUERIES = [
  'r',
  'ro',
  'ros',
  'rsoe',
  'li',
  'lil',
  'tulps',
  'orchd',
  'bir',
  'wed',
  'sunf',
  'pink t',
];

/** Relevance of one query's ranking: reciprocal rank of the first relevant hit (0 past `depth`). */
export function reciprocalRank(
  ranked: readonly string[],
  isRelevant: (id: string) => boolean,
  depth = 10,
): number {
  const index = ranked.slice(0, depth).findIndex(isRelevant);
  return index < 0 ? 0 : 1 / (index + 1);
}
