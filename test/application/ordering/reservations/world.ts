import type { Connection } from 'mongoose';
import type { ProductRepository } from '../../../../application/catalog/ports.js';
import type { OrderRepository, StockReservationRepository } from '../../../../application/ordering/ports.js';
import { PlaceOrder } from '../../../../application/ordering/place-order.js';
import { SweepStockReservations } from '../../../../application/ordering/sweep-stock-reservations.js';
import { MemoryDatabase } from '../../../../adapters/persistence/memory/memory-database.js';
import { MemoryCartRepository } from '../../../../adapters/persistence/memory/cart-repository.js';
import { MemoryProductRepository } from '../../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryOrderRepository } from '../../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryStockReservationRepository } from '../../../../adapters/persistence/memory/ordering-stock-reservation-repository.js';
import { MongoProductRepository } from '../../../../adapters/persistence/mongo/catalog-product-repository.js';
import { MongoOrderRepository } from '../../../../adapters/persistence/mongo/ordering-order-repository.js';
import { MongoStockReservationRepository } from '../../../../adapters/persistence/mongo/ordering-stock-reservation-repository.js';
import { FakeClock, ScriptedRandom, SequenceIds } from '../kit.js';
import { recordingDispatcher } from '../../../support/event-bus.js';

export const TTL_MS = 15 * 60_000;

/** The stores a placement touches: what survives a process that dies. */
export interface Stores {
  readonly products: ProductRepository;
  readonly orders: OrderRepository;
  readonly reservations: StockReservationRepository;
}

/** One process over the stores: its own use cases, clock and logger (what a crash loses). */
export function processOver(stores: Stores, clock = new FakeClock(), ids = new SequenceIds()) {
  const warnings: string[] = [];
  const logger = {
    info: () => undefined,
    warn: (message: string) => void warnings.push(message),
    error: (message: string) => void warnings.push(message),
  };
  const carts = new MemoryCartRepository(new MemoryDatabase());
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
      recordingDispatcher({ outboxes: [stores.orders], clock, logger }),
      logger,
      stores.reservations,
      { ttlMs: TTL_MS },
    ),
    sweep: new SweepStockReservations(stores.reservations, stores.products, stores.orders, clock),
  };
}

export function memoryStores(): Stores {
  const db = new MemoryDatabase();
  return {
    products: new MemoryProductRepository(db),
    orders: new MemoryOrderRepository(db),
    reservations: new MemoryStockReservationRepository(db),
  };
}

export function mongoStores(connection: Connection): Stores {
  return {
    products: new MongoProductRepository(connection),
    orders: new MongoOrderRepository(connection),
    reservations: new MongoStockReservationRepository(connection),
  };
}

/** Every intent still stored, whatever its expiry. */
export function allIntents(stores: Stores) {
  return stores.reservations.expired(new Date(8.64e15), 1000);
}
