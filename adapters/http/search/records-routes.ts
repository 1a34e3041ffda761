import { Type } from '@fastify/type-provider-typebox';
import {
  ClearSearchHistory,
  DeleteSavedSearch,
  GetPopularSearches,
  GetSearchHistory,
  ListSavedSearches,
  SaveSearch,
} from '../../../application/search/records.js';
import {
  SAVED_SEARCH_FILTERS_MAX_KEYS,
  SAVED_SEARCH_NAME_MAX,
  SAVED_SEARCH_QUERY_MAX,
  SAVED_SEARCHES_PER_USER,
  type HistoryEntry,
  type SavedSearch,
} from '../../../domain/search/records.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, IsoDate, success, Text } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const tags = ['search'];

const Filters = Type.Record(Type.String({ maxLength: 60 }), Type.Unknown(), {
  maxProperties: SAVED_SEARCH_FILTERS_MAX_KEYS,
  description:
    "The search's filters as the client uses them (e.g. the advanced search's), kept as given; at most 2,000 characters as JSON",
});

const SavedSearchSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  query: Type.String(),
  filters: Type.Record(Type.String(), Type.Unknown()),
  createdAt: IsoDate,
});

const HistoryEntrySchema = Type.Object({ query: Type.String(), timestamp: IsoDate });

/** The history answers carry the seed's `success: true` beside the usual `status`. */
const HistoryAnswer = Type.Object({
  success: Type.Literal(true),
  status: Type.Literal('success'),
  message: Type.Optional(Type.String()),
  data: Type.Object({ searchHistory: Type.Array(HistoryEntrySchema) }),
});

function presentSaved(s: SavedSearch) {
  return { id: s.id, name: s.name, query: s.query, filters: s.filters, createdAt: s.createdAt.toISOString() };
}

function presentHistory(entries: readonly HistoryEntry[]) {
  return entries.map((e) => ({ query: e.query, timestamp: e.timestamp.toISOString() }));
}

/**
 * Saved searches and search history (signed in, each shopper their own) and popular searches
 * (public, anonymous counts), under /api/search.
 */
export function registerRecordsRoutes(app: App, deps: HttpRouteDeps): void {
  const { requireAuth } = authHooks(deps.resolve);
  const save = deps.resolve.get(SaveSearch);
  const listSaved = deps.resolve.get(ListSavedSearches);
  const deleteSaved = deps.resolve.get(DeleteSavedSearch);
  const popular = deps.resolve.get(GetPopularSearches);
  const getHistory = deps.resolve.get(GetSearchHistory);
  const clearHistory = deps.resolve.get(ClearSearchHistory);

  app.post(
    '/save',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Save a named search with its filters',
        description:
          `201 with the new saved search; saving a name already used (ignoring case) replaces that search ` +
          `(same id) and answers 200. At most ${SAVED_SEARCHES_PER_USER} per shopper: a new name beyond that ` +
          'answers 409 TOO_MANY_SAVED_SEARCHES.',
        security: bearerAuth,
        body: Type.Object(
          {
            name: Text(SAVED_SEARCH_NAME_MAX, { minLength: 1 }),
            query: Type.Optional(Text(SAVED_SEARCH_QUERY_MAX, { default: '' })),
            filters: Type.Optional(Filters),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success({ savedSearch: SavedSearchSchema }),
          201: success({ savedSearch: SavedSearchSchema }),
          ...errors(400, 401, 409, 429),
        },
      },
    },
    async (request, reply) => {
      const userId = principalOf(request).user.id;
      const body = request.body;
      const r = unwrap(
        await save.execute({
          userId,
          name: body.name,
          query: body.query ?? '',
          ...(body.filters !== undefined ? { filters: body.filters } : {}),
        }),
      );
      reply.status(r.replaced ? 200 : 201);
      return {
        status: 'success' as const,
        message: r.replaced ? 'Saved search replaced' : 'Search saved',
        data: { savedSearch: presentSaved(r.saved) },
      };
    },
  );

  app.get(
    '/saved',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "The shopper's saved searches, newest first",
        security: bearerAuth,
        response: {
          200: success({ savedSearches: Type.Array(SavedSearchSchema) }, { count: Type.Integer() }),
          ...errors(401, 429),
        },
      },
    },
    async (request) => {
      const list = unwrap(await listSaved.execute({ userId: principalOf(request).user.id }));
      return {
        status: 'success' as const,
        count: list.length,
        data: { savedSearches: list.map(presentSaved) },
      };
    },
  );

  app.delete(
    '/saved/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "Delete one of the shopper's saved searches (anyone else's answers 404)",
        security: bearerAuth,
        params: IdParams,
        response: { 200: success({ id: Type.String() }), ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const userId = principalOf(request).user.id;
      unwrap(await deleteSaved.execute({ userId, id: request.params.id }));
      return { status: 'success' as const, message: 'Saved search deleted', data: { id: request.params.id } };
    },
  );

  app.get(
    '/popular',
    {
      schema: {
        tags,
        summary: 'The most searched terms over the last `days` days, from all shoppers (no personal data)',
        description:
          'Terms are counted normalised (trimmed, lower-case, spaces collapsed; blank and one-character ' +
          'searches ignored) per UTC day; `days` counts today. Default window SEARCH_POPULAR_DAYS.',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
            days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success(
            { popular: Type.Array(Type.Object({ term: Type.String(), count: Type.Integer() })) },
            { count: Type.Integer() },
          ),
          ...errors(400, 429),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const terms = unwrap(
        await popular.execute({
          ...(q.limit !== undefined ? { limit: q.limit } : {}),
          ...(q.days !== undefined ? { days: q.days } : {}),
        }),
      );
      return { status: 'success' as const, count: terms.length, data: { popular: terms } };
    },
  );

  app.get(
    '/history',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "The shopper's recent searches, newest first (capped at SEARCH_HISTORY_LIMIT)",
        description:
          'Searches made through GET /api/products?search=, /api/products/search?q= and the advanced search ' +
          'while signed in; the same query again moves to the top.',
        security: bearerAuth,
        response: { 200: HistoryAnswer, ...errors(401, 429) },
      },
    },
    async (request) => {
      const entries = unwrap(await getHistory.execute({ userId: principalOf(request).user.id }));
      return {
        success: true as const,
        status: 'success' as const,
        data: { searchHistory: presentHistory(entries) },
      };
    },
  );

  app.delete(
    '/history',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "Clear the shopper's search history",
        security: bearerAuth,
        response: { 200: HistoryAnswer, ...errors(401, 429) },
      },
    },
    async (request) => {
      unwrap(await clearHistory.execute({ userId: principalOf(request).user.id }));
      return {
        success: true as const,
        status: 'success' as const,
        message: 'Search history cleared',
        data: { searchHistory: [] },
      };
    },
  );
}
