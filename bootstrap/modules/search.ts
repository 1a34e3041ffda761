import type { Container } from 'inversify';
import { RecordSearch } from '../../application/search/record-search.js';
import {
  ClearSearchHistory,
  DeleteSavedSearch,
  GetPopularSearches,
  GetSearchHistory,
  ListSavedSearches,
  SaveSearch,
} from '../../application/search/records.js';
import {
  SAVED_SEARCH_STORE,
  SEARCH_HISTORY_STORE,
  SEARCH_RECORD_SETTINGS,
  SEARCH_TERM_COUNTS,
} from '../../application/search/records-ports.js';
import { APP_LOGGER, CLOCK, ID_GENERATOR } from '../../application/shared/ports.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

/** The search context: the index, autocomplete, advanced search, saved/popular/history searches. */
export function bindSearch(container: Container, config: Config): void {
  // Recorded searches: saved, popular, history (stores in the PERSISTENCE table).
  container.bind(SEARCH_RECORD_SETTINGS).toConstantValue(config.searchRecords);
  bindUseCase(container, RecordSearch, [
    SEARCH_TERM_COUNTS,
    SEARCH_HISTORY_STORE,
    SEARCH_RECORD_SETTINGS,
    CLOCK,
    APP_LOGGER,
  ]);
  bindUseCase(container, SaveSearch, [SAVED_SEARCH_STORE, CLOCK, ID_GENERATOR]);
  bindUseCase(container, ListSavedSearches, [SAVED_SEARCH_STORE]);
  bindUseCase(container, DeleteSavedSearch, [SAVED_SEARCH_STORE]);
  bindUseCase(container, GetPopularSearches, [SEARCH_TERM_COUNTS, SEARCH_RECORD_SETTINGS, CLOCK]);
  bindUseCase(container, GetSearchHistory, [SEARCH_HISTORY_STORE, SEARCH_RECORD_SETTINGS]);
  bindUseCase(container, ClearSearchHistory, [SEARCH_HISTORY_STORE]);
}
