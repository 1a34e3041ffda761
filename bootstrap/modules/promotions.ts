import type { Container } from 'inversify';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { CUSTOMER_ORDER_HISTORY, PROMO_CODE_REPOSITORY } from '../../application/promotions/ports.js';
import {
  CreatePromoCode,
  DeactivatePromoCode,
  ListPromoCodes,
  ListUserEligiblePromos,
  PromoEvaluator,
  UpdatePromoCode,
  ValidatePromoCode,
} from '../../application/promotions/use-cases.js';
import { ReleaseAbandonedRedemptions } from '../../application/promotions/abandoned-redemptions.js';
import {
  APP_LOGGER,
  CLOCK,
  ID_GENERATOR,
  STARTUP_TASK,
  type AppLogger,
  type Clock,
  type StartupTask,
} from '../../application/shared/ports.js';
import type { CustomerOrderHistory, PromoCodeRepository } from '../../application/promotions/ports.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';
import { SweepSchedule } from './stock-reservations.js';

/** The abandoned-redemption sweep on the stock reservation sweeper's schedule (STOCK_SWEEP_INTERVAL_MS). */
export class AbandonedRedemptionSchedule extends SweepSchedule {
  readonly name = 'release abandoned promo redemptions';

  constructor(
    private readonly sweeper: ReleaseAbandonedRedemptions,
    intervalMs: number,
    logger: AppLogger,
  ) {
    super(intervalMs, logger);
  }

  protected async sweep(): Promise<void> {
    const { released } = await this.sweeper.execute();
    if (released > 0) this.logger.info('abandoned promo redemptions released', { released });
  }
}

export function bindPromotions(container: Container, config: Config): void {
  bindUseCase(container, PromoEvaluator, [
    PROMO_CODE_REPOSITORY,
    CUSTOMER_ORDER_HISTORY,
    CLOCK,
    USER_REPOSITORY,
  ]);
  bindUseCase(container, CreatePromoCode, [PROMO_CODE_REPOSITORY, CLOCK, ID_GENERATOR]);
  bindUseCase(container, ListPromoCodes, [PROMO_CODE_REPOSITORY]);
  bindUseCase(container, UpdatePromoCode, [PROMO_CODE_REPOSITORY, CLOCK]);
  bindUseCase(container, DeactivatePromoCode, [PROMO_CODE_REPOSITORY, CLOCK]);
  bindUseCase(container, ValidatePromoCode, [PromoEvaluator, CART_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, ListUserEligiblePromos, [PROMO_CODE_REPOSITORY, PromoEvaluator, CLOCK]);
  // A placement lives at most as long as its stock reservation; after that, a redemption whose
  // order is not stored was abandoned by a dead process.
  container
    .bind(ReleaseAbandonedRedemptions)
    .toResolvedValue(
      (promos: PromoCodeRepository, history: CustomerOrderHistory, clock: Clock) =>
        new ReleaseAbandonedRedemptions(promos, history, clock, {
          abandonAfterMs: config.stockReservation.ttlMs,
        }),
      [PROMO_CODE_REPOSITORY, CUSTOMER_ORDER_HISTORY, CLOCK],
    )
    .inSingletonScope();
  container
    .bind(AbandonedRedemptionSchedule)
    .toResolvedValue(
      (sweeper: ReleaseAbandonedRedemptions, logger: AppLogger) =>
        new AbandonedRedemptionSchedule(sweeper, config.stockReservation.sweepIntervalMs, logger),
      [ReleaseAbandonedRedemptions, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
  container.bind<StartupTask>(STARTUP_TASK).toService(AbandonedRedemptionSchedule);
}
