import type { Container } from 'inversify';
import {
  ANALYTICS_QUERIES,
  ANALYTICS_SETTINGS,
  type AnalyticsSettings,
} from '../../application/analytics/ports.js';
import { AnalyticsReports } from '../../application/analytics/reports.js';
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { CLOCK } from '../../application/shared/ports.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

/** Business analytics (/api/analytics/*, admin); the queries' adapter is a PERSISTENCE row. */
export function bindAnalytics(container: Container, config: Config): void {
  container
    .bind<AnalyticsSettings>(ANALYTICS_SETTINGS)
    .toConstantValue({ timeZone: config.delivery.timeZone });
  bindUseCase(container, AnalyticsReports, [
    ANALYTICS_QUERIES,
    PRODUCT_REPOSITORY,
    CATEGORY_REPOSITORY,
    ORDER_REPOSITORY,
    CLOCK,
    ANALYTICS_SETTINGS,
  ]);
}
