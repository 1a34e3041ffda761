import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Cart } from '../../domain/cart/cart.js';
import type { Product, ProductOption } from '../../domain/catalog/product.js';
import {
  placeOrder,
  renumber,
  type Order,
  type OrderLine,
  type OrderOption,
  type OrderChange,
  type OrderSource,
} from '../../domain/ordering/order.js';
import { makeOrderNumber } from '../../domain/ordering/order-number.js';
import type { ShippingMethod } from '../../domain/ordering/pricing.js';
import type { PaymentMethod } from '../../domain/ordering/status.js';
import type { CartRepository } from '../cart/ports.js';
import type { ProductRepository } from '../catalog/ports.js';
import type { AppLogger, Clock, EventBus, IdGenerator, RandomSource } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';
import { releaseAll, reserveAll, stockNeeds, type StockNeed } from './stock.js';

export interface PlaceOrderItemInput {
  /** Absent on lines that reached the storefront's cart through move-to-cart (compat 13). */
  readonly productId?: string;
  readonly quantity: number;
  /** An option name of the product; any price a client sends is ignored. */
  readonly size?: string;
  readonly vase?: string;
  readonly personalNote?: string;
}

export interface PlaceOrderInput {
  readonly userId: string;
  readonly items?: readonly PlaceOrderItemInput[];
  readonly shippingAddress: {
    readonly fullName: string;
    readonly street: string;
    readonly city: string;
    readonly state: string;
    readonly zipCode: string;
    readonly country?: string;
    readonly phone?: string;
  };
  readonly shippingMethod?: ShippingMethod;
  readonly paymentMethod?: PaymentMethod;
  readonly notes?: string;
}

export interface PlacedOrder {
  readonly order: Order;
  readonly source: OrderSource;
}

/** Attempts at finding a free order number before giving up (1000 numbers per millisecond). */
const NUMBER_ATTEMPTS = 20;
const CART_CLEAR_ATTEMPTS = 3;

/** What a line is before it becomes an order line. */
interface LineDraft {
  readonly productId: string;
  readonly quantity: number;
  readonly size?: string;
  readonly vase?: string;
  readonly personalNote?: string;
  /** Cart lines keep their stored option prices when the product no longer offers the option. */
  readonly fallbackSize?: OrderOption;
  readonly fallbackVase?: OrderOption;
  readonly cartItemId?: string;
}

function findOption(options: readonly ProductOption[], name: string): ProductOption | undefined {
  const wanted = name.trim().toLowerCase();
  return options.find((o) => o.name.trim().toLowerCase() === wanted);
}

/**
 * Places an order from the request's items, or from the shopper's server cart when the request
 * has none or any line lacks a product id. Prices come from the catalog only. Stock is taken with
 * guarded decrements before the order is written and put back if anything after fails, so stock
 * and order succeed or fail together under any interleaving.
 */
export class PlaceOrder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly products: ProductRepository,
    private readonly carts: CartRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly random: RandomSource,
    private readonly events: EventBus,
    private readonly logger: AppLogger,
  ) {}

  async execute(input: PlaceOrderInput): Promise<Result<PlacedOrder, DomainError>> {
    const requested = input.items ?? [];
    const fromRequest = requested.length > 0 && requested.every((i) => i.productId !== undefined);
    const source: OrderSource = fromRequest ? 'request' : 'cart';

    let cart: Cart | null = null;
    let drafts: LineDraft[];
    if (fromRequest) {
      drafts = requested.map((i) => ({
        productId: i.productId!,
        quantity: i.quantity,
        ...(i.size !== undefined ? { size: i.size } : {}),
        ...(i.vase !== undefined ? { vase: i.vase } : {}),
        ...(i.personalNote !== undefined ? { personalNote: i.personalNote } : {}),
      }));
    } else {
      cart = await this.carts.findByUserId(input.userId);
      drafts = (cart?.items ?? []).map((i) => ({
        productId: i.productId,
        quantity: i.quantity,
        ...(i.size !== undefined ? { size: i.size.name, fallbackSize: i.size } : {}),
        ...(i.vase !== undefined ? { vase: i.vase.name, fallbackVase: i.vase } : {}),
        ...(i.personalNote !== undefined ? { personalNote: i.personalNote } : {}),
        cartItemId: i.id,
      }));
    }
    if (drafts.length === 0) return Err(domainError('EMPTY_ORDER', 'No items to order'));

    const lines = await this.priceLines(drafts);
    if (lines.isErr()) return lines;

    const now = this.clock.now();
    const number = await this.freeOrderNumber(now);
    if (number.isErr()) return number;

    const placed = placeOrder({
      id: this.ids.next(),
      orderNumber: number.value,
      userId: input.userId,
      items: lines.value,
      shippingAddress: input.shippingAddress,
      ...(input.shippingMethod !== undefined ? { shippingMethod: input.shippingMethod } : {}),
      ...(input.paymentMethod !== undefined ? { paymentMethod: input.paymentMethod } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      source,
      now,
    });
    if (placed.isErr()) return placed;

    const needs = stockNeeds(placed.value.order.items);
    const short = await reserveAll(this.products, needs);
    if (short) return Err(domainError('INSUFFICIENT_STOCK', `Insufficient stock for ${short.name}`));

    let saved: Result<OrderChange, DomainError>;
    try {
      saved = await this.save(placed.value, now);
    } catch (error) {
      await releaseAll(this.products, needs);
      throw error;
    }
    if (saved.isErr()) {
      await releaseAll(this.products, needs);
      return saved;
    }
    const { order, events } = saved.value;

    await this.afterPlacing(order, needs, cart, drafts);
    await this.events.publish(events);
    return Ok({ order, source });
  }

  /** Catalog prices for every line; unknown products and option names are refused. */
  private async priceLines(drafts: readonly LineDraft[]): Promise<Result<OrderLine[], DomainError>> {
    const ids = [...new Set(drafts.map((d) => d.productId))];
    const found = await this.products.findByIds(ids);
    const byId = new Map(found.map((p) => [p.id, p]));
    const lines: OrderLine[] = [];
    for (const draft of drafts) {
      const product = byId.get(draft.productId);
      if (!product) return Err(domainError('PRODUCT_NOT_FOUND', `Product ${draft.productId} not found`));
      const size = this.option(product, 'size', draft.size, draft.fallbackSize);
      if (size.isErr()) return size;
      const vase = this.option(product, 'vase', draft.vase, draft.fallbackVase);
      if (vase.isErr()) return vase;
      const note = draft.personalNote?.trim();
      const image = product.images[0]?.url;
      lines.push({
        id: this.ids.next(),
        productId: product.id,
        name: product.name,
        unitPrice: product.price,
        quantity: draft.quantity,
        ...(size.value !== undefined ? { size: size.value } : {}),
        ...(vase.value !== undefined ? { vase: vase.value } : {}),
        ...(note ? { personalNote: note } : {}),
        ...(image !== undefined ? { image } : {}),
      });
    }
    return Ok(lines);
  }

  private option(
    product: Product,
    kind: 'size' | 'vase',
    name: string | undefined,
    fallback: OrderOption | undefined,
  ): Result<OrderOption | undefined, DomainError> {
    if (name === undefined || name.trim() === '') return Ok(undefined);
    const match = findOption(kind === 'size' ? product.sizes : product.vases, name);
    if (match) return Ok({ name: match.name, price: match.price });
    if (fallback) return Ok({ name: fallback.name, price: fallback.price });
    return Err(
      domainError('UNKNOWN_OPTION', `Unknown ${kind} "${name}" for ${product.name}`, { option: kind, name }),
    );
  }

  /** A number no stored order has; the unique insert in `save` settles any remaining race. */
  private async freeOrderNumber(now: Date): Promise<Result<string, DomainError>> {
    for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
      const candidate = makeOrderNumber(now, this.random.int(1000));
      if (!(await this.orders.findByNumber(candidate))) return Ok(candidate);
    }
    return Err(domainError('CONFLICT', 'Could not allocate an order number, please try again'));
  }

  /** The unique insert; on an order-number clash the order is renumbered and inserted again. */
  private async save(change: OrderChange, now: Date): Promise<Result<OrderChange, DomainError>> {
    let candidate = change;
    for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
      const created = await this.orders.create(candidate.order);
      if (created.isOk()) return Ok({ order: created.value, events: candidate.events });
      if (created.error.details?.field !== 'orderNumber') return Err(created.error);
      const number = await this.freeOrderNumber(now);
      if (number.isErr()) return number;
      candidate = renumber(candidate, number.value);
    }
    return Err(domainError('CONFLICT', 'Could not allocate an order number, please try again'));
  }

  /** Popularity and the emptied cart; failures here never undo a placed order. */
  private async afterPlacing(
    order: Order,
    needs: readonly StockNeed[],
    cart: Cart | null,
    drafts: readonly LineDraft[],
  ): Promise<void> {
    try {
      for (const need of needs) await this.products.recordSale(need.productId, need.quantity);
    } catch (error) {
      this.logger.warn('recording sales failed', { orderId: order.id, error: String(error) });
    }
    if (!cart) return;
    const ordered = new Set(drafts.map((d) => d.cartItemId));
    try {
      let current: Cart | null = cart;
      for (let attempt = 0; attempt < CART_CLEAR_ATTEMPTS && current; attempt++) {
        const remaining = current.items.filter((i) => !ordered.has(i.id));
        const result = await this.carts.save({ ...current, items: remaining, updatedAt: order.createdAt });
        if (result.isOk()) return;
        current = await this.carts.findByUserId(order.userId);
      }
      this.logger.warn('could not empty the cart after placing an order', { orderId: order.id });
    } catch (error) {
      this.logger.warn('emptying the cart failed', { orderId: order.id, error: String(error) });
    }
  }
}
