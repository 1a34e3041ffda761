import { addLine, checkStock, quantityOf, takeBack, type Cart } from '../../domain/cart/cart.js';
import type { Product } from '../../domain/catalog/product.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import {
  distinctIds,
  processedOf,
  progressOf,
  startBulkOperation,
  type BulkAction,
  type BulkFailure,
  type BulkOperation,
  type BulkProgress,
} from '../../domain/wishlist/bulk-operation.js';
import { CartStore, type CartRepository, type CartView } from '../cart/index.js';
import type { ProductRepository } from '../catalog/index.js';
import { isEntityId } from '../shared/ids.js';
import type { Clock, EventBus, IdGenerator } from '../shared/ports.js';
import type { BulkOperationStore, BulkOutcome, WishlistRepository } from './ports.js';

/** How long a bulk operation's record is kept (and can be read back). */
export const BULK_OPERATION_KEEP_MS = 24 * 60 * 60 * 1000;

/** The line options a bulk move applies to every product. */
export interface BulkLineOptions {
  readonly quantity: number;
  readonly size?: string;
}

function failureOf(id: string, error: DomainError): BulkFailure {
  return { id, code: error.code, reason: error.message };
}

function notFound(id: string): BulkFailure {
  return { id, code: 'PRODUCT_NOT_FOUND', reason: 'Product not found' };
}

function notInWishlist(id: string): BulkFailure {
  return { id, code: 'NOT_IN_WISHLIST', reason: 'Product not found in wishlist' };
}

async function productMap(
  products: ProductRepository,
  ids: readonly string[],
): Promise<Map<string, Product>> {
  const valid = ids.filter(isEntityId);
  const found = valid.length === 0 ? [] : await products.findByIds(valid);
  return new Map(found.map((p) => [p.id, p]));
}

async function wishlistProducts(
  wishlist: WishlistRepository,
  products: ProductRepository,
  userId: string,
): Promise<Product[]> {
  const ids = await wishlist.get(userId);
  return ids.length === 0 ? [] : products.findByIds(ids);
}

/**
 * The bulk move's rule for one product, applied to the cart being built: a product already in
 * the cart keeps its line(s) as they are (so repeating a move never doubles a line), else a line
 * with the options is added under the cart's own rules (availability, stock, options).
 */
function moveLine(
  cart: Cart,
  product: Product,
  options: BulkLineOptions,
  lineId: string,
  now: Date,
): Result<{ cart: Cart; addedLine?: string }, DomainError> {
  if (quantityOf(cart, product.id) > 0) return Ok({ cart });
  return addLine(
    cart,
    {
      product,
      quantity: options.quantity,
      ...(options.size !== undefined ? { size: options.size } : {}),
    },
    lineId,
    now,
  ).map((added) => ({ cart: added.cart, addedLine: added.itemId }));
}

export interface BulkAddResult {
  readonly added: readonly string[];
  readonly alreadyPresent: readonly string[];
  readonly refused: readonly BulkFailure[];
  readonly wishlist: Product[];
}

/**
 * POST /wishlist/bulk/add: adds the existing, available products (duplicates collapsed) in one
 * atomic wishlist update; the others are refused with their reason, the rest still added.
 */
export class BulkAddToWishlist {
  constructor(
    private readonly wishlist: WishlistRepository,
    private readonly products: ProductRepository,
  ) {}

  async execute(input: {
    userId: string;
    productIds: readonly string[];
  }): Promise<Result<BulkAddResult, DomainError>> {
    const ids = distinctIds(input.productIds);
    const found = await productMap(this.products, ids);
    const refused: BulkFailure[] = [];
    const accepted: string[] = [];
    for (const id of ids) {
      const product = found.get(id);
      if (!product) refused.push(notFound(id));
      else if (!product.inventory.isAvailable)
        refused.push({ id, code: 'PRODUCT_UNAVAILABLE', reason: 'Product is currently unavailable' });
      else accepted.push(id);
    }
    const added = accepted.length === 0 ? [] : await this.wishlist.addMany(input.userId, accepted);
    const addedSet = new Set(added);
    return Ok({
      added,
      alreadyPresent: accepted.filter((id) => !addedSet.has(id)),
      refused,
      wishlist: await wishlistProducts(this.wishlist, this.products, input.userId),
    });
  }
}

/** The answer of a recorded bulk operation, in the seed's shape. */
export interface BulkOperationView {
  readonly operationId: string;
  readonly action: BulkAction;
  readonly status: BulkOperation['status'];
  readonly successful: readonly string[];
  readonly failed: readonly BulkFailure[];
  readonly progress: BulkProgress;
  /** Products handled so far (successful or failed). */
  readonly processed: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export function viewOf(operation: BulkOperation): BulkOperationView {
  return {
    operationId: operation.id,
    action: operation.action,
    status: operation.status,
    successful: operation.successful,
    failed: operation.failed,
    progress: progressOf(operation),
    processed: processedOf(operation),
    createdAt: operation.createdAt,
    expiresAt: operation.expiresAt,
  };
}

export interface RunBulkOperationInput {
  readonly userId: string;
  readonly action: BulkAction;
  readonly productIds: readonly string[];
  readonly options?: BulkLineOptions;
}

/**
 * POST /wishlist/bulk/operations (and DELETE /wishlist/bulk/remove): a recorded operation processed
 * product by product, each outcome stored as it happens (GET .../operations/:id shows the progress
 * of a running one). Partial success: a product that cannot be moved or removed is listed in
 * `failed` with its reason, the others go through. Moving one product = add to the cart (one
 * version-guarded cart write, retried on conflict, so parallel cart changes are kept), then remove
 * it from the wishlist; if it had left the wishlist meanwhile (a parallel operation moved it), the
 * line this run added is taken back out.
 */
export class RunBulkOperation {
  private readonly store: CartStore;

  constructor(
    private readonly wishlist: WishlistRepository,
    carts: CartRepository,
    private readonly products: ProductRepository,
    private readonly operations: BulkOperationStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    bus: EventBus,
  ) {
    this.store = new CartStore(carts, products, clock, ids, bus);
  }

  async execute(input: RunBulkOperationInput): Promise<Result<BulkOperationView, DomainError>> {
    let operation = startBulkOperation({
      id: this.ids.next(),
      userId: input.userId,
      action: input.action,
      productIds: input.productIds,
      now: this.clock.now(),
      keepForMs: BULK_OPERATION_KEEP_MS,
    });
    await this.operations.create(operation);
    const options = input.options ?? { quantity: 1 };
    if (input.action === 'remove') {
      // One atomic update for the whole list; the outcomes are then recorded one by one.
      const removed = new Set(await this.wishlist.removeMany(input.userId, operation.productIds));
      for (const id of operation.productIds) {
        operation = await this.record(
          operation,
          removed.has(id) ? { success: id } : { failure: notInWishlist(id) },
        );
      }
    } else {
      const found = await productMap(this.products, operation.productIds);
      for (const id of operation.productIds) {
        operation = await this.record(
          operation,
          await this.moveOne(input.userId, id, found.get(id), options),
        );
      }
    }
    const now = this.clock.now();
    await this.operations.complete(operation.id, now);
    return Ok(viewOf({ ...operation, status: 'completed', updatedAt: now }));
  }

  private async record(operation: BulkOperation, outcome: BulkOutcome): Promise<BulkOperation> {
    const now = this.clock.now();
    await this.operations.record(operation.id, outcome, now);
    return 'success' in outcome
      ? { ...operation, successful: [...operation.successful, outcome.success], updatedAt: now }
      : { ...operation, failed: [...operation.failed, outcome.failure], updatedAt: now };
  }

  private async moveOne(
    userId: string,
    id: string,
    product: Product | undefined,
    options: BulkLineOptions,
  ): Promise<BulkOutcome> {
    if (!product) return { failure: notFound(id) };
    if (!(await this.wishlist.get(userId)).includes(id)) return { failure: notInWishlist(id) };
    const stock = checkStock(product, options.quantity);
    if (stock.isErr()) return { failure: failureOf(id, stock.error) };
    const lineId = this.ids.next();
    const moved = await this.store.mutate(userId, [id], (cart, current, now) => {
      const latest = current.get(id);
      if (!latest) return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
      return moveLine(cart, latest, options, lineId, now).map((r) => ({ cart: r.cart, extra: r.addedLine }));
    });
    if (moved.isErr()) return { failure: failureOf(id, moved.error) };
    if (await this.wishlist.remove(userId, id)) return { success: id };
    const addedLine = moved.value.extra;
    if (addedLine !== undefined) {
      await this.store.restore(userId, moved.value, (cart, now) =>
        takeBack(cart, addedLine, options.quantity, now),
      );
    }
    return { failure: notInWishlist(id) };
  }
}

/** GET /wishlist/bulk/operations/:id: the owner's operation (another user's answers not found). */
export class GetBulkOperation {
  constructor(
    private readonly operations: BulkOperationStore,
    private readonly clock: Clock,
  ) {}

  async execute(input: {
    userId: string;
    operationId: string;
  }): Promise<Result<BulkOperationView, DomainError>> {
    const found = isEntityId(input.operationId)
      ? await this.operations.find(input.operationId, input.userId, this.clock.now())
      : null;
    if (!found) return Err(domainError('BULK_OPERATION_NOT_FOUND', 'Bulk operation not found'));
    return Ok(viewOf(found));
  }
}

export interface BulkMoveResult {
  readonly moved: readonly string[];
  readonly wishlist: Product[];
  readonly cart: CartView;
}

/**
 * POST /wishlist/bulk/move-to-cart, all or nothing: every product must exist, be on the wishlist,
 * be available and have stock for the quantity (and offer the size); otherwise nothing changes and
 * BULK_MOVE_REFUSED names each failing id with its reason. On success the lines are added in ONE
 * version-guarded cart write (re-read and re-checked on a conflict, so parallel cart changes are
 * kept), and then the ids leave the wishlist in one update. A process dying between the two
 * leaves the lines in the cart and the ids on the wishlist: repeating the request finishes the
 * removal and does not double the lines, because a product already in the cart keeps its line as
 * it is.
 */
export class BulkMoveToCart {
  private readonly store: CartStore;

  constructor(
    private readonly wishlist: WishlistRepository,
    carts: CartRepository,
    private readonly products: ProductRepository,
    clock: Clock,
    private readonly ids: IdGenerator,
    bus: EventBus,
  ) {
    this.store = new CartStore(carts, products, clock, ids, bus);
  }

  async execute(input: {
    userId: string;
    productIds: readonly string[];
    options?: BulkLineOptions;
  }): Promise<Result<BulkMoveResult, DomainError>> {
    const ids = distinctIds(input.productIds);
    const options = input.options ?? { quantity: 1 };
    const favorites = new Set(await this.wishlist.get(input.userId));
    const found = await productMap(this.products, ids);
    const failed: BulkFailure[] = [];
    for (const id of ids) {
      if (!found.has(id)) failed.push(notFound(id));
      else if (!favorites.has(id)) failed.push(notInWishlist(id));
    }
    if (failed.length > 0) return Err(refused(failed));

    const written = await this.store.mutate(input.userId, ids, (cart, current, now) => {
      let next = cart;
      const problems: BulkFailure[] = [];
      for (const id of ids) {
        const product = current.get(id);
        if (!product) {
          problems.push(notFound(id));
          continue;
        }
        const line = moveLine(next, product, options, this.ids.next(), now);
        if (line.isErr()) problems.push(failureOf(id, line.error));
        else next = line.value.cart;
      }
      return problems.length > 0 ? Err(refused(problems)) : Ok({ cart: next, extra: undefined });
    });
    if (written.isErr()) return written;
    await this.wishlist.removeMany(input.userId, ids);
    return Ok({
      moved: ids,
      wishlist: await wishlistProducts(this.wishlist, this.products, input.userId),
      cart: written.value.view,
    });
  }
}

function refused(failed: readonly BulkFailure[]): DomainError {
  return domainError(
    'BULK_MOVE_REFUSED',
    `Nothing was moved: ${failed.length} product(s) cannot be moved to the cart`,
    { failed },
  );
}
