import type { RandomSource } from '../../../application/shared/ports.js';
import type { Cart, CartItem } from '../../../domain/cart/cart.js';
import type { Product } from '../../../domain/catalog/product.js';
import type { User } from '../../../domain/identity/user.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryCartRepository } from '../../../adapters/persistence/memory/cart-repository.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { MemoryStockReservationRepository } from '../../../adapters/persistence/memory/inventory-stock-reservations.js';
import { MemoryStockStore } from '../../../adapters/persistence/memory/inventory-stock-store.js';
import { StockHold } from '../../../application/inventory/stock-hold.js';
import { SweepStockReservations } from '../../../application/ordering/sweep-stock-reservations.js';
import {
  PlaceOrder,
  type PlaceOrderInput,
  type RequestedLine,
} from '../../../application/ordering/place-order.js';
import { GetOrder, ListAllOrders, ListMyOrders } from '../../../application/ordering/queries.js';
import { CancelOrder } from '../../../application/ordering/cancel-order.js';
import { ChangeOrderStatus } from '../../../application/ordering/change-order-status.js';
import { SalesAnalytics } from '../../../application/ordering/sales-analytics.js';
import { ADDRESS, aCart, aProduct, aUser, SequentialIds, TestClock } from '../../support/kit.js';
import { MemoryStockLedger } from '../../../adapters/persistence/memory/inventory-ledger.js';
import { RecordSaleWhenOrderPlaced } from '../../../application/catalog/handlers.js';
import { EmptyCartWhenOrderPlaced } from '../../../application/cart/handlers.js';
import { CartStore } from '../../../application/cart/cart-store.js';
import { ReleaseStockWhenOrderCancelled } from '../../../application/inventory/handlers.js';
import { RecordingBus } from '../../support/kit.js';

/** Answers the scripted values in turn, then keeps counting up from the last one. */
export class ScriptedRandom implements RandomSource {
  readonly calls: number[] = [];
  constructor(private readonly script: number[] = []) {}
  int(maxExclusive: number): number {
    const next =
      this.script.length > 0 ? this.script.shift()! : ((this.calls.at(-1) ?? -1) + 1) % maxExclusive;
    this.calls.push(next);
    return next;
  }
  hex(bytes: number): string {
    return '0'.repeat(bytes * 2);
  }
}

/** The ordering use cases over the real memory adapters, with a fixed clock and scripted randomness. */
export function makeKit(random: RandomSource = new ScriptedRandom()) {
  const db = new MemoryDatabase();
  const clock = new TestClock();
  const ids = new SequentialIds();
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const products = new MemoryProductRepository(db);
  const stock = new MemoryStockStore(db);
  const carts = new MemoryCartRepository(db);
  const orders = new MemoryOrderRepository(db);
  // The real dispatcher with the ordering lifecycle's reactions that touch this kit's stores.
  const bus = new RecordingBus({ db, outboxes: [orders], clock, logger });
  bus.subscribe('ordering.order-placed', new RecordSaleWhenOrderPlaced(products));
  bus.subscribe(
    'ordering.order-placed',
    new EmptyCartWhenOrderPlaced(new CartStore(carts, products, clock, ids, bus)),
  );
  bus.subscribe(
    'ordering.order-cancelled',
    new ReleaseStockWhenOrderCancelled(stock, new MemoryStockLedger(db), products, bus, clock, ids),
  );
  const users = new MemoryUserRepository(db);
  const reservations = new MemoryStockReservationRepository(db);
  const policy = { ttlMs: 15 * 60_000, sweepIntervalMs: 60_000 };
  const hold = new StockHold(stock, reservations, ids, logger, policy);

  const place = new PlaceOrder(orders, products, carts, clock, ids, random, bus, logger, hold);
  const kit = {
    db,
    clock,
    ids,
    bus,
    products,
    stock,
    carts,
    orders,
    users,
    reservations,
    policy,
    place,
    sweep: new SweepStockReservations(reservations, hold, orders, clock),
    listMine: new ListMyOrders(orders, products),
    get: new GetOrder(orders),
    listAll: new ListAllOrders(orders),
    cancel: new CancelOrder(orders, clock, bus),
    changeStatus: new ChangeOrderStatus(orders, clock, bus),
    analytics: new SalesAnalytics(orders, products, users),
    async addProduct(overrides: Partial<Product> = {}): Promise<Product> {
      return products.create(aProduct(overrides));
    },
    async stockOf(id: string): Promise<number> {
      return (await products.findById(id))!.inventory.stock;
    },
    async addCart(userId: string, items: Omit<CartItem, 'id'>[]): Promise<Cart> {
      return (await carts.save(aCart({ userId, items }))).unwrap();
    },
    async addUser(overrides: Partial<User> = {}): Promise<User> {
      return (await users.create(aUser(overrides))).unwrap();
    },
    /** A placement from the given request `items`, or from the server cart when none are given. */
    input(
      userId: string,
      { items, ...overrides }: Partial<PlaceOrderInput> & { items?: readonly RequestedLine[] } = {},
    ): PlaceOrderInput {
      const lines = items !== undefined ? { from: 'request' as const, items } : { from: 'cart' as const };
      return { userId, shippingAddress: ADDRESS, lines, ...overrides };
    },
  };
  return kit;
}
export type Kit = ReturnType<typeof makeKit>;
