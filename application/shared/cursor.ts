import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { Page } from './ports.js';

/**
 * Cursor (keyset) pagination, shared by every list that offers it beside page/limit.
 *
 * A listing's order is a `KeysetOrder`: sort keys, each with a direction, always followed by the
 * id ascending as the tie-break, so the order is total. A page answers the items strictly after a
 * `CursorPosition` (the last item's key values and id): an item inserted before that position
 * does not shift the next page, and equal sort keys are split by the id, never repeated or lost.
 * Repositories implement it over this one definition (memory: `keysetPage`; Mongo: the `$or`
 * range filter in adapters/persistence/mongo/keyset.ts); use cases encode the position into an
 * opaque cursor bound to the listing's sort and filters (`encodeCursor` / `decodeCursor`).
 */

/** A sort key's value as carried by a cursor (dates as epoch milliseconds). */
export type CursorValue = number | string;

export interface SortKey<T> {
  /** The stored field (Mongo path) this key sorts on. */
  readonly path: string;
  readonly dir: 1 | -1;
  /** `date`: the field is a Date, carried as epoch milliseconds. */
  readonly kind: 'number' | 'string' | 'date';
  readonly value: (item: T) => CursorValue;
}

/**
 * The sort keys of a listing; the id ascending always follows as the tie-break. A listing whose
 * ties go by id descending ends its keys with `idDescending` (the id is then a key, and unique).
 */
export type KeysetOrder<T> = readonly SortKey<T>[];

/** The last key of an order whose ties go newest id first. */
export function idDescending<T extends { readonly id: string }>(): SortKey<T> {
  return { path: '_id', dir: -1, kind: 'string', value: (item) => item.id };
}

/** Where a page ends: the last item's sort key values (in the order's order) and its id. */
export interface CursorPosition {
  readonly values: readonly CursorValue[];
  readonly id: string;
}

/** What a repository's cursor method is asked: the items after `after` (from the start when null). */
export interface CursorRequest {
  readonly after: CursorPosition | null;
  /** At least 1. */
  readonly limit: number;
}

/** One cursor page: `next` is the position to continue from, null when nothing follows. */
export interface CursorPage<T> {
  readonly items: T[];
  readonly next: CursorPosition | null;
  /** How many items the listing holds in all (every page). */
  readonly total: number;
}

export function positionOf<T extends { readonly id: string }>(
  order: KeysetOrder<T>,
  item: T,
): CursorPosition {
  return { values: order.map((k) => k.value(item)), id: item.id };
}

function compareValues(a: CursorValue, b: CursorValue): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The listing order of two positions (negative: `a` comes first). */
export function comparePositions<T>(order: KeysetOrder<T>, a: CursorPosition, b: CursorPosition): number {
  for (let i = 0; i < order.length; i++) {
    const c = compareValues(a.values[i]!, b.values[i]!) * order[i]!.dir;
    if (c !== 0) return c;
  }
  return compareValues(a.id, b.id);
}

/** The memory adapters' cursor page: `items` are the matching items in any order. */
export function keysetPage<T extends { readonly id: string }>(
  items: Iterable<T>,
  order: KeysetOrder<T>,
  request: CursorRequest,
): CursorPage<T> {
  const after = request.after;
  const all = [...items];
  const positioned = all
    .map((item) => ({ item, at: positionOf(order, item) }))
    .filter((p) => after === null || comparePositions(order, p.at, after) > 0)
    .sort((a, b) => comparePositions(order, a.at, b.at));
  return pageFrom(
    positioned.slice(0, request.limit + 1).map((p) => p.item),
    order,
    request.limit,
    all.length,
  );
}

/** A page from up to `limit + 1` items in listing order (the extra one only says more follow). */
export function pageFrom<T extends { readonly id: string }>(
  fetched: readonly T[],
  order: KeysetOrder<T>,
  limit: number,
  total: number,
): CursorPage<T> {
  const items = fetched.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: fetched.length > limit && last ? positionOf(order, last) : null, total };
}

// --- the opaque cursor --------------------------------------------------------------------------

/** The first byte of every cursor; bump it when the layout changes (older cursors then answer 400). */
const CURSOR_VERSION = 1;
const MAX_CURSOR_LENGTH = 512;

export const invalidCursor = (reason: string): DomainError =>
  domainError('INVALID_CURSOR', `Invalid cursor: ${reason}`);

/** FNV-1a (32 bits) of a string: a cheap fingerprint (not a secret: cursors carry nothing private). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The scope a cursor is valid for: a fingerprint of the listing's name, sort and filters (in a
 * stable key order). A cursor decoded under another scope is refused.
 */
export function cursorScope(listing: string, parts: Record<string, unknown>): string {
  const stable = JSON.stringify(
    Object.keys(parts)
      .sort()
      .filter((k) => parts[k] !== undefined)
      .map((k) => [k, parts[k] instanceof Date ? (parts[k] as Date).getTime() : parts[k]]),
  );
  return `${listing}:${fnv1a(stable).toString(36)}`;
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return null;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The opaque cursor for `position` within `scope`: base64url of a version byte, the JSON
 * `[scope, values, id]` and a checksum over both (so an edited cursor is refused, not misread).
 */
export function encodeCursor(scope: string, position: CursorPosition): string {
  const body = String.fromCharCode(CURSOR_VERSION) + JSON.stringify([scope, position.values, position.id]);
  return toBase64Url(body + fnv1a(body).toString(36).padStart(7, '0'));
}

/** The position a cursor names, if it is intact, of this version, and made for `scope` and `order`. */
export function decodeCursor<T>(
  cursor: string,
  scope: string,
  order: KeysetOrder<T>,
): Result<CursorPosition, DomainError> {
  if (cursor.length > MAX_CURSOR_LENGTH) return Err(invalidCursor('too long'));
  const text = fromBase64Url(cursor);
  if (text === null || text.length < 8) return Err(invalidCursor('not a cursor'));
  const body = text.slice(0, -7);
  if (fnv1a(body).toString(36).padStart(7, '0') !== text.slice(-7)) return Err(invalidCursor('damaged'));
  if (body.charCodeAt(0) !== CURSOR_VERSION) return Err(invalidCursor('made by another version'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.slice(1));
  } catch {
    return Err(invalidCursor('not a cursor'));
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return Err(invalidCursor('not a cursor'));
  const [madeFor, values, id] = parsed as unknown[];
  if (madeFor !== scope) return Err(invalidCursor('made for another sort or filter'));
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) return Err(invalidCursor('not a cursor'));
  if (!Array.isArray(values) || values.length !== order.length) return Err(invalidCursor('not a cursor'));
  for (let i = 0; i < order.length; i++) {
    const v: unknown = values[i];
    const ok =
      order[i]!.kind === 'string' ? typeof v === 'string' : typeof v === 'number' && Number.isFinite(v);
    if (!ok) return Err(invalidCursor('not a cursor'));
  }
  return Ok({ values: values as CursorValue[], id });
}

/** `page` and `cursor` name two different ways through a list: a request names one. */
export function pagingConflict(input: { page?: number; cursor?: string }): DomainError | null {
  return input.page !== undefined && input.cursor !== undefined
    ? domainError('VALIDATION_FAILED', 'page and cursor cannot be used together', {
        errors: [{ field: 'cursor', message: 'page and cursor cannot be used together' }],
      })
    : null;
}

/**
 * A list use case's answer: a numbered page (page/limit), or a cursor page, which has
 * `nextCursor` (null at the end) and `page` 0 (cursor pages are not numbered).
 */
export interface ListingPage<T> extends Page<T> {
  readonly nextCursor?: string | null;
}

/**
 * The repository request for `cursor` (the empty cursor starts at the beginning) in `scope`:
 * INVALID_CURSOR when it is damaged or was made for another scope.
 */
export function cursorRequest<T>(
  cursor: string,
  scope: string,
  order: KeysetOrder<T>,
  limit: number,
): Result<CursorRequest, DomainError> {
  if (cursor === '') return Ok({ after: null, limit });
  return decodeCursor(cursor, scope, order).map((after) => ({ after, limit }));
}

/** The listing answer of a cursor page, its items mapped (e.g. joined with their categories). */
export function cursorListing<T, U>(
  page: CursorPage<T>,
  items: readonly U[],
  scope: string,
  limit: number,
): ListingPage<U> {
  return {
    items,
    total: page.total,
    page: 0,
    limit,
    nextCursor: page.next === null ? null : encodeCursor(scope, page.next),
  };
}
