import type { Container } from 'inversify';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import {
  AddToCart,
  ApplyPromoToCart,
  ClearCart,
  GetCart,
  RemoveCartItem,
  RemovePromoFromCart,
  UpdateCartItem,
} from '../../application/cart/use-cases.js';
import { PromoEvaluator } from '../../application/promotions/use-cases.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { CLOCK, ID_GENERATOR } from '../../application/shared/ports.js';
import { MemoryCartRepository } from '../../adapters/persistence/memory/cart-repository.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { MongoCartRepository } from '../../adapters/persistence/mongo/cart-repository.js';
import { bindMongoRepositoriesAtStart } from './mongo-repositories.js';
import type { Config } from '../config.js';
import { bindClass, bindUseCase } from './bind.js';

export function bindCart(container: Container, config: Config): void {
  if (config.mongo) {
    bindClass(container, CART_REPOSITORY, MongoCartRepository, [MONGO_CONNECTION]);
    bindMongoRepositoriesAtStart(container, 'cart', [CART_REPOSITORY]);
  } else {
    bindClass(container, CART_REPOSITORY, MemoryCartRepository, [MemoryDatabase]);
  }
  const deps = [CART_REPOSITORY, PRODUCT_REPOSITORY, CLOCK, ID_GENERATOR, PromoEvaluator] as const;
  bindUseCase(container, GetCart, deps);
  bindUseCase(container, AddToCart, deps);
  bindUseCase(container, UpdateCartItem, deps);
  bindUseCase(container, RemoveCartItem, deps);
  bindUseCase(container, ClearCart, deps);
  bindUseCase(container, ApplyPromoToCart, deps);
  bindUseCase(container, RemovePromoFromCart, deps);
}
