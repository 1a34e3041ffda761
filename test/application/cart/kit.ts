import type { Clock, IdGenerator } from '../../../application/shared/ports.js';
import type { User } from '../../../domain/identity/user.js';
import { MemoryCartRepository } from '../../../adapters/persistence/memory/cart-repository.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryStockStore } from '../../../adapters/persistence/memory/inventory-stock-store.js';
import { MemoryWishlistRepository } from '../../../adapters/persistence/memory/wishlist-repository.js';
import { FIXED_NOW, testId } from '../../support/fixtures.js';

/** Shared arrangement for the cart and wishlist application tests: real memory adapters, fixed time. */
export class SequenceIds implements IdGenerator {
  private n = 0;
  next(): string {
    this.n += 1;
    return `a1${this.n.toString(16).padStart(22, '0')}`;
  }
}

export class FakeClock implements Clock {
  constructor(public current: Date = FIXED_NOW) {}
  now(): Date {
    return this.current;
  }
}

export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: testId(),
    fullName: 'Test Shopper',
    email: `${testId()}@example.com`,
    passwordHash: 'x',
    avatar: null,
    role: 'user',
    addresses: [],
    favorites: [],
    preferences: { emailNotifications: true, smsNotifications: false, newsletter: false },
    isActive: true,
    createdAt: FIXED_NOW,
    updatedAt: FIXED_NOW,
    version: 1,
    ...overrides,
  };
}

export function makeKit() {
  const db = new MemoryDatabase();
  const clock = new FakeClock();
  const ids = new SequenceIds();
  const products = new MemoryProductRepository(db);
  const stock = new MemoryStockStore(db);
  const carts = new MemoryCartRepository(db);
  const wishlist = new MemoryWishlistRepository(db, clock);
  const users = db.collection<User>('users');
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  function addUser(overrides: Partial<User> = {}): User {
    const user = makeUser(overrides);
    users.set(user.id, user);
    return user;
  }
  return { db, clock, ids, products, stock, carts, wishlist, users, logger, addUser };
}
export type Kit = ReturnType<typeof makeKit>;
