import type { Product } from '../catalog/product.js';
import { domainError, type DomainError } from '../shared/errors.js';
import { chooseOption, lineTotal, repriceLine, type ChosenOption } from '../shared/line-pricing.js';
import type { Money } from '../shared/money.js';
import { Err, Ok, type Result } from '../shared/result.js';

/** A chosen size or vase, priced from the product's own options when it was added. */
export type { ChosenOption } from '../shared/line-pricing.js';

export interface CartItem {
  readonly id: string;
  readonly productId: string;
  readonly quantity: number;
  /** The product's base price when the line was last priced. */
  readonly unitPrice: Money;
  readonly size?: ChosenOption;
  readonly vase?: ChosenOption;
  readonly personalNote?: string;
}

/** The Cart aggregate's state; its behaviour lives beside it in this folder. */
export interface Cart {
  readonly id: string;
  readonly userId: string;
  readonly items: readonly CartItem[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** 0 for a cart never saved; incremented by every save. */
  readonly version: number;
  /** The promo code the shopper applied (uppercase); re-validated on every read. */
  readonly promoCode?: string;
}

/*
 * Behaviour of the Cart aggregate: pure functions over the state above.
 *
 * Invariants guarded here:
 * - every line's quantity is a whole number >= 1;
 * - after any change that sets or adds quantity, the total quantity of a product over all lines
 *   is at most the product's current stock (INSUFFICIENT_STOCK, with the units `available`), and
 *   the product is available for sale (PRODUCT_UNAVAILABLE, whatever its stock);
 * - a size or vase is chosen by name from the product's own `sizes`/`vases` (case-insensitive,
 *   stored under the product's spelling) and priced from it (UNKNOWN_OPTION otherwise), by the
 *   shared line-pricing rules (domain/shared/line-pricing.ts);
 * - a personal note is at most 500 characters; blank notes count as no note.
 *
 * Merge rule: adding a product already in the cart with the SAME size, vase and personal note adds
 * to that line's quantity; any other configuration becomes a new line. Editing a line (quantity or
 * note) never merges it into another line, so line ids the client holds stay valid.
 *
 * Pricing: all money is integer minor units. line total (shared line pricing) = (unitPrice +
 * size.price + vase.price) * quantity; subtotal = sum of line totals; total = subtotal (promotions come later). Prices are
 * never taken from the client: `repriceCart` re-reads base and option prices from the current
 * products whenever the cart is read or changed (the application layer calls it before every
 * change and on every read), drops lines whose product no longer exists, and keeps an option's
 * last known price when the product no longer offers that option.
 */

export const MAX_PERSONAL_NOTE_LENGTH = 500;

export interface CartTotals {
  readonly subtotal: Money;
  readonly total: Money;
}

/** What a shopper asks to add: options by name, never by price. */
export interface LineRequest {
  readonly product: Product;
  readonly quantity: number;
  readonly size?: string;
  readonly vase?: string;
  readonly personalNote?: string;
}

export interface AddedLine {
  readonly cart: Cart;
  /** The line that received the quantity (an existing one when merged). */
  readonly itemId: string;
  readonly merged: boolean;
}

export function newCart(id: string, userId: string, now: Date): Cart {
  return { id, userId, items: [], createdAt: now, updatedAt: now, version: 0 };
}

export function cartTotals(cart: Cart): CartTotals {
  const subtotal = cart.items.reduce((sum, item) => sum + lineTotal(item), 0);
  return { subtotal, total: subtotal };
}

/** Units of `productId` over all lines of the cart. */
export function quantityOf(cart: Cart, productId: string): number {
  return cart.items.reduce((sum, item) => (item.productId === productId ? sum + item.quantity : sum), 0);
}

export function findLine(cart: Cart, itemId: string): CartItem | undefined {
  return cart.items.find((item) => item.id === itemId);
}

function isValidQuantity(quantity: number): boolean {
  return Number.isSafeInteger(quantity) && quantity >= 1;
}

function invalidQuantity(): DomainError {
  return domainError('INVALID_QUANTITY', 'Quantity must be a whole number of at least 1');
}

/**
 * A product can hold `total` units of a cart when it is available for sale and has that many in
 * stock. An unavailable product is refused as such (PRODUCT_UNAVAILABLE), not as a stock problem:
 * its stock may be plentiful, and "available: 0" would tell the shopper to try a smaller quantity.
 */
export function checkStock(product: Product, total: number): Result<void, DomainError> {
  if (!product.inventory.isAvailable) {
    return Err(
      domainError('PRODUCT_UNAVAILABLE', 'Product is currently unavailable', { productId: product.id }),
    );
  }
  if (product.inventory.stock < total) {
    return Err(
      domainError('INSUFFICIENT_STOCK', 'Insufficient stock', {
        productId: product.id,
        available: product.inventory.stock,
      }),
    );
  }
  return Ok(undefined);
}

function normalizeNote(note: string | undefined): Result<string | undefined, DomainError> {
  if (note === undefined) return Ok(undefined);
  const trimmed = note.trim();
  if (trimmed.length > MAX_PERSONAL_NOTE_LENGTH) {
    return Err(
      domainError(
        'VALIDATION_FAILED',
        `Personal note must be at most ${MAX_PERSONAL_NOTE_LENGTH} characters`,
        {
          errors: [
            { field: 'personalNote', message: `must be at most ${MAX_PERSONAL_NOTE_LENGTH} characters` },
          ],
        },
      ),
    );
  }
  return Ok(trimmed === '' ? undefined : trimmed);
}

function sameConfiguration(
  item: CartItem,
  size: ChosenOption | undefined,
  vase: ChosenOption | undefined,
  note: string | undefined,
): boolean {
  return item.size?.name === size?.name && item.vase?.name === vase?.name && item.personalNote === note;
}

function withOptionals(
  base: Omit<CartItem, 'size' | 'vase' | 'personalNote'>,
  size: ChosenOption | undefined,
  vase: ChosenOption | undefined,
  note: string | undefined,
): CartItem {
  return {
    ...base,
    ...(size ? { size } : {}),
    ...(vase ? { vase } : {}),
    ...(note !== undefined ? { personalNote: note } : {}),
  };
}

/**
 * Adds `request.quantity` units of a product with the given options. Merges into the line with the
 * same size, vase and note, else appends a new line with id `newLineId`. Prices come from the product.
 */
export function addLine(
  cart: Cart,
  request: LineRequest,
  newLineId: string,
  now: Date,
): Result<AddedLine, DomainError> {
  const { product, quantity } = request;
  if (!isValidQuantity(quantity)) return Err(invalidQuantity());
  const size = chooseOption(product, 'size', request.size);
  if (size.isErr()) return size;
  const vase = chooseOption(product, 'vase', request.vase);
  if (vase.isErr()) return vase;
  const note = normalizeNote(request.personalNote);
  if (note.isErr()) return note;
  const stock = checkStock(product, quantityOf(cart, product.id) + quantity);
  if (stock.isErr()) return stock;

  const existing = cart.items.find(
    (item) => item.productId === product.id && sameConfiguration(item, size.value, vase.value, note.value),
  );
  if (existing) {
    const items = cart.items.map((item) =>
      item.id === existing.id
        ? { ...item, quantity: item.quantity + quantity, unitPrice: product.price }
        : item,
    );
    return Ok({ cart: { ...cart, items, updatedAt: now }, itemId: existing.id, merged: true });
  }
  const line = withOptionals(
    { id: newLineId, productId: product.id, quantity, unitPrice: product.price },
    size.value,
    vase.value,
    note.value,
  );
  return Ok({
    cart: { ...cart, items: [...cart.items, line], updatedAt: now },
    itemId: newLineId,
    merged: false,
  });
}

export interface LineChanges {
  readonly quantity?: number;
  /** A blank note removes the note. */
  readonly personalNote?: string;
}

/**
 * Changes a line's quantity and/or note. `product` is the line's current product (for the stock
 * check). CART_ITEM_NOT_FOUND when the line does not exist.
 */
export function updateLine(
  cart: Cart,
  itemId: string,
  changes: LineChanges,
  product: Product | null,
  now: Date,
): Result<Cart, DomainError> {
  const line = findLine(cart, itemId);
  if (!line) return Err(domainError('CART_ITEM_NOT_FOUND', 'Item not found in cart'));
  let next: CartItem = line;
  if (changes.quantity !== undefined) {
    if (!isValidQuantity(changes.quantity)) return Err(invalidQuantity());
    if (!product || product.id !== line.productId) {
      return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
    }
    const total = quantityOf(cart, line.productId) - line.quantity + changes.quantity;
    const stock = checkStock(product, total);
    if (stock.isErr()) return stock;
    next = { ...next, quantity: changes.quantity };
  }
  if (changes.personalNote !== undefined) {
    const note = normalizeNote(changes.personalNote);
    if (note.isErr()) return note;
    const { personalNote: _old, ...rest } = next;
    next = note.value === undefined ? rest : { ...rest, personalNote: note.value };
  }
  if (next === line) return Ok(cart);
  return Ok({ ...cart, items: cart.items.map((item) => (item.id === itemId ? next : item)), updatedAt: now });
}

/** Removes a line; an unknown id is a no-op (answers the same cart). */
export function removeLine(cart: Cart, itemId: string, now: Date): Cart {
  if (!findLine(cart, itemId)) return cart;
  return { ...cart, items: cart.items.filter((item) => item.id !== itemId), updatedAt: now };
}

export function clearCart(cart: Cart, now: Date): Cart {
  if (cart.items.length === 0) return cart;
  return { ...cart, items: [], updatedAt: now };
}

/**
 * Takes `quantity` units back out of a line (compensation for an add): the line's quantity drops
 * by that much, and the line disappears when nothing is left. Unknown line: no-op.
 */
export function takeBack(cart: Cart, itemId: string, quantity: number, now: Date): Cart {
  const line = findLine(cart, itemId);
  if (!line) return cart;
  if (line.quantity <= quantity) return removeLine(cart, itemId, now);
  return {
    ...cart,
    items: cart.items.map((item) =>
      item.id === itemId ? { ...item, quantity: item.quantity - quantity } : item,
    ),
    updatedAt: now,
  };
}

/**
 * Re-reads every line's prices from the current products (`products` by id). Lines whose product
 * is gone are dropped. `changed` says whether anything differs, so callers can skip a write.
 */
export function repriceCart(
  cart: Cart,
  products: ReadonlyMap<string, Product>,
  now: Date,
): { cart: Cart; changed: boolean } {
  let changed = false;
  const items: CartItem[] = [];
  for (const item of cart.items) {
    const product = products.get(item.productId);
    if (!product) {
      changed = true;
      continue;
    }
    const repriced = repriceLine(item, product);
    if (repriced !== item) changed = true;
    items.push(repriced);
  }
  return changed ? { cart: { ...cart, items, updatedAt: now }, changed } : { cart, changed };
}

/** Stores the applied promo code (uppercase); the caller has validated it. */
export function applyPromoCode(cart: Cart, code: string, now: Date): Cart {
  const upper = code.trim().toUpperCase();
  return cart.promoCode === upper ? cart : { ...cart, promoCode: upper, updatedAt: now };
}

export function removePromoCode(cart: Cart, now: Date): Cart {
  if (cart.promoCode === undefined) return cart;
  const { promoCode: _removed, ...rest } = cart;
  return { ...rest, updatedAt: now };
}
