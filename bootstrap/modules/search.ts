import type { Container } from 'inversify';
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { CITY_DIRECTORY } from '../../application/location/ports.js';
import { ADVANCED_SEARCH_SETTINGS, AdvancedSearch } from '../../application/search/advanced-search.js';
import { SEARCH_INDEX } from '../../application/search/ports.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

/** The search context: the index, autocomplete, advanced search, saved/popular/history searches. */
export function bindSearch(container: Container, config: Config): void {
  container.bind(ADVANCED_SEARCH_SETTINGS).toConstantValue({ nearbyRadiusKm: config.searchNearbyRadiusKm });
  bindUseCase(container, AdvancedSearch, [
    SEARCH_INDEX,
    PRODUCT_REPOSITORY,
    CATEGORY_REPOSITORY,
    CITY_DIRECTORY,
    ADVANCED_SEARCH_SETTINGS,
  ]);
}
