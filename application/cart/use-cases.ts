import {
  addLine,
  applyPromoCode,
  clearCart,
  removeLine,
  removePromoCode,
  updateLine,
} from '../../domain/cart/cart.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { promoLines } from '../../domain/shared/line-pricing.js';
import { isEntityId } from '../shared/ids.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { ProductRepository } from '../catalog/index.js';
import type { Clock, EventBus, IdGenerator } from '../shared/ports.js';
import { CartStore, type CartView } from './cart-store.js';
import type { CartPromoCheck, CartRepository } from './ports.js';

export type { CartView } from './cart-store.js';

/** Base of the cart use cases: every one of them needs the same five ports. */
abstract class CartUseCase {
  protected readonly store: CartStore;

  constructor(
    carts: CartRepository,
    products: ProductRepository,
    clock: Clock,
    protected readonly ids: IdGenerator,
    bus: EventBus,
    protected readonly promos?: CartPromoCheck,
  ) {
    this.store = new CartStore(carts, products, clock, ids, bus);
  }

  /** Re-validates the cart's promo code against its current lines: discount or the reason. */
  protected async withPromo(r: Result<CartView, DomainError>): Promise<Result<CartView, DomainError>> {
    if (r.isErr() || !this.promos || r.value.cart.promoCode === undefined) return r;
    const view = r.value;
    const code = view.cart.promoCode!;
    const checked = await this.promos.evaluate(
      code,
      view.cart.userId,
      promoLines(view.cart.items, view.products),
      0,
    );
    if (checked.isErr()) {
      return Ok({
        ...view,
        total: view.subtotal,
        promo: { code, valid: false, discount: 0, freeShipping: false, reason: checked.error },
      });
    }
    const { discount, freeShipping } = checked.value.discount;
    return Ok({
      ...view,
      total: view.subtotal - discount,
      promo: { code, valid: true, discount, freeShipping },
    });
  }
}

/** GET /cart: the user's cart (created empty if none), re-priced from the current products. */
export class GetCart extends CartUseCase {
  async execute(input: { userId: string }): Promise<Result<CartView, DomainError>> {
    return this.withPromo(await this.store.read(input.userId));
  }
}

/**
 * The user's cart as GET /cart answers it (re-priced, promo re-validated) WITHOUT creating or
 * writing one: null when the user has none. For readers that must not write (the realtime sync).
 */
export class CurrentCart extends CartUseCase {
  async execute(input: { userId: string }): Promise<CartView | null> {
    const view = await this.store.peek(input.userId);
    if (!view) return null;
    return (await this.withPromo(Ok(view))).unwrap();
  }
}

export interface AddToCartInput {
  readonly userId: string;
  readonly productId: string;
  readonly quantity: number;
  /** Option names; prices always come from the product. */
  readonly size?: string;
  readonly vase?: string;
  readonly personalNote?: string;
}

/** POST /cart: adds a line or merges into the line with the same size, vase and note. */
export class AddToCart extends CartUseCase {
  async execute(input: AddToCartInput): Promise<Result<CartView, DomainError>> {
    if (!isEntityId(input.productId)) return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
    const lineId = this.ids.next();
    const r = await this.store.mutate(input.userId, [input.productId], (cart, products, now) => {
      const product = products.get(input.productId);
      if (!product) return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
      return addLine(
        cart,
        {
          product,
          quantity: input.quantity,
          ...(input.size !== undefined ? { size: input.size } : {}),
          ...(input.vase !== undefined ? { vase: input.vase } : {}),
          ...(input.personalNote !== undefined ? { personalNote: input.personalNote } : {}),
        },
        lineId,
        now,
      ).map((added) => ({ cart: added.cart, extra: undefined }));
    });
    return this.withPromo(r.map((m) => m.view));
  }
}

export interface UpdateCartItemInput {
  readonly userId: string;
  readonly itemId: string;
  readonly quantity?: number;
  readonly personalNote?: string;
}

/** PUT /cart/:itemId: new quantity (stock-checked) and/or note. */
export class UpdateCartItem extends CartUseCase {
  async execute(input: UpdateCartItemInput): Promise<Result<CartView, DomainError>> {
    const r = await this.store.mutate(input.userId, [], (cart, products, now) => {
      const line = cart.items.find((i) => i.id === input.itemId);
      if (!line) return Err(domainError('CART_ITEM_NOT_FOUND', 'Item not found in cart'));
      return updateLine(
        cart,
        input.itemId,
        {
          ...(input.quantity !== undefined ? { quantity: input.quantity } : {}),
          ...(input.personalNote !== undefined ? { personalNote: input.personalNote } : {}),
        },
        products.get(line.productId) ?? null,
        now,
      ).map((next) => ({ cart: next, extra: undefined }));
    });
    return this.withPromo(r.map((m) => m.view));
  }
}

/** DELETE /cart/:itemId: removes a line; an unknown line is a no-op. */
export class RemoveCartItem extends CartUseCase {
  async execute(input: { userId: string; itemId: string }): Promise<Result<CartView, DomainError>> {
    const r = await this.store.mutate(input.userId, [], (cart, _products, now) =>
      Ok({ cart: removeLine(cart, input.itemId, now), extra: undefined }),
    );
    return this.withPromo(r.map((m) => m.view));
  }
}

/** DELETE /cart: empties the cart (it stays, with no items). */
export class ClearCart extends CartUseCase {
  async execute(input: { userId: string }): Promise<Result<CartView, DomainError>> {
    const r = await this.store.mutate(input.userId, [], (cart, _products, now) =>
      Ok({ cart: clearCart(cart, now), extra: undefined }),
    );
    return this.withPromo(r.map((m) => m.view));
  }
}

/**
 * POST /cart/apply-promo: the code must apply to the cart as it is now (else its reason, 4xx);
 * then the cart stores it (it is re-validated on every later read).
 */
export class ApplyPromoToCart extends CartUseCase {
  async execute(input: { userId: string; code: string }): Promise<Result<CartView, DomainError>> {
    if (!this.promos) return Err(domainError('PROMO_NOT_FOUND', 'Promo code not found'));
    const current = await this.store.read(input.userId);
    if (current.isErr()) return current;
    const checked = await this.promos.evaluate(
      input.code,
      input.userId,
      promoLines(current.value.cart.items, current.value.products),
      0,
    );
    if (checked.isErr()) return checked;
    const code = checked.value.promo.code;
    const r = await this.store.mutate(input.userId, [], (cart, _products, now) =>
      Ok({ cart: applyPromoCode(cart, code, now), extra: undefined }),
    );
    return this.withPromo(r.map((m) => m.view));
  }
}

/** DELETE /cart/remove-promo: forgets the applied code (no-op without one). */
export class RemovePromoFromCart extends CartUseCase {
  async execute(input: { userId: string }): Promise<Result<CartView, DomainError>> {
    const r = await this.store.mutate(input.userId, [], (cart, _products, now) =>
      Ok({ cart: removePromoCode(cart, now), extra: undefined }),
    );
    return this.withPromo(r.map((m) => m.view));
  }
}
