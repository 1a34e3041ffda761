import type { Container } from 'inversify';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import { REVIEW_REPORT_POLICY, REVIEW_REPOSITORY } from '../../application/reviews/ports.js';
import {
  CreateReview,
  DeleteReview,
  ListProductReviews,
  ListReviewsByStatus,
  ModerateReview,
  RecomputeProductRatings,
  ReportReview,
  UpdateReview,
  VoteReviewHelpful,
} from '../../application/reviews/use-cases.js';
import { CLOCK, EVENT_BUS, ID_GENERATOR } from '../../application/shared/ports.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryReviewRepository } from '../../adapters/persistence/memory/reviews-repository.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { MongoReviewRepository } from '../../adapters/persistence/mongo/reviews-repository.js';
import type { Config } from '../config.js';
import { bindClass, bindUseCase } from './bind.js';
import { bindMongoRepositoriesAtStart } from './mongo-repositories.js';

export function bindReviews(container: Container, config: Config): void {
  if (config.mongo) {
    bindClass(container, REVIEW_REPOSITORY, MongoReviewRepository, [MONGO_CONNECTION]);
    bindMongoRepositoriesAtStart(container, 'reviews', [REVIEW_REPOSITORY]);
  } else {
    bindClass(container, REVIEW_REPOSITORY, MemoryReviewRepository, [MemoryDatabase]);
  }
  container.bind(REVIEW_REPORT_POLICY).toConstantValue(config.reviewReports);
  bindUseCase(container, RecomputeProductRatings, [REVIEW_REPOSITORY, PRODUCT_REPOSITORY, CLOCK, EVENT_BUS]);
  bindUseCase(container, CreateReview, [
    REVIEW_REPOSITORY,
    PRODUCT_REPOSITORY,
    ORDER_REPOSITORY,
    CLOCK,
    ID_GENERATOR,
  ]);
  bindUseCase(container, ListProductReviews, [REVIEW_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, UpdateReview, [REVIEW_REPOSITORY, RecomputeProductRatings, CLOCK]);
  bindUseCase(container, DeleteReview, [REVIEW_REPOSITORY, RecomputeProductRatings]);
  bindUseCase(container, VoteReviewHelpful, [REVIEW_REPOSITORY]);
  bindUseCase(container, ReportReview, [
    REVIEW_REPOSITORY,
    RecomputeProductRatings,
    USER_REPOSITORY,
    ORDER_REPOSITORY,
    CLOCK,
    REVIEW_REPORT_POLICY,
  ]);
  bindUseCase(container, ListReviewsByStatus, [REVIEW_REPOSITORY]);
  bindUseCase(container, ModerateReview, [REVIEW_REPOSITORY, RecomputeProductRatings, CLOCK]);
}
