import type { Container } from 'inversify';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { PROMO_CODE_REPOSITORY } from '../../application/promotions/ports.js';
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
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryPromoCodeRepository } from '../../adapters/persistence/memory/promotions-repository.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { MongoPromoCodeRepository } from '../../adapters/persistence/mongo/promotions-repository.js';
import type { Config } from '../config.js';
import { bindClass, bindUseCase } from './bind.js';
import { bindMongoRepositoriesAtStart } from './mongo-repositories.js';

export function bindPromotions(container: Container, config: Config): void {
  if (config.mongo) {
    bindClass(container, PROMO_CODE_REPOSITORY, MongoPromoCodeRepository, [MONGO_CONNECTION]);
    bindMongoRepositoriesAtStart(container, 'promotions', [PROMO_CODE_REPOSITORY]);
  } else {
    bindClass(container, PROMO_CODE_REPOSITORY, MemoryPromoCodeRepository, [MemoryDatabase]);
  }
  bindUseCase(container, PromoEvaluator, [PROMO_CODE_REPOSITORY, ORDER_REPOSITORY, CLOCK]);
  bindUseCase(container, CreatePromoCode, [PROMO_CODE_REPOSITORY, CLOCK, ID_GENERATOR]);
  bindUseCase(container, ListPromoCodes, [PROMO_CODE_REPOSITORY]);
  bindUseCase(container, UpdatePromoCode, [PROMO_CODE_REPOSITORY, CLOCK]);
  bindUseCase(container, DeactivatePromoCode, [PROMO_CODE_REPOSITORY, CLOCK]);
  bindUseCase(container, ValidatePromoCode, [PromoEvaluator, CART_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, ListUserEligiblePromos, [PROMO_CODE_REPOSITORY, PromoEvaluator, CLOCK]);
}
