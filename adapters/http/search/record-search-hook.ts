import type { FastifyRequest } from 'fastify';
import { RecordSearch } from '../../../application/search/record-search.js';
import { authHooks } from '../auth.js';
import type { Resolver } from '../types.js';

/** Records one search made through a public route; never throws (see `searchRecorder`). */
export type SearchRecorder = (request: FastifyRequest, query: string, filters?: unknown) => Promise<void>;

/**
 * For public search routes (the product list's text search, the advanced search): records the
 * search (popular terms; the signed-in shopper's history). The route needs no token, so the
 * bearer token, when one is sent, is read here only when there is a search to record (a bad one
 * is ignored, as on every public route). A failure is swallowed: it never fails the search.
 */
export function searchRecorder(resolve: Resolver): SearchRecorder {
  const { optionalAuth } = authHooks(resolve);
  const record = resolve.get(RecordSearch);
  return async (request, query, filters) => {
    try {
      if (!request.principal) await optionalAuth(request);
      const userId = request.principal?.user.id;
      await record.execute({ query, ...(userId !== undefined ? { userId } : {}), filters });
    } catch (error) {
      request.log.warn({ err: error }, 'search not recorded');
    }
  };
}
