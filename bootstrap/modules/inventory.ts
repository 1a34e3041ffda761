import type { Container } from 'inversify';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import {
  BACK_IN_STOCK_MESSAGES,
  STOCK_LEDGER,
  STOCK_NOTIFY_REPOSITORY,
  STOCK_STORE,
} from '../../application/inventory/ports.js';
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
import { APP_LOGGER, CLOCK, EVENT_BUS, ID_GENERATOR } from '../../application/shared/ports.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

/**
 * Inventory: the stock store (stock on the product records; adapters in persistence.ts), the
 * ledger it writes, notify-me requests, stock changes and reports.
 */
export function bindInventory(container: Container, _config: Config): void {
  bindUseCase(container, NotifyBackInStock, [
    STOCK_NOTIFY_REPOSITORY,
    BACK_IN_STOCK_MESSAGES,
    CLOCK,
    APP_LOGGER,
  ]);
  bindUseCase(container, ChangeStock, [
    PRODUCT_REPOSITORY,
    STOCK_STORE,
    EVENT_BUS,
    CLOCK,
    ID_GENERATOR,
    NotifyBackInStock,
  ]);
  bindUseCase(container, SetProductStock, [PRODUCT_REPOSITORY, STOCK_STORE, CLOCK, ID_GENERATOR, EVENT_BUS]);
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
