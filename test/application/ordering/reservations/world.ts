import type { Connection } from 'mongoose';
import type { ProductRepository } from '../../../../application/catalog/ports.js';
import type { OrderRepository } from '../../../../application/ordering/ports.js';
import type { StockReservationRepository, StockStore } from '../../../../application/inventory/ports.js';
import { StockHold } from '../../../../application/inventory/stock-hold.js';
import { PlaceOrder } from '../../../../application/ordering/place-order.js';
import { SweepStockReservations } from '../../../../application/ordering/sweep-stock-reservations.js';
import { MemoryDatabase } from '../../../../adapters/persistence/memory/memory-database.js';
import { MemoryCartRepository } from '../../../../adapters/persistence/memory/cart-repository.js';
import { MemoryProductRepository } from '../../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryOrderRepository } from '../../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryStockReservationRepository } from '../../../../adapters/persistence/memory/inventory-stock-reservations.js';
import { MemoryStockStore } from '../../../../adapters/persistence/memory/inventory-stock-store.js';
import { MongoProductRepository } from '../../../../adapters/persistence/mongo/catalog-product-repository.js';
import { MongoOrderRepository } from '../../../../adapters/persistence/mongo/ordering-order-repository.js';
import { MongoStockReservationRepository } from '../../../../adapters/persistence/mongo/inventory-stock-reservations.js';
import { MongoStockStore } from '../../../../adapters/persistence/mongo/inventory-stock-store.js';
import { SequentialIds, TestClock } from '../../../support/kit.js';
import { ScriptedRandom } from '../kit.js';
import { RecordingBus } from '../../../support/kit.js';
import { testPiiCipher } from '../../../support/pii.js';

export const TTL_MS = 15 * 60_000;

/** The stores a placement touches: what survives a process that dies. */
export interface Stores {
  readonly products: ProductRepository;
  readonly stock: StockStore;
  readonly orders: OrderRepository;
  readonly reservations: StockReservationRepository;
}

/** One process over the stores: its own use cases, clock and logger (what a crash loses). */
export function processOver(stores: Stores, clock = new TestClock(), ids = new SequentialIds()) {
  const warnings: string[] = [];
  const logger = {
    info: () => undefined,
    warn: (message: string) => void warnings.push(message),
    error: (message: string) => void warnings.push(message),
  };
  const carts = new MemoryCartRepository(new MemoryDatabase());
  const hold = new StockHold(stores.stock, stores.reservations, ids, logger, { ttlMs: TTL_MS });
  return {
    clock,
    warnings,
    place: new PlaceOrder(
      stores.orders,
      stores.products,
      carts,
      clock,
      ids,
      new ScriptedRandom(),
      new RecordingBus({ outboxes: [stores.orders], clock, logger }),
      logger,
      hold,
    ),
    sweep: new SweepStockReservations(stores.reservations, hold, stores.orders, clock),
  };
}

export function memoryStores(): Stores {
  const db = new MemoryDatabase();
  return {
    products: new MemoryProductRepository(db),
    stock: new MemoryStockStore(db),
    orders: new MemoryOrderRepository(db),
    reservations: new MemoryStockReservationRepository(db),
  };
}

export function mongoStores(connection: Connection): Stores {
  return {
    products: new MongoProductRepository(connection),
    stock: new MongoStockStore(connection),
    orders: new MongoOrderRepository(connection, testPiiCipher(connection)),
    reservations: new MongoStockReservationRepository(connection),
  };
}

/** Every intent still stored, whatever its expiry. */
export function allIntents(stores: Stores) {
  return stores.reservations.expired(new Date(8.64e15), 1000);
}
