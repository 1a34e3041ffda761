import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { COLORS, FLOWER_TYPES, OCCASIONS } from '../../../domain/catalog/product.js';
import { SEARCH_SORTS } from '../../../domain/search/advanced.js';
import { fromMajor } from '../../../domain/shared/money.js';
import { AdvancedSearch, type AdvancedSearchInput } from '../../../application/search/advanced-search.js';
import { unwrap } from '../errors.js';
import {
  Amount,
  Latitude,
  Longitude,
  PageNumber,
  PageSize,
  bearerAuth,
  errors,
  success,
} from '../schemas.js';
import { searchRecorder } from './record-search-hook.js';
import type { App, HttpRouteDeps } from '../types.js';
import { ProductSchema } from '../catalog/presenter.js';
import { fieldSerializers, FieldsParam, parseFields, selectFields } from '../catalog/field-selection.js';
import { CategoryKey, ColorSchema, FlowerTypeSchema, OccasionSchema, presentView } from '../catalog/wire.js';

/**
 * GET /api/products/search/advanced: text, filters, facets, sort and paging over the search
 * index. The filters come either as bracketed parameters (`filters[occasion][]=birthday&
 * filters[priceRange][min]=500`) or as one JSON-encoded `filters` parameter of the same
 * structure; a preValidation hook folds the bracketed ones into that object, so one TypeBox
 * schema validates both (and documents them in the OpenAPI).
 */

const list = <T extends TSchema>(item: T, max: number) => Type.Optional(Type.Array(item, { maxItems: max }));

export const AdvancedFilters = Type.Object(
  {
    occasion: list(OccasionSchema, OCCASIONS.length),
    flowerType: list(FlowerTypeSchema, FLOWER_TYPES.length),
    color: list(ColorSchema, COLORS.length),
    category: list(CategoryKey, 20),
    priceRange: Type.Optional(
      Type.Object(
        { min: Type.Optional(Amount), max: Type.Optional(Amount) },
        { additionalProperties: false, description: 'Rupees, both ends inclusive' },
      ),
    ),
    availability: Type.Optional(
      Type.Enum(['in-stock', 'any'], { description: '`in-stock`: only products in stock' }),
    ),
    rating: Type.Optional(
      Type.Object(
        { min: Type.Number({ minimum: 0, maximum: 5 }) },
        { additionalProperties: false, description: 'Average rating at least `min`' },
      ),
    ),
    location: Type.Optional(
      Type.Object(
        {
          city: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          lat: Type.Optional(Latitude),
          lng: Type.Optional(Longitude),
          radiusKm: Type.Optional(Type.Number({ minimum: 0.1, maximum: 500 })),
        },
        {
          additionalProperties: false,
          description:
            'Deliverable near a city (`city`) or a point (`lat` and `lng`): a local florist within `radiusKm` ' +
            '(default SEARCH_NEARBY_RADIUS_KM), or the shop itself where the point is that near a serviceable city',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
type AdvancedFiltersJson = Static<typeof AdvancedFilters>;

export const AdvancedQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    filters: Type.Optional(AdvancedFilters),
    sort: Type.Optional(
      Type.Enum([...SEARCH_SORTS], { description: 'Default: relevance with `q`, popularity without' }),
    ),
    facets: Type.Optional(Type.Boolean({ description: 'true: also answer the facet counts' })),
    page: Type.Optional(PageNumber),
    limit: Type.Optional(PageSize(100)),
    fields: Type.Optional(FieldsParam),
  },
  { additionalProperties: false },
);

const Counted = { value: Type.String(), count: Type.Integer() };
const FacetsSchema = Type.Object(
  {
    occasions: Type.Array(Type.Object(Counted)),
    flowerTypes: Type.Array(Type.Object(Counted)),
    colors: Type.Array(Type.Object(Counted)),
    categories: Type.Array(Type.Object({ ...Counted, label: Type.String() })),
    priceBands: Type.Array(
      Type.Object({ ...Counted, min: Type.Number(), max: Type.Optional(Type.Number()) }),
    ),
    ratingBands: Type.Array(Type.Object({ ...Counted, min: Type.Number() })),
  },
  {
    description:
      'Counts for the current query; each facet applies every filter but its own (disjunctive); zero counts left out. ' +
      'Price bands in rupees (`max` exclusive); rating bands overlap (4+ is inside 3+).',
  },
);

const advancedAnswer = (product: TSchema) =>
  success(
    {
      products: Type.Array(product),
      total: Type.Integer(),
      page: Type.Integer(),
      pages: Type.Integer(),
      facets: Type.Optional(FacetsSchema),
    },
    { success: Type.Literal(true) },
  );
const AdvancedAnswer = advancedAnswer(ProductSchema);
/** Trimmed serializers for `fields` selections. */
const advancedFields = fieldSerializers('/products/search/advanced', advancedAnswer);

/** A 400 in the same shape as a schema failure, naming the query field. */
function badQuery(path: string, message: string): Error {
  return Object.assign(new Error(`querystring.${path} ${message}`), {
    statusCode: 400,
    validationContext: 'querystring',
    validation: [{ instancePath: `/${path.replace(/\./g, '/')}`, params: {}, message }],
  });
}

const BRACKETED = /^filters((?:\[[^[\]]*\])+)$/;
const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Folds `filters[a][b]=v` and `filters[a][]=v` parameters into `query.filters`, or parses a
 * JSON-encoded `filters`. Both at once, bad JSON or odd keys: 400 naming the field.
 */
export async function normaliseFilters(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>;
  const bracketed = Object.keys(query).filter((k) => k.startsWith('filters['));
  if (typeof query.filters === 'string') {
    if (bracketed.length > 0)
      throw badQuery('filters', 'give the filters either as JSON or as filters[...], not both');
    try {
      query.filters = JSON.parse(query.filters) as unknown;
    } catch {
      throw badQuery('filters', 'must be valid JSON');
    }
    return;
  }
  if (query.filters !== undefined) throw badQuery('filters', 'must be given once');
  if (bracketed.length === 0) return;
  const filters: Record<string, unknown> = {};
  for (const key of bracketed) {
    const value = query[key];
    delete query[key];
    const match = BRACKETED.exec(key);
    const path = match ? match[1]!.slice(1, -1).split('][') : [];
    // `[]` or `[0]` at the end: a list item; names only otherwise (no __proto__ and the like).
    const last = path.at(-1);
    const isItem = last === '' || (last !== undefined && /^\d+$/.test(last));
    const names = isItem ? path.slice(0, -1) : path;
    if (!match || names.length === 0 || !names.every((n) => NAME.test(n))) {
      throw badQuery('filters', `has a malformed parameter name: ${key.slice(0, 60)}`);
    }
    let node = filters;
    for (const name of names.slice(0, -1)) {
      const next = node[name];
      if (next !== undefined && (typeof next !== 'object' || Array.isArray(next))) {
        throw badQuery(`filters.${names.join('.')}`, 'is given twice');
      }
      node = (next as Record<string, unknown> | undefined) ?? (node[name] = {});
    }
    const leaf = names.at(-1)!;
    const values = Array.isArray(value) ? value : [value];
    if (isItem) {
      const before = node[leaf];
      node[leaf] = [...(Array.isArray(before) ? before : before === undefined ? [] : [before]), ...values];
    } else {
      if (node[leaf] !== undefined) throw badQuery(`filters.${names.join('.')}`, 'is given twice');
      node[leaf] = value;
    }
  }
  query.filters = filters;
}

function toInput(q: Static<typeof AdvancedQuery>): AdvancedSearchInput {
  const f: AdvancedFiltersJson = q.filters ?? {};
  const range = f.priceRange;
  if (range?.min !== undefined && range.max !== undefined && range.min > range.max) {
    throw badQuery('filters.priceRange', 'min must not exceed max');
  }
  const loc = f.location;
  let location: NonNullable<AdvancedSearchInput['filters']['location']> | undefined;
  if (loc !== undefined) {
    if (loc.city !== undefined) {
      if (loc.lat !== undefined || loc.lng !== undefined) {
        throw badQuery('filters.location', 'give either city or lat and lng, not both');
      }
      location = { city: loc.city };
    } else if (loc.lat !== undefined && loc.lng !== undefined) {
      location = { lat: loc.lat, lng: loc.lng };
    } else {
      throw badQuery('filters.location', 'needs city, or lat and lng');
    }
  }
  return {
    ...(q.q !== undefined ? { q: q.q } : {}),
    filters: {
      ...(f.occasion !== undefined ? { occasions: f.occasion } : {}),
      ...(f.flowerType !== undefined ? { flowerTypes: f.flowerType } : {}),
      ...(f.color !== undefined ? { colors: f.color } : {}),
      ...(f.category !== undefined ? { categories: f.category } : {}),
      ...(range !== undefined
        ? {
            priceRange: {
              ...(range.min !== undefined ? { min: fromMajor(range.min) } : {}),
              ...(range.max !== undefined ? { max: fromMajor(range.max) } : {}),
            },
          }
        : {}),
      ...(f.availability === 'in-stock' ? { inStock: true } : {}),
      ...(f.rating !== undefined ? { minRating: f.rating.min } : {}),
      ...(location !== undefined ? { location } : {}),
      ...(loc?.radiusKm !== undefined ? { radiusKm: loc.radiusKm } : {}),
    },
    ...(q.sort !== undefined ? { sort: q.sort } : {}),
    facets: q.facets === true,
    page: q.page ?? 1,
    limit: q.limit ?? 20,
  };
}

export async function advancedSearchRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  // Resolved on first use: the search index is bound by the search module, filled at start.
  let search: AdvancedSearch | undefined;
  // Searches with a text are counted for popular searches and go on a signed-in shopper's history.
  const record = searchRecorder(deps.resolve);
  app.get(
    '/products/search/advanced',
    {
      preValidation: normaliseFilters,
      schema: {
        tags: ['products', 'search'],
        summary: 'Search with filters, facets, sort and paging (filters as filters[...] or one JSON filters)',
        description:
          "The token is optional: with one, a search with a text goes on the shopper's history (GET /api/search/history).",
        security: [...bearerAuth, {}],
        querystring: AdvancedQuery,
        response: { 200: AdvancedAnswer, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const selection = parseFields(request.query.fields);
      search ??= deps.resolve.get(AdvancedSearch);
      const answer = unwrap(await search.execute(toInput(request.query)));
      if (request.query.q !== undefined) await record(request, request.query.q, request.query.filters);
      advancedFields.use(reply, selection);
      return {
        status: 'success' as const,
        success: true as const,
        data: {
          products: answer.products.map((v) => selectFields(presentView(v), selection)),
          total: answer.total,
          page: answer.page,
          pages: answer.pages,
          ...(answer.facets !== undefined ? { facets: answer.facets } : {}),
        },
      };
    },
  );
}
