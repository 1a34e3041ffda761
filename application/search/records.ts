import {
  popularTerms,
  SAVED_SEARCH_FILTERS_MAX_CHARS,
  SAVED_SEARCH_FILTERS_MAX_KEYS,
  SAVED_SEARCH_NAME_MAX,
  SAVED_SEARCH_QUERY_MAX,
  SAVED_SEARCHES_PER_USER,
  windowStart,
  type HistoryEntry,
  type PopularTerm,
  type SavedSearch,
} from '../../domain/search/records.js';
import { domainError, type DomainError, type FieldProblem } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import type {
  SavedSearchStore,
  SearchHistoryStore,
  SearchRecordSettings,
  SearchTermCounts,
} from './records-ports.js';

export interface SaveSearchInput {
  readonly userId: string;
  readonly name: string;
  readonly query: string;
  readonly filters?: Readonly<Record<string, unknown>>;
}

/** Nesting depth of a JSON value (a scalar is 0). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

function filterProblems(filters: unknown): FieldProblem[] {
  if (filters === null || typeof filters !== 'object' || Array.isArray(filters)) {
    return [{ field: 'filters', message: 'filters must be an object' }];
  }
  if (Object.keys(filters).length > SAVED_SEARCH_FILTERS_MAX_KEYS) {
    return [{ field: 'filters', message: `filters may have at most ${SAVED_SEARCH_FILTERS_MAX_KEYS} keys` }];
  }
  if (depthOf(filters) > 4) return [{ field: 'filters', message: 'filters may nest at most 4 levels' }];
  if (JSON.stringify(filters).length > SAVED_SEARCH_FILTERS_MAX_CHARS) {
    return [
      {
        field: 'filters',
        message: `filters may take at most ${SAVED_SEARCH_FILTERS_MAX_CHARS} characters as JSON`,
      },
    ];
  }
  return [];
}

/**
 * Saves a named search with its filters for the signed-in shopper. Saving a name the shopper
 * already uses (ignoring case) replaces that saved search; a new name beyond
 * SAVED_SEARCHES_PER_USER answers TOO_MANY_SAVED_SEARCHES.
 */
export class SaveSearch {
  constructor(
    private readonly store: SavedSearchStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(
    input: SaveSearchInput,
  ): Promise<Result<{ saved: SavedSearch; replaced: boolean }, DomainError>> {
    const name = input.name.trim();
    const query = input.query.trim();
    const problems: FieldProblem[] = [];
    if (name.length < 1 || name.length > SAVED_SEARCH_NAME_MAX) {
      problems.push({ field: 'name', message: `name must be 1 to ${SAVED_SEARCH_NAME_MAX} characters` });
    }
    if (query.length > SAVED_SEARCH_QUERY_MAX) {
      problems.push({
        field: 'query',
        message: `query must be at most ${SAVED_SEARCH_QUERY_MAX} characters`,
      });
    }
    const filters = input.filters ?? {};
    problems.push(...filterProblems(filters));
    if (problems.length > 0) {
      return Err(domainError('VALIDATION_FAILED', problems[0]!.message, { errors: problems }));
    }
    const search: SavedSearch = {
      id: this.ids.next(),
      userId: input.userId,
      name,
      query,
      filters,
      createdAt: this.clock.now(),
    };
    const r = await this.store.save(search, SAVED_SEARCHES_PER_USER);
    if (r.outcome === 'full') {
      return Err(
        domainError(
          'TOO_MANY_SAVED_SEARCHES',
          `You can keep at most ${SAVED_SEARCHES_PER_USER} saved searches; delete one first`,
          { limit: SAVED_SEARCHES_PER_USER },
        ),
      );
    }
    return Ok({ saved: r.saved, replaced: r.outcome === 'replaced' });
  }
}

export class ListSavedSearches {
  constructor(private readonly store: SavedSearchStore) {}

  async execute(input: { userId: string }): Promise<Result<SavedSearch[], DomainError>> {
    return Ok(await this.store.list(input.userId));
  }
}

/** Deletes one of the shopper's own saved searches; anyone else's (or none) is SAVED_SEARCH_NOT_FOUND. */
export class DeleteSavedSearch {
  constructor(private readonly store: SavedSearchStore) {}

  async execute(input: { userId: string; id: string }): Promise<Result<void, DomainError>> {
    if (!(await this.store.remove(input.userId, input.id))) {
      return Err(domainError('SAVED_SEARCH_NOT_FOUND', 'Saved search not found'));
    }
    return Ok(undefined);
  }
}

/** The most searched terms over the last `days` days (today included), from every shopper. */
export class GetPopularSearches {
  constructor(
    private readonly counts: SearchTermCounts,
    private readonly settings: SearchRecordSettings,
    private readonly clock: Clock,
  ) {}

  async execute(input: { limit?: number; days?: number }): Promise<Result<PopularTerm[], DomainError>> {
    const days = input.days ?? this.settings.popularDays;
    const limit = input.limit ?? 10;
    if (!Number.isInteger(days) || days < 1 || days > 365) {
      return Err(domainError('VALIDATION_FAILED', 'days must be a whole number from 1 to 365'));
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
      return Err(domainError('VALIDATION_FAILED', 'limit must be a whole number from 1 to 50'));
    }
    const rows = await this.counts.since(windowStart(this.clock.now(), days));
    return Ok(popularTerms(rows, limit));
  }
}

/** Newest first, at most the configured limit (a history kept under a higher limit is cut here). */
export class GetSearchHistory {
  constructor(
    private readonly history: SearchHistoryStore,
    private readonly settings: SearchRecordSettings,
  ) {}

  async execute(input: { userId: string }): Promise<Result<HistoryEntry[], DomainError>> {
    return Ok((await this.history.list(input.userId)).slice(0, this.settings.historyLimit));
  }
}

export class ClearSearchHistory {
  constructor(private readonly history: SearchHistoryStore) {}

  async execute(input: { userId: string }): Promise<Result<void, DomainError>> {
    await this.history.clear(input.userId);
    return Ok(undefined);
  }
}
