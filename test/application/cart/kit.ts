import type { User } from '../../../domain/identity/user.js';
import { MemoryCartRepository } from '../../../adapters/persistence/memory/cart-repository.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryStockStore } from '../../../adapters/persistence/memory/inventory-stock-store.js';
import { MemoryWishlistRepository } from '../../../adapters/persistence/memory/wishlist-repository.js';
import { aUser, RecordingBus, SequentialIds, TestClock } from '../../support/kit.js';

/** Shared arrangement for the cart and wishlist application tests: real memory adapters, fixed time. */
export function makeKit() {
  const db = new MemoryDatabase();
  const clock = new TestClock();
  const ids = new SequentialIds();
  const products = new MemoryProductRepository(db);
  const stock = new MemoryStockStore(db);
  const carts = new MemoryCartRepository(db);
  const wishlist = new MemoryWishlistRepository(db, clock);
  const users = db.collection<User>('users');
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  // The real dispatcher on this kit's database: cart writes stage and publish their notices here.
  const bus = new RecordingBus({ db, clock, logger });
  function addUser(overrides: Partial<User> = {}): User {
    const user = aUser(overrides);
    users.set(user.id, user);
    return user;
  }
  return { db, clock, ids, bus, products, stock, carts, wishlist, users, logger, addUser };
}
export type Kit = ReturnType<typeof makeKit>;
