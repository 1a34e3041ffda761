import { addLine, checkStock, takeBack } from '../../domain/cart/cart.js';
import type { Product } from '../../domain/catalog/product.js';
import { aborted, domainError, type DomainError } from '../../domain/shared/errors.js';
import { isEntityId } from '../shared/ids.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { type AddToCartInput, type CartRepository, CartStore, type CartView } from '../cart/index.js';
import type { ProductRepository } from '../catalog/index.js';
import type { AppLogger, Clock, EventBus, IdGenerator } from '../shared/ports.js';
import type { WishlistRepository } from './ports.js';

function productNotFound(): DomainError {
  return domainError('PRODUCT_NOT_FOUND', 'Product not found');
}

/** The wishlist's products in insertion order (deleted products dropped): one id read, one batch lookup. */
async function productsOf(
  wishlist: WishlistRepository,
  products: ProductRepository,
  userId: string,
): Promise<Product[]> {
  const ids = await wishlist.get(userId);
  return ids.length === 0 ? [] : products.findByIds(ids);
}

/** Base of the use cases that answer the wishlist's products. */
abstract class WishlistProductsUseCase {
  constructor(
    protected readonly wishlist: WishlistRepository,
    protected readonly products: ProductRepository,
  ) {}

  protected productsOf(userId: string): Promise<Product[]> {
    return productsOf(this.wishlist, this.products, userId);
  }
}

/** A product on a user's wishlist. */
export interface WishlistItemInput {
  readonly userId: string;
  readonly productId: string;
}

/** GET /wishlist: polled heavily by the storefront (compat 13), so exactly two cheap reads. */
export class GetWishlist extends WishlistProductsUseCase {
  async execute(input: { userId: string }): Promise<Result<Product[], DomainError>> {
    return Ok(await this.productsOf(input.userId));
  }
}

/** POST /wishlist/:productId: appends unless present (`added` false then); unknown product: nothing changes. */
export class AddToWishlist extends WishlistProductsUseCase {
  async execute(
    input: WishlistItemInput,
  ): Promise<Result<{ added: boolean; wishlist: Product[] }, DomainError>> {
    if (!isEntityId(input.productId)) return Err(productNotFound());
    const product = await this.products.findById(input.productId);
    if (!product) return Err(productNotFound());
    const added = await this.wishlist.add(input.userId, input.productId);
    return Ok({ added, wishlist: await this.productsOf(input.userId) });
  }
}

/** DELETE /wishlist/:productId: always succeeds (an absent id is a no-op). */
export class RemoveFromWishlist extends WishlistProductsUseCase {
  async execute(
    input: WishlistItemInput,
  ): Promise<Result<{ removed: boolean; wishlist: Product[] }, DomainError>> {
    const removed = await this.wishlist.remove(input.userId, input.productId);
    return Ok({ removed, wishlist: await this.productsOf(input.userId) });
  }
}

/** DELETE /wishlist. */
export class ClearWishlist {
  constructor(private readonly wishlist: WishlistRepository) {}

  async execute(input: { userId: string }): Promise<Result<Product[], DomainError>> {
    await this.wishlist.clear(input.userId);
    return Ok([]);
  }
}

/** The line to add to the cart: the same as POST /cart takes. */
export type MoveToCartInput = AddToCartInput;

export interface MoveToCartResult {
  readonly wishlist: Product[];
  readonly cart: CartView;
  readonly transactionId: string;
}

/**
 * POST /wishlist/:productId/move-to-cart, all or nothing without transactions (compat 6):
 * validate, add to the server cart (the cart's merge rule and stock checks), then remove the id
 * from favorites. When that removal fails (throws, or someone removed the id meanwhile), the cart
 * is restored to its previous state. Every failure carries `transactionAborted: true`.
 */
export class MoveWishlistItemToCart {
  private readonly store: CartStore;

  constructor(
    private readonly wishlist: WishlistRepository,
    carts: CartRepository,
    private readonly products: ProductRepository,
    clock: Clock,
    private readonly ids: IdGenerator,
    bus: EventBus,
    private readonly logger: AppLogger,
  ) {
    this.store = new CartStore(carts, products, clock, ids, bus);
  }

  async execute(input: MoveToCartInput): Promise<Result<MoveToCartResult, DomainError>> {
    const r = await this.move(input);
    return r.mapErr(aborted);
  }

  private async move(input: MoveToCartInput): Promise<Result<MoveToCartResult, DomainError>> {
    const { userId, productId, quantity } = input;
    if (!isEntityId(productId)) return Err(productNotFound());
    const product = await this.products.findById(productId);
    if (!product) return Err(productNotFound());
    const favorites = await this.wishlist.get(userId);
    if (!favorites.includes(productId)) {
      return Err(domainError('NOT_IN_WISHLIST', 'Product not found in wishlist'));
    }
    // The cart's own rule (PRODUCT_UNAVAILABLE before INSUFFICIENT_STOCK), checked before any write.
    const stock = checkStock(product, quantity);
    if (stock.isErr()) return stock;

    // Step 1: the cart (same rules as POST /cart).
    const lineId = this.ids.next();
    const added = await this.store.mutate(userId, [productId], (cart, products, now) => {
      const current = products.get(productId);
      if (!current) return Err(productNotFound());
      return addLine(
        cart,
        {
          product: current,
          quantity,
          ...(input.size !== undefined ? { size: input.size } : {}),
          ...(input.vase !== undefined ? { vase: input.vase } : {}),
          ...(input.personalNote !== undefined ? { personalNote: input.personalNote } : {}),
        },
        lineId,
        now,
      ).map((a) => ({ cart: a.cart, extra: a.itemId }));
    });
    if (added.isErr()) return added;
    const mutation = added.value;

    // Step 2: the favorites; on failure, compensate step 1.
    let removed = false;
    let cause: unknown;
    try {
      removed = await this.wishlist.remove(userId, productId);
    } catch (error) {
      cause = error;
    }
    if (!removed) {
      const restored = await this.store.restore(userId, mutation, (cart, now) =>
        takeBack(cart, mutation.extra, quantity, now),
      );
      const log = restored ? this.logger.warn.bind(this.logger) : this.logger.error.bind(this.logger);
      log('move-to-cart aborted after the cart write', {
        userId,
        productId,
        cartRestored: restored,
        error:
          cause instanceof Error
            ? cause.message
            : cause === undefined
              ? 'not in wishlist any more'
              : String(cause),
      });
      return Err(
        cause === undefined
          ? domainError('NOT_IN_WISHLIST', 'Product not found in wishlist')
          : domainError(
              'MOVE_TO_CART_FAILED',
              restored
                ? 'Could not move the product to the cart; nothing was changed'
                : 'Could not move the product to the cart',
            ),
      );
    }

    return Ok({
      wishlist: await productsOf(this.wishlist, this.products, userId),
      cart: mutation.view,
      transactionId: this.ids.next(),
    });
  }
}
