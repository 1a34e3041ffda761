import type { Container } from 'inversify';
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import {
  PRODUCT_VIEWS,
  RECOMMENDATION_MODELS,
  type RecommendationModels,
} from '../../application/discovery/ports.js';
import { SERVED_MODEL_SETTINGS, ServedModel } from '../../application/discovery/served-model.js';
import { SynthesizeOrderHistory } from '../../application/discovery/synthesize-history.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import { CITY_DIRECTORY } from '../../application/location/ports.js';
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
export function bindDiscovery(container: Container, config: Config): void {
  // The model store is a persistence row; until one is bound, serve without a model (the rules).
  if (!container.isBound(RECOMMENDATION_MODELS)) {
    container.bind<RecommendationModels>(RECOMMENDATION_MODELS).toConstantValue({
      save: () => Promise.reject(new Error('no recommendation model store bound')),
      latest: () => Promise.resolve(null),
      latestVersion: () => Promise.resolve(0),
      list: () => Promise.resolve([]),
    });
  }
  container.bind(SERVED_MODEL_SETTINGS).toConstantValue(config.servedModel);
  bindUseCase(container, ServedModel, [RECOMMENDATION_MODELS, CLOCK, SERVED_MODEL_SETTINGS]);
  bindUseCase(container, RecordProductView, [PRODUCT_VIEWS, CLOCK]);
  bindUseCase(container, GetRelatedProducts, [
    PRODUCT_REPOSITORY,
    CATEGORY_REPOSITORY,
    ORDER_REPOSITORY,
    ServedModel,
  ]);
  bindUseCase(container, GetTrendingProducts, [
    PRODUCT_REPOSITORY,
    CATEGORY_REPOSITORY,
    ORDER_REPOSITORY,
    PRODUCT_VIEWS,
    CLOCK,
    ServedModel,
  ]);
  bindUseCase(container, GetRecommendations, [
    PRODUCT_REPOSITORY,
    CATEGORY_REPOSITORY,
    ORDER_REPOSITORY,
    WISHLIST_REPOSITORY,
    CLOCK,
    ServedModel,
  ]);
  bindUseCase(container, SynthesizeOrderHistory, [
    PRODUCT_REPOSITORY,
    USER_REPOSITORY,
    ORDER_REPOSITORY,
    WISHLIST_REPOSITORY,
    PRODUCT_VIEWS,
    CITY_DIRECTORY,
    CLOCK,
  ]);
}
