import type { Product } from '../../domain/catalog/product.js';
import { cartTotals, newCart, repriceCart, type Cart } from '../../domain/cart/cart.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Money } from '../../domain/shared/money.js';
import { Ok, type Result } from '../../domain/shared/result.js';
import type { ProductRepository } from '../catalog/index.js';
import { cartChanged } from '../../domain/cart/events.js';
import type { Clock, EventBus, IdGenerator } from '../shared/ports.js';
import { retryOnConflict, UNCHANGED, type Unchanged } from '../shared/retry-on-conflict.js';
import { writeWithNotices } from '../shared/staged-notices.js';
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

const cartNotFound = (): DomainError => domainError('CART_NOT_FOUND', 'Cart not found');

/** Optimistic writes are retried this many times when another request saved in between. */
const ATTEMPTS = 8;

/**
 * The read-modify-write loop every cart use case shares: load (or start) the user's cart, re-price
 * it from the current products, apply a pure change, save with the optimistic version, retry on
 * CONFLICT. Not a port: a helper the cart (and wishlist move-to-cart) use cases build from ports.
 *
 * It is the ONE place carts are written (use cases, the wishlist's moves, EmptyCartWhenOrderPlaced):
 * every save goes through the write-ahead outbox with a `cart.cart-changed` notice (staged before
 * the save, published when it landed, discarded when it was refused), so the realtime cart sync
 * sees every change. A mutation that writes nothing publishes nothing.
 */
export class CartStore {
  constructor(
    private readonly carts: CartRepository,
    private readonly products: ProductRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly bus: EventBus,
  ) {}

  /** The one cart write: an optimistic save with its `cart.cart-changed` notice. */
  private save(cart: Cart): Promise<Result<Cart, DomainError>> {
    const notice = cartChanged(cart.id, cart.userId, this.clock.now(), this.ids.next());
    return writeWithNotices(
      this.bus,
      [notice],
      () => this.carts.save(cart),
      (saved) => saved.isOk(),
    );
  }

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

  /**
   * The user's cart re-priced from the current products, without writing anything; null when the
   * user has none (nothing is created).
   */
  async peek(userId: string): Promise<CartView | null> {
    const stored = await this.carts.findByUserId(userId);
    if (!stored) return null;
    const products = await this.productsOf(stored, []);
    return this.view(repriceCart(stored, products, this.clock.now()).cart, products);
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
   * `create: false`: a user without a cart gets CART_NOT_FOUND instead of a new one.
   */
  async mutate<E>(
    userId: string,
    extraProductIds: readonly string[],
    change: (
      cart: Cart,
      products: ReadonlyMap<string, Product>,
      now: Date,
    ) => Result<CartChange<E>, DomainError>,
    options: { readonly create?: boolean } = {},
  ): Promise<Result<CartMutation<E>, DomainError>> {
    const run = await retryOnConflict({
      load: async () => {
        const now = this.clock.now();
        const stored = await this.carts.findByUserId(userId);
        if (!stored && options.create === false) return null;
        const base = stored ?? newCart(this.ids.next(), userId, now);
        const products = await this.productsOf(base, extraProductIds);
        return { now, stored, products, priced: repriceCart(base, products, now) };
      },
      // Only with `create: false`: otherwise a user without a cart gets a new one above.
      notFound: cartNotFound,
      change: ({ now, stored, products, priced }) =>
        change(priced.cart, products, now).map((changed) => ({
          ...changed,
          write: !stored || priced.changed || changed.cart !== priced.cart,
        })),
      // Nothing to write: the stored cart stands as it is (and keeps its version).
      save: (next, { stored }) =>
        next.write || !stored ? this.save(next.cart) : Promise.resolve(Ok(stored)),
      attempts: ATTEMPTS,
    });
    return run.map(({ current, next, saved }) => ({
      view: this.view(saved, current.products),
      previous: current.stored,
      written: saved,
      extra: next.extra,
    }));
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
    const first = await this.save(target);
    if (first.isOk()) return true;
    const run = await retryOnConflict({
      load: () => this.carts.findByUserId(userId),
      notFound: cartNotFound,
      change: (current): Result<Cart | Unchanged, DomainError> => {
        const undone = undo(current, this.clock.now());
        return Ok(undone === current ? UNCHANGED : undone);
      },
      save: (next) => this.save(next),
      attempts: ATTEMPTS,
    });
    return run.isOk();
  }
}
