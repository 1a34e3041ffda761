import { token } from '../shared/token.js';
import type { DailyTermCount, HistoryEntry, SavedSearch, SaveOutcome } from '../../domain/search/records.js';

/** Shoppers' saved searches. */
export interface SavedSearchStore {
  /**
   * Saves `search` for its user by the rule of `withSavedSearch` (same name replaces; a new name
   * only below `cap`), atomically: parallel saves of one user never exceed `cap`.
   */
  save(search: SavedSearch, cap: number): Promise<SaveOutcome>;
  /** The user's saved searches, newest first. */
  list(userId: string): Promise<SavedSearch[]>;
  /** Removes the user's saved search `id`; false when that user has none with that id. */
  remove(userId: string, id: string): Promise<boolean>;
}
export const SAVED_SEARCH_STORE = token<SavedSearchStore>('SavedSearchStore');

/** Anonymous per-day counters of normalised search terms (no user, no time beyond the day). */
export interface SearchTermCounts {
  /** Adds one search of `term` on `day` (YYYY-MM-DD); concurrent increments all count. */
  increment(term: string, day: string): Promise<void>;
  /** Every counter with day >= `fromDay`. */
  since(fromDay: string): Promise<DailyTermCount[]>;
}
export const SEARCH_TERM_COUNTS = token<SearchTermCounts>('SearchTermCounts');

/** Each shopper's recent searches. */
export interface SearchHistoryStore {
  /**
   * Adds `entry` to the user's history by the rule of `withHistoryEntry` (the same query moves to
   * the top; at most `limit` kept), atomically: parallel appends all land and the cap holds.
   */
  append(userId: string, entry: HistoryEntry, limit: number): Promise<void>;
  /** Newest first. */
  list(userId: string): Promise<HistoryEntry[]>;
  clear(userId: string): Promise<void>;
}
export const SEARCH_HISTORY_STORE = token<SearchHistoryStore>('SearchHistoryStore');

/** What the recorded searches need from configuration. */
export interface SearchRecordSettings {
  /** Recent searches kept per shopper (SEARCH_HISTORY_LIMIT). */
  readonly historyLimit: number;
  /** The default window of popular searches, in days (SEARCH_POPULAR_DAYS). */
  readonly popularDays: number;
}
export const SEARCH_RECORD_SETTINGS = token<SearchRecordSettings>('SearchRecordSettings');
