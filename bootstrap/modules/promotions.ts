import type { Container } from 'inversify';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
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
import { CLOCK, ID_GENERATOR } from '../../application/shared/ports.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

export function bindPromotions(container: Container, _config: Config): void {
  bindUseCase(container, PromoEvaluator, [PROMO_CODE_REPOSITORY, CUSTOMER_ORDER_HISTORY, CLOCK]);
  bindUseCase(container, CreatePromoCode, [PROMO_CODE_REPOSITORY, CLOCK, ID_GENERATOR]);
  bindUseCase(container, ListPromoCodes, [PROMO_CODE_REPOSITORY]);
  bindUseCase(container, UpdatePromoCode, [PROMO_CODE_REPOSITORY, CLOCK]);
  bindUseCase(container, DeactivatePromoCode, [PROMO_CODE_REPOSITORY, CLOCK]);
  bindUseCase(container, ValidatePromoCode, [PromoEvaluator, CART_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, ListUserEligiblePromos, [PROMO_CODE_REPOSITORY, PromoEvaluator, CLOCK]);
}
