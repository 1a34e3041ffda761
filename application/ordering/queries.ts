import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { isEntityId } from '../shared/ids.js';
import type { Product } from '../../domain/catalog/product.js';
import { isOwnedBy, type Order } from '../../domain/ordering/order.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import type { ProductRepository } from '../catalog/index.js';
import type { Page } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';

/** Someone else's order is "not found", never "forbidden": a 403 logs the shopper out (compat 5.3). */
export const orderNotFound = (): DomainError => domainError('ORDER_NOT_FOUND', 'Order not found');

export interface OrdersWithProducts {
  readonly orders: readonly Order[];
  /** The products the orders' lines name (those still in the catalog), for population. */
  readonly products: readonly Product[];
}

/** The caller's orders, newest first, with the products they name. */
export class ListMyOrders {
  constructor(
    private readonly orders: OrderRepository,
    private readonly products: ProductRepository,
  ) {}

  async execute(input: { readonly userId: string }): Promise<Result<OrdersWithProducts, DomainError>> {
    const orders = await this.orders.findByUser(input.userId);
    const ids = [...new Set(orders.flatMap((o) => o.items.map((i) => i.productId)))];
    const products = ids.length > 0 ? await this.products.findByIds(ids) : [];
    return Ok({ orders, products });
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
  readonly page: number;
  readonly limit: number;
}

/** Every order (admin), newest first, optionally by status. */
export class ListAllOrders {
  constructor(private readonly orders: OrderRepository) {}

  async execute(input: ListAllOrdersInput): Promise<Result<Page<Order>, DomainError>> {
    if (
      !Number.isSafeInteger(input.page) ||
      input.page < 1 ||
      !Number.isSafeInteger(input.limit) ||
      input.limit < 1
    ) {
      return Err(domainError('VALIDATION_FAILED', 'page and limit must be positive whole numbers'));
    }
    const filter = input.status !== undefined ? { status: input.status } : {};
    return Ok(await this.orders.list(filter, input.page, input.limit));
  }
}
