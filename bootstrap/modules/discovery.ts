import type { Container } from 'inversify';
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { PRODUCT_VIEWS, RECOMMENDATION_MODELS } from '../../application/discovery/ports.js';
import { RECOMMENDATION_SETTINGS } from '../../application/discovery/settings.js';
import {
  GetTraining,
  ListRecommendationModels,
  StartTraining,
  TrainRecommendationModel,
  TrainRecommendationModelJob,
} from '../../application/discovery/train-model.js';
import { JOB_QUEUE } from '../../application/shared/job-queue.js';
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
import { APP_LOGGER, CLOCK } from '../../application/shared/ports.js';
import { WISHLIST_REPOSITORY } from '../../application/wishlist/ports.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

/** Related, trending and recommended products, and the product view counters they use. */
export function bindDiscovery(container: Container, config: Config): void {
  container.bind(RECOMMENDATION_SETTINGS).toConstantValue(config.recommendations);
  // Training the model (queue `recommendations`, see PROCESSORS) and its admin routes.
  bindUseCase(container, TrainRecommendationModel, [
    PRODUCT_REPOSITORY,
    ORDER_REPOSITORY,
    USER_REPOSITORY,
    PRODUCT_VIEWS,
    RECOMMENDATION_MODELS,
    RECOMMENDATION_SETTINGS,
    CLOCK,
    APP_LOGGER,
  ]);
  bindUseCase(container, TrainRecommendationModelJob, [TrainRecommendationModel]);
  bindUseCase(container, StartTraining, [TrainRecommendationModel, JOB_QUEUE]);
  bindUseCase(container, GetTraining, [JOB_QUEUE, RECOMMENDATION_MODELS, RECOMMENDATION_SETTINGS]);
  bindUseCase(container, ListRecommendationModels, [RECOMMENDATION_MODELS, RECOMMENDATION_SETTINGS]);
  // The model every instance serves: the newest stored version (checked every refresh delay).
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
