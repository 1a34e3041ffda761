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
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { SEARCH_INDEX } from '../../application/search/ports.js';
import { CITY_DIRECTORY } from '../../application/location/ports.js';
import { ADVANCED_SEARCH_SETTINGS, AdvancedSearch } from '../../application/search/advanced-search.js';
import { SearchDocuments } from '../../application/search/search-documents.js';
import {
  IndexProductsWhenCatalogChanged,
  IndexProductsWhenOrderPlaced,
  ProductQueue,
  RebuildSearchIndex,
  ReconcileSearchIndex,
} from '../../application/search/handlers.js';
import { SweepSchedule } from './stock-reservations.js';
import { Autocomplete } from '../../application/search/autocomplete.js';
import {
  APP_LOGGER,
  CLOCK,
  ID_GENERATOR,
  STARTUP_TASK,
  type AppLogger,
  type StartupTask,
} from '../../application/shared/ports.js';
import { MiniSearchIndex } from '../../adapters/search/minisearch-index.js';
import type { Config } from '../config.js';
import { bindClass, bindUseCase } from './bind.js';

/**
 * Every SEARCH_RECONCILE_INTERVAL_MS, this instance's index is checked against the catalog (the
 * start-up fill has just built it, so the first check waits one interval).
 */
export class SearchReconcileSchedule extends SweepSchedule {
  readonly name = 'reconcile the search index with the catalog';
  private first = true;

  constructor(
    private readonly reconcile: ReconcileSearchIndex,
    intervalMs: number,
    logger: AppLogger,
  ) {
    super(intervalMs, logger);
  }

  protected async sweep(): Promise<void> {
    if (this.first) {
      this.first = false;
      return;
    }
    const { reread } = await this.reconcile.execute();
    if (reread > 0) this.logger.info('search index reconciled with the catalog', { reread });
  }
}

/** The search context: the index, autocomplete, advanced search, saved/popular/history searches. */
export function bindSearch(container: Container, config: Config): void {
  // The index: in process on every instance, kept current by the catalog notices (REACTIONS).
  bindClass(container, SEARCH_INDEX, MiniSearchIndex, []);
  bindUseCase(container, SearchDocuments, [PRODUCT_REPOSITORY, CATEGORY_REPOSITORY]);
  bindUseCase(container, ProductQueue, []);
  const indexing = [SEARCH_INDEX, SearchDocuments, ProductQueue] as const;
  bindUseCase(container, IndexProductsWhenCatalogChanged, indexing);
  bindUseCase(container, IndexProductsWhenOrderPlaced, indexing);
  bindUseCase(container, RebuildSearchIndex, indexing);
  bindUseCase(container, ReconcileSearchIndex, indexing);
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue(
      (rebuild: RebuildSearchIndex, logger: AppLogger): StartupTask => ({
        name: 'search index: fill from the catalog',
        run: async () => {
          const { indexed } = await rebuild.execute();
          logger.info('search index built', { products: indexed });
        },
      }),
      [RebuildSearchIndex, APP_LOGGER],
    )
    .inSingletonScope();
  container
    .bind(SearchReconcileSchedule)
    .toResolvedValue(
      (reconcile: ReconcileSearchIndex, logger: AppLogger) =>
        new SearchReconcileSchedule(reconcile, config.searchReconcileIntervalMs, logger),
      [ReconcileSearchIndex, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue((schedule: SearchReconcileSchedule) => schedule, [SearchReconcileSchedule]);
  bindUseCase(container, Autocomplete, [SEARCH_INDEX]);
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
  // The advanced search: text from the index, filters / facets / sorts in domain/search.
  container.bind(ADVANCED_SEARCH_SETTINGS).toConstantValue({ nearbyRadiusKm: config.searchNearbyRadiusKm });
  bindUseCase(container, AdvancedSearch, [
    SEARCH_INDEX,
    PRODUCT_REPOSITORY,
    CATEGORY_REPOSITORY,
    CITY_DIRECTORY,
    ADVANCED_SEARCH_SETTINGS,
  ]);
}
