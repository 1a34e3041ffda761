import type { Container } from 'inversify';
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { PRODUCT_VIEWS } from '../../application/discovery/ports.js';
import {
  GetRecommendations,
  GetRelatedProducts,
  GetTrendingProducts,
  RecordProductView,
} from '../../application/discovery/use-cases.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { CLOCK } from '../../application/shared/ports.js';
import { WISHLIST_REPOSITORY } from '../../application/wishlist/ports.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

/** Related, trending and recommended products, and the product view counters they use. */
export function bindDiscovery(container: Container, _config: Config): void {
  bindUseCase(container, RecordProductView, [PRODUCT_VIEWS, CLOCK]);
  bindUseCase(container, GetRelatedProducts, [PRODUCT_REPOSITORY, CATEGORY_REPOSITORY, ORDER_REPOSITORY]);
  bindUseCase(container, GetTrendingProducts, [
    PRODUCT_REPOSITORY,
    CATEGORY_REPOSITORY,
    ORDER_REPOSITORY,
    PRODUCT_VIEWS,
    CLOCK,
  ]);
  bindUseCase(container, GetRecommendations, [
    PRODUCT_REPOSITORY,
    CATEGORY_REPOSITORY,
    ORDER_REPOSITORY,
    WISHLIST_REPOSITORY,
    CLOCK,
  ]);
}
