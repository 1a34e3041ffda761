import type { Product } from '../../domain/catalog/product.js';
import { cartTotals, newCart, repriceCart, type Cart } from '../../domain/cart/cart.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { ProductRepository } from '../catalog/ports.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import type { CartRepository } from './ports.js';

/** A cart as answered to callers: priced, with its products (for population) and totals. */
export interface CartView {
  readonly cart: Cart;
  /** The current product of every line, by id. */
  readonly products: ReadonlyMap<string, Product>;
  readonly subtotal: Money;
  /** subtotal - discount (the promo's item discount; shipping codes take 0 off here). */
  readonly total: Money;
  /** The applied promo code, re-validated on this read (absent when none is applied). */
  readonly promo?: CartPromo;
}

export interface CartPromo {
  readonly code: string;
  readonly valid: boolean;
  readonly discount: Money;
  readonly freeShipping: boolean;
  /** Why the code does not apply now (when `valid` is false). */
  readonly reason?: DomainError;
}

export interface CartChange<E> {
  readonly cart: Cart;
  readonly extra: E;
}

export interface CartMutation<E> {
  readonly view: CartView;
  /** The cart as stored before this change (null when the user had none). */
  readonly previous: Cart | null;
  /** The cart as written by this change (its version is the stored one). */
  readonly written: Cart;
  readonly extra: E;
}

/** Optimistic writes are retried this many times when another request saved in between. */
const ATTEMPTS = 8;

/**
 * The read-modify-write loop every cart use case shares: load (or start) the user's cart, re-price
 * it from the current products, apply a pure change, save with the optimistic version, retry on
 * CONFLICT. Not a port: a helper the cart (and wishlist move-to-cart) use cases build from ports.
 */
export class CartStore {
  constructor(
    private readonly carts: CartRepository,
    private readonly products: ProductRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  private async productsOf(cart: Cart, extraIds: readonly string[]): Promise<Map<string, Product>> {
    const ids = [...new Set([...cart.items.map((i) => i.productId), ...extraIds])];
    const found = ids.length === 0 ? [] : await this.products.findByIds(ids);
    return new Map(found.map((p) => [p.id, p]));
  }

  private view(cart: Cart, products: ReadonlyMap<string, Product>): CartView {
    const own = new Map<string, Product>();
    for (const item of cart.items) {
      const p = products.get(item.productId);
      if (p) own.set(p.id, p);
    }
    return { cart, products: own, ...cartTotals(cart) };
  }

  /** The user's cart, created (and saved) empty when there is none, re-priced from current products. */
  async read(userId: string): Promise<Result<CartView, DomainError>> {
    const r = await this.mutate(userId, [], (cart) => Ok({ cart, extra: undefined }));
    return r.map((m) => m.view);
  }

  /**
   * Applies `change` to the freshly loaded and re-priced cart and saves the result. The change
   * answers the same cart object to mean "nothing to write" (still saved when the cart is new or
   * re-pricing changed it). `extraProductIds` are loaded along with the cart's own products.
   */
  async mutate<E>(
    userId: string,
    extraProductIds: readonly string[],
    change: (
      cart: Cart,
      products: ReadonlyMap<string, Product>,
      now: Date,
    ) => Result<CartChange<E>, DomainError>,
  ): Promise<Result<CartMutation<E>, DomainError>> {
    let lastError: DomainError | undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const now = this.clock.now();
      const stored = await this.carts.findByUserId(userId);
      const base = stored ?? newCart(this.ids.next(), userId, now);
      const products = await this.productsOf(base, extraProductIds);
      const priced = repriceCart(base, products, now);
      const changed = change(priced.cart, products, now);
      if (changed.isErr()) return changed;
      const next = changed.value.cart;
      if (stored && !priced.changed && next === priced.cart) {
        return Ok({
          view: this.view(stored, products),
          previous: stored,
          written: stored,
          extra: changed.value.extra,
        });
      }
      const saved = await this.carts.save(next);
      if (saved.isOk()) {
        return Ok({
          view: this.view(saved.value, products),
          previous: stored,
          written: saved.value,
          extra: changed.value.extra,
        });
      }
      if (saved.error.code !== 'CONFLICT') return saved;
      lastError = saved.error;
    }
    return Err(lastError ?? domainError('CONFLICT', 'The cart is busy; please retry'));
  }

  /**
   * Compensation: puts the cart back as it was before a mutation. First tries to write `previous`
   * over exactly the version that mutation wrote; when someone saved in between, applies `undo`
   * to the current cart instead (so their change survives). Answers false when neither worked.
   */
  async restore(
    userId: string,
    mutation: Pick<CartMutation<unknown>, 'previous' | 'written'>,
    undo: (cart: Cart, now: Date) => Cart,
  ): Promise<boolean> {
    const now = this.clock.now();
    const { previous, written } = mutation;
    const target: Cart = previous
      ? { ...previous, version: written.version, updatedAt: now }
      : { ...written, items: [], updatedAt: now };
    const first = await this.carts.save(target);
    if (first.isOk()) return true;
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const current = await this.carts.findByUserId(userId);
      if (!current) return false;
      const undone = undo(current, this.clock.now());
      if (undone === current) return true;
      const saved = await this.carts.save(undone);
      if (saved.isOk()) return true;
      if (saved.error.code !== 'CONFLICT') return false;
    }
    return false;
  }
}
