import type { Container } from 'inversify';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { STOCK_LEDGER, STOCK_NOTIFY_REPOSITORY, STOCK_STORE } from '../../application/inventory/ports.js';
import {
  BulkUpdateStock,
  ChangeStock,
  GetInventoryOverview,
  GetInventoryReport,
  ListLowStock,
  ListMovements,
  NotifyBackInStock,
  RequestStockNotification,
  RestockProduct,
  SetProductStock,
  VerifyStockLedger,
} from '../../application/inventory/use-cases.js';
import { MAILER } from '../../application/notifications/ports.js';
import { APP_LOGGER, CLOCK, EVENT_BUS, ID_GENERATOR } from '../../application/shared/ports.js';
import { MemoryStockLedger } from '../../adapters/persistence/memory/inventory-ledger.js';
import { MemoryStockNotifyRepository } from '../../adapters/persistence/memory/inventory-notify-requests.js';
import { MemoryStockStore } from '../../adapters/persistence/memory/inventory-stock-store.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { MongoStockLedger } from '../../adapters/persistence/mongo/inventory-ledger.js';
import { MongoStockNotifyRepository } from '../../adapters/persistence/mongo/inventory-notify-requests.js';
import { MongoStockStore } from '../../adapters/persistence/mongo/inventory-stock-store.js';
import type { Config } from '../config.js';
import { bindClass, bindUseCase } from './bind.js';
import { bindMongoRepositoriesAtStart } from './mongo-repositories.js';

/**
 * Inventory: the stock store (stock on the product records), the ledger it writes, notify-me
 * requests, stock changes and reports.
 */
export function bindInventory(container: Container, config: Config): void {
  if (config.mongo) {
    bindClass(container, STOCK_STORE, MongoStockStore, [MONGO_CONNECTION]);
    // The ledger settles movements parked on products through the (Mongo) stock store.
    bindClass(container, STOCK_LEDGER, MongoStockLedger, [MONGO_CONNECTION, STOCK_STORE]);
    bindClass(container, STOCK_NOTIFY_REPOSITORY, MongoStockNotifyRepository, [MONGO_CONNECTION]);
    bindMongoRepositoriesAtStart(container, 'inventory', [
      STOCK_STORE,
      STOCK_LEDGER,
      STOCK_NOTIFY_REPOSITORY,
    ]);
  } else {
    bindClass(container, STOCK_STORE, MemoryStockStore, [MemoryDatabase]);
    bindClass(container, STOCK_LEDGER, MemoryStockLedger, [MemoryDatabase]);
    bindClass(container, STOCK_NOTIFY_REPOSITORY, MemoryStockNotifyRepository, [MemoryDatabase]);
  }
  bindUseCase(container, NotifyBackInStock, [STOCK_NOTIFY_REPOSITORY, MAILER, CLOCK, APP_LOGGER]);
  bindUseCase(container, ChangeStock, [PRODUCT_REPOSITORY, STOCK_STORE, EVENT_BUS, CLOCK, NotifyBackInStock]);
  bindUseCase(container, SetProductStock, [PRODUCT_REPOSITORY, STOCK_STORE, CLOCK, EVENT_BUS]);
  bindUseCase(container, RestockProduct, [
    PRODUCT_REPOSITORY,
    STOCK_STORE,
    EVENT_BUS,
    CLOCK,
    ID_GENERATOR,
    NotifyBackInStock,
  ]);
  bindUseCase(container, RequestStockNotification, [
    PRODUCT_REPOSITORY,
    STOCK_NOTIFY_REPOSITORY,
    CLOCK,
    ID_GENERATOR,
  ]);
  bindUseCase(container, ListLowStock, [PRODUCT_REPOSITORY]);
  bindUseCase(container, ListMovements, [STOCK_LEDGER]);
  bindUseCase(container, GetInventoryOverview, [PRODUCT_REPOSITORY]);
  bindUseCase(container, GetInventoryReport, [PRODUCT_REPOSITORY, STOCK_LEDGER, CLOCK]);
  bindUseCase(container, BulkUpdateStock, [ChangeStock]);
  bindUseCase(container, VerifyStockLedger, [PRODUCT_REPOSITORY, STOCK_LEDGER]);
}
