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
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

export function bindReviews(container: Container, config: Config): void {
  container.bind(REVIEW_REPORT_POLICY).toConstantValue(config.reviewReports);
  bindUseCase(container, RecomputeProductRatings, [
    REVIEW_REPOSITORY,
    PRODUCT_REPOSITORY,
    CLOCK,
    ID_GENERATOR,
    EVENT_BUS,
  ]);
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
