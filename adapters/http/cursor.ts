import { Type } from '@fastify/type-provider-typebox';
import type { ListingPage } from '../../application/shared/cursor.js';

/**
 * Cursor pagination on the wire, beside page/limit (application/shared/cursor.ts): the query's
 * `cursor` ('' starts at the beginning, then each answer's `nextCursor`), refused with `page`;
 * the answer's `nextCursor` (null on the last page), present only when a cursor was sent, so the
 * page/limit answers stay exactly as they were.
 */
export const CursorQueryProps = {
  cursor: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_-]*$',
      maxLength: 512,
      description:
        "Cursor paging instead of page: empty for the first page, then the previous answer's nextCursor (not with page)",
    }),
  ),
};

export const NextCursorProps = {
  nextCursor: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: 'Cursor mode only: pass it as `cursor` for the next page; null on the last page',
    }),
  ),
};

/** `nextCursor` for the answer, when the page is a cursor page. */
export function nextCursorOf(page: ListingPage<unknown>): { nextCursor?: string | null } {
  return page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {};
}

/**
 * The `pagination` object of a list answer: numbered pages as before; a cursor page reports its
 * limit and the total with `page` 0 and no next/prev (follow `nextCursor`).
 */
export function listingPagination(page: ListingPage<unknown>) {
  const pages = page.limit > 0 ? Math.ceil(page.total / page.limit) : 0;
  if (page.nextCursor !== undefined) return { page: 0, limit: page.limit, total: page.total, pages };
  return {
    page: page.page,
    limit: page.limit,
    total: page.total,
    pages,
    ...(page.page < pages ? { next: { page: page.page + 1, limit: page.limit } } : {}),
    ...(page.page > 1 ? { prev: { page: page.page - 1, limit: page.limit } } : {}),
  };
}
