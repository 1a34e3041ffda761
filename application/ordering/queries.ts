import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { isEntityId } from '../shared/ids.js';
import type { Product } from '../../domain/catalog/product.js';
import { isOwnedBy, type Order } from '../../domain/ordering/order.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import type { ProductRepository } from '../catalog/index.js';
import { ORDER_KEYSET, type OrderListFilter, type OrderRepository } from './ports.js';
import {
  cursorListing,
  cursorRequest,
  cursorScope,
  pagingConflict,
  type ListingPage,
} from '../shared/cursor.js';

/** The default and largest page of a cursor walk over orders. */
export const ORDER_CURSOR_DEFAULT_LIMIT = 20;
export const ORDER_CURSOR_MAX_LIMIT = 100;

/** One cursor page of the orders matching `filter` (the cursor is bound to the filter). */
async function orderCursorPage(
  orders: OrderRepository,
  listing: string,
  filter: OrderListFilter,
  cursor: string,
  limit: number | undefined,
): Promise<Result<ListingPage<Order>, DomainError>> {
  const size = limit ?? ORDER_CURSOR_DEFAULT_LIMIT;
  if (!Number.isSafeInteger(size) || size < 1 || size > ORDER_CURSOR_MAX_LIMIT) {
    return Err(
      domainError('VALIDATION_FAILED', `limit must be a whole number from 1 to ${ORDER_CURSOR_MAX_LIMIT}`),
    );
  }
  const scope = cursorScope(listing, { ...filter });
  const request = cursorRequest(cursor, scope, ORDER_KEYSET, size);
  if (request.isErr()) return request;
  const page = await orders.listAfter(filter, request.value);
  return Ok(cursorListing(page, page.items, scope, size));
}

/** Someone else's order is "not found", never "forbidden": a 403 logs the shopper out (compat 5.3). */
export const orderNotFound = (): DomainError => domainError('ORDER_NOT_FOUND', 'Order not found');

export interface OrdersWithProducts {
  readonly orders: readonly Order[];
  /** Cursor mode only: the next page's cursor, null on the last page. */
  readonly nextCursor?: string | null;
  /** The products the orders' lines name (those still in the catalog), for population. */
  readonly products: readonly Product[];
}

/**
 * The caller's orders, newest first, with the products they name: all of them, or with `cursor`
 * ('' first, then `nextCursor`) one page of `limit` (default 20, at most 100).
 */
export class ListMyOrders {
  constructor(
    private readonly orders: OrderRepository,
    private readonly products: ProductRepository,
  ) {}

  async execute(input: {
    readonly userId: string;
    readonly cursor?: string;
    readonly limit?: number;
  }): Promise<Result<OrdersWithProducts, DomainError>> {
    let orders: readonly Order[];
    let nextCursor: { nextCursor?: string | null } = {};
    if (input.cursor === undefined) {
      orders = await this.orders.findByUser(input.userId);
    } else {
      const page = await orderCursorPage(
        this.orders,
        'my-orders',
        { userId: input.userId },
        input.cursor,
        input.limit,
      );
      if (page.isErr()) return page;
      orders = page.value.items;
      nextCursor = { nextCursor: page.value.nextCursor ?? null };
    }
    const ids = [...new Set(orders.flatMap((o) => o.items.map((i) => i.productId)))];
    const products = ids.length > 0 ? await this.products.findByIds(ids) : [];
    return Ok({ orders, products, ...nextCursor });
  }
}

/** An order by its id (24 hex) or its order number. */
export async function findOrder(orders: OrderRepository, ref: string): Promise<Order | null> {
  return isEntityId(ref) ? orders.findById(ref) : orders.findByNumber(ref);
}

/** One order, for its owner or an admin. */
export class GetOrder {
  constructor(private readonly orders: OrderRepository) {}

  async execute(input: {
    /** The order's id or order number. */
    readonly order: string;
    readonly userId: string;
    readonly isAdmin: boolean;
  }): Promise<Result<Order, DomainError>> {
    const order = await findOrder(this.orders, input.order);
    if (!order || (!input.isAdmin && !isOwnedBy(order, input.userId))) return Err(orderNotFound());
    return Ok(order);
  }
}

export interface ListAllOrdersInput {
  readonly status?: OrderStatus;
  /** 1 when absent. */
  readonly page?: number;
  readonly limit: number;
  /** Cursor paging instead of `page`: '' first, then the answer's `nextCursor`. */
  readonly cursor?: string;
}

/** Every order (admin), newest first, optionally by status. */
export class ListAllOrders {
  constructor(private readonly orders: OrderRepository) {}

  async execute(input: ListAllOrdersInput): Promise<Result<ListingPage<Order>, DomainError>> {
    const conflict = pagingConflict(input);
    if (conflict) return Err(conflict);
    const filter = input.status !== undefined ? { status: input.status } : {};
    if (input.cursor !== undefined) {
      return orderCursorPage(this.orders, 'orders', filter, input.cursor, input.limit);
    }
    const page = input.page ?? 1;
    if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(input.limit) || input.limit < 1) {
      return Err(domainError('VALIDATION_FAILED', 'page and limit must be positive whole numbers'));
    }
    return Ok(await this.orders.list(filter, page, input.limit));
  }
}
