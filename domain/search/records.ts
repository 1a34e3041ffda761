/**
 * What the search context remembers about searches: a shopper's saved searches and recent
 * searches (personal), and per-day counters of normalised terms across all shoppers (anonymous,
 * for "popular searches"). Pure rules; the stores keep them (application/search/records-ports.ts).
 */

/** How many saved searches one shopper may keep. */
export const SAVED_SEARCHES_PER_USER = 50;
export const SAVED_SEARCH_NAME_MAX = 60;
export const SAVED_SEARCH_QUERY_MAX = 200;
/** A saved search's filters, as JSON, at most this many characters (and keys, and nesting). */
export const SAVED_SEARCH_FILTERS_MAX_CHARS = 2_000;
export const SAVED_SEARCH_FILTERS_MAX_KEYS = 20;
/** A term longer than this is counted cut to it (the product list accepts 100 characters). */
export const SEARCH_TERM_MAX = 100;

export interface SavedSearch {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly query: string;
  /** Free-form filters as the client sent them (bounded JSON object). */
  readonly filters: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

/** One recent search of a shopper. */
export interface HistoryEntry {
  readonly query: string;
  readonly timestamp: Date;
}

/** One term's count on one UTC day (YYYY-MM-DD). */
export interface DailyTermCount {
  readonly term: string;
  readonly day: string;
  readonly count: number;
}

export interface PopularTerm {
  readonly term: string;
  readonly count: number;
}

/**
 * The form a search is counted and remembered under: trimmed, lower-case, inner whitespace
 * collapsed to one space, cut to SEARCH_TERM_MAX. Null for a blank or one-character search.
 */
export function normaliseTerm(query: string): string | null {
  const term = query.trim().toLowerCase().replace(/\s+/g, ' ').slice(0, SEARCH_TERM_MAX).trim();
  return [...term].length < 2 ? null : term;
}

/** Two saved-search names are the same name when equal ignoring case and surrounding spaces. */
export function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export type SaveOutcome =
  | { readonly outcome: 'created' | 'replaced'; readonly saved: SavedSearch; readonly list: SavedSearch[] }
  | { readonly outcome: 'full' };

/**
 * `list` (one user's saved searches) after saving `search`: a search with the same name is
 * replaced in place (it keeps its id, takes the new query, filters and time); a new name is added
 * unless the user already has `cap`. Newest first.
 */
export function withSavedSearch(list: readonly SavedSearch[], search: SavedSearch, cap: number): SaveOutcome {
  const existing = list.find((s) => sameName(s.name, search.name));
  if (existing) {
    const saved: SavedSearch = { ...search, id: existing.id };
    return { outcome: 'replaced', saved, list: newestFirst([saved, ...list.filter((s) => s !== existing)]) };
  }
  if (list.length >= cap) return { outcome: 'full' };
  return { outcome: 'created', saved: search, list: newestFirst([search, ...list]) };
}

/** Newest first; equal times keep their order (a stable sort). */
export function newestFirst<T extends { readonly createdAt: Date }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/**
 * `entries` (newest first) after searching `query` at `at`: the same query (normalised) moves to
 * the top with the new time instead of appearing twice; the oldest fall off beyond `limit`.
 */
export function withHistoryEntry(
  entries: readonly HistoryEntry[],
  entry: HistoryEntry,
  limit: number,
): HistoryEntry[] {
  const key = normaliseTerm(entry.query);
  const rest = entries.filter((e) => normaliseTerm(e.query) !== key);
  return [entry, ...rest].slice(0, Math.max(0, limit));
}

/** The UTC day (YYYY-MM-DD) of an instant: the counters' key. */
export function termDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The first day of a window of `days` days ending with (and including) the day of `now`. */
export function windowStart(now: Date, days: number): string {
  return termDay(new Date(now.getTime() - (days - 1) * 24 * 60 * 60 * 1000));
}

/** The most counted terms over the rows: summed per term, highest first, ties by term. */
export function popularTerms(rows: readonly DailyTermCount[], limit: number): PopularTerm[] {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.term, (totals.get(r.term) ?? 0) + r.count);
  return [...totals]
    .map(([term, count]) => ({ term, count }))
    .sort((a, b) => b.count - a.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    .slice(0, limit);
}
