import type { Container } from 'inversify';
import type { Config } from '../config.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryOrderRepository } from '../../adapters/persistence/memory/ordering-order-repository.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { MongoOrderRepository } from '../../adapters/persistence/mongo/ordering-order-repository.js';
import { bindMongoRepositoriesAtStart } from './mongo-repositories.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { PlaceOrder } from '../../application/ordering/place-order.js';
import { PROMO_CODE_REPOSITORY } from '../../application/promotions/ports.js';
import { PromoEvaluator } from '../../application/promotions/use-cases.js';
import { GetOrder, ListAllOrders, ListMyOrders } from '../../application/ordering/queries.js';
import { CancelOrder } from '../../application/ordering/cancel-order.js';
import { ChangeOrderStatus } from '../../application/ordering/change-order-status.js';
import { SalesAnalytics } from '../../application/ordering/sales-analytics.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import { APP_LOGGER, CLOCK, EVENT_BUS, ID_GENERATOR, RANDOM_SOURCE } from '../../application/shared/ports.js';
import { bindClass, bindUseCase } from './bind.js';
import { bindStockReservations } from './stock-reservations.js';
import { STOCK_RESERVATION_POLICY, STOCK_RESERVATION_REPOSITORY } from '../../application/ordering/ports.js';

export function bindOrdering(container: Container, config: Config): void {
  if (config.mongo) {
    bindClass(container, ORDER_REPOSITORY, MongoOrderRepository, [MONGO_CONNECTION]);
    bindMongoRepositoriesAtStart(container, 'ordering', [ORDER_REPOSITORY]);
  } else {
    bindClass(container, ORDER_REPOSITORY, MemoryOrderRepository, [MemoryDatabase]);
  }

  bindUseCase(container, PlaceOrder, [
    ORDER_REPOSITORY,
    PRODUCT_REPOSITORY,
    CART_REPOSITORY,
    CLOCK,
    ID_GENERATOR,
    RANDOM_SOURCE,
    EVENT_BUS,
    APP_LOGGER,
    STOCK_RESERVATION_REPOSITORY,
    STOCK_RESERVATION_POLICY,
    PROMO_CODE_REPOSITORY,
    PromoEvaluator,
  ]);
  bindUseCase(container, ListMyOrders, [ORDER_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, GetOrder, [ORDER_REPOSITORY]);
  bindUseCase(container, ListAllOrders, [ORDER_REPOSITORY]);
  bindUseCase(container, CancelOrder, [ORDER_REPOSITORY, PRODUCT_REPOSITORY, CLOCK, EVENT_BUS]);
  bindUseCase(container, ChangeOrderStatus, [ORDER_REPOSITORY, PRODUCT_REPOSITORY, CLOCK, EVENT_BUS]);
  bindUseCase(container, SalesAnalytics, [ORDER_REPOSITORY, PRODUCT_REPOSITORY, USER_REPOSITORY]);
  bindStockReservations(container, config);
}
