import type { CartRepository } from '../../../application/cart/ports.js';
import type { Cart } from '../../../domain/cart/cart.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import type { MemoryDatabase } from './memory-database.js';

/** Carts in the `carts` collection, one per user (keyed by user id), with optimistic versions. */
export class MemoryCartRepository implements CartRepository {
  private readonly carts: Map<string, Cart>;

  constructor(db: MemoryDatabase) {
    this.carts = db.collection<Cart>('carts');
  }

  async findByUserId(userId: string): Promise<Cart | null> {
    return this.carts.get(userId) ?? null;
  }

  async save(cart: Cart): Promise<Result<Cart, DomainError>> {
    // Check and write with no await in between: atomic on Node's single thread.
    const stored = this.carts.get(cart.userId);
    const current = stored?.version ?? 0;
    if (current !== cart.version) {
      return Err(domainError('CONFLICT', 'The cart was changed by another request; please retry'));
    }
    const next: Cart = { ...cart, items: cart.items.map((item) => ({ ...item })), version: current + 1 };
    this.carts.set(cart.userId, next);
    return Ok(next);
  }
}
