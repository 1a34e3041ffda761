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
import type { RecommendationModel } from '../../domain/discovery/model.js';
import { bindUseCase } from './bind.js';

/** Related, trending and recommended products, and the product view counters they use. */
export function bindDiscovery(container: Container, config: Config): void {
  // The model store is a row of the persistence table (training's work); until one is bound, an
  // in-process list stands in, so this module wires and serves on its own (no model: the rules).
  if (!container.isBound(RECOMMENDATION_MODELS)) {
    const models: RecommendationModel[] = [];
    const newestFirst = () => [...models].sort((a, b) => b.version - a.version);
    container.bind<RecommendationModels>(RECOMMENDATION_MODELS).toConstantValue({
      save: async (m) => void (models.some((x) => x.version === m.version) || models.push(m)),
      latest: async () => newestFirst()[0] ?? null,
      latestVersion: async () => newestFirst()[0]?.version ?? 0,
      list: async (limit) =>
        newestFirst()
          .slice(0, limit)
          .map(({ neighbours: _n, popular: _p, ...rest }) => rest),
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
