import type {
  SavedSearchStore,
  SearchHistoryStore,
  SearchTermCounts,
} from '../../../application/search/records-ports.js';
import {
  newestFirst,
  withHistoryEntry,
  withSavedSearch,
  type DailyTermCount,
  type HistoryEntry,
  type SavedSearch,
  type SaveOutcome,
} from '../../../domain/search/records.js';
import type { MemoryDatabase } from './memory-database.js';

/** Each user's saved searches as one list in `saved_searches`, keyed by user id. */
export class MemorySavedSearchStore implements SavedSearchStore {
  private readonly rows: Map<string, readonly SavedSearch[]>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<readonly SavedSearch[]>('saved_searches');
  }

  async save(search: SavedSearch, cap: number): Promise<SaveOutcome> {
    const r = withSavedSearch(this.rows.get(search.userId) ?? [], search, cap);
    if (r.outcome !== 'full') this.rows.set(search.userId, r.list);
    return r;
  }

  async list(userId: string): Promise<SavedSearch[]> {
    return newestFirst(this.rows.get(userId) ?? []);
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const list = this.rows.get(userId) ?? [];
    const rest = list.filter((s) => s.id !== id);
    if (rest.length === list.length) return false;
    this.rows.set(userId, rest);
    return true;
  }
}

/** Per-term per-day counters in `search_terms`, keyed `day:term`. */
export class MemorySearchTermCounts implements SearchTermCounts {
  private readonly rows: Map<string, DailyTermCount>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<DailyTermCount>('search_terms');
  }

  async increment(term: string, day: string): Promise<void> {
    const key = `${day}:${term}`;
    this.rows.set(key, { term, day, count: (this.rows.get(key)?.count ?? 0) + 1 });
  }

  async since(fromDay: string): Promise<DailyTermCount[]> {
    return [...this.rows.values()].filter((r) => r.day >= fromDay);
  }
}

/** Each user's recent searches as one list in `search_history`, keyed by user id. */
export class MemorySearchHistoryStore implements SearchHistoryStore {
  private readonly rows: Map<string, readonly HistoryEntry[]>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<readonly HistoryEntry[]>('search_history');
  }

  async append(userId: string, entry: HistoryEntry, limit: number): Promise<void> {
    this.rows.set(userId, withHistoryEntry(this.rows.get(userId) ?? [], entry, limit));
  }

  async list(userId: string): Promise<HistoryEntry[]> {
    return [...(this.rows.get(userId) ?? [])];
  }

  async clear(userId: string): Promise<void> {
    this.rows.delete(userId);
  }
}
