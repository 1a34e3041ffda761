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
import { SHIPPING_FEES, type ShippingMethod } from '../../domain/ordering/pricing.js';
import type { PromoLine } from '../../domain/promotions/promo-code.js';
import type { Money } from '../../domain/shared/money.js';
import type { PromoCodeRepository } from '../promotions/ports.js';
import type { PromoEvaluator } from '../promotions/use-cases.js';
import type { PaymentMethod } from '../../domain/ordering/status.js';
import type { CartRepository } from '../cart/ports.js';
import type { ProductRepository } from '../catalog/ports.js';
import type { AppLogger, Clock, EventBus, IdGenerator, RandomSource } from '../shared/ports.js';
import type {
  OrderRepository,
  StockReservation,
  StockReservationPolicy,
  StockReservationRepository,
} from './ports.js';
import { releaseHeld, reserveAll, stockNeeds, type HeldStock, type StockNeed } from './stock.js';
import type { UnpaidOrderCap } from './unpaid-order-cap.js';

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
  /** A promo code; when absent, the code applied to the shopper's server cart (if any). */
  readonly promoCode?: string;
}

export interface PlacedOrder {
  readonly order: Order;
  readonly source: OrderSource;
}

/** Attempts at finding a free order number before giving up (1000 numbers per millisecond). */
const NUMBER_ATTEMPTS = 20;

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
 * has none or any line lacks a product id. Prices come from the catalog only.
 *
 * Stock and order succeed or fail together without a multi-document transaction:
 * 1. an intent per product (reservation id, the pre-generated order id, quantity, expiry) is
 *    recorded in the reservation store;
 * 2. each product's stock is taken with one guarded update that also marks the product with the
 *    reservation id (never oversells, whatever the interleaving);
 * 3. the order is written;
 * 4. each marker is committed (the stock stays taken) and the intents are deleted.
 * An expected failure puts back what was taken and deletes the intents. If the process dies at
 * any point, the intents expire and the sweeper (SweepStockReservations) settles them: it keeps
 * the stock when the order exists and puts it back, at most once, when it does not.
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
    private readonly reservations: StockReservationRepository,
    private readonly policy: Pick<StockReservationPolicy, 'ttlMs'>,
    private readonly promoCodes?: PromoCodeRepository,
    private readonly promoEvaluator?: PromoEvaluator,
    private readonly unpaidCap?: UnpaidOrderCap,
  ) {}

  /**
   * One account may not hold the shop's stock in unpaid orders: a placement first claims one of
   * the shopper's unpaid-order slots (an atomic insert, see UnpaidOrderCap), so however many run
   * in parallel, on however many instances, at most the cap of them go on; the others are refused
   * before they redeem a promo use or take stock. A placement that does not store its order gives
   * its slot back at once; one that dies leaves a slot that frees itself once stale.
   */
  async execute(input: PlaceOrderInput): Promise<Result<PlacedOrder, DomainError>> {
    const orderId = this.ids.next();
    const slot = this.unpaidCap ? await this.unpaidCap.claim(input.userId, orderId, this.clock.now()) : null;
    if (this.unpaidCap && !slot) {
      return Err(
        domainError(
          'TOO_MANY_UNPAID_ORDERS',
          `You already have ${this.unpaidCap.cap} orders awaiting payment; pay or cancel one first`,
          { limit: this.unpaidCap.cap },
        ),
      );
    }
    if (!slot) return this.place(input, orderId);
    let result: Result<PlacedOrder, DomainError>;
    try {
      result = await this.place(input, orderId);
    } catch (error) {
      // Whether the order was stored is unknown: keep the slot when it was (or when that cannot
      // be told: it frees itself once stale), give it back when it was not.
      if ((await this.orders.findById(orderId).catch(() => undefined)) === null) {
        await this.unpaidCap!.release(slot);
      }
      throw error;
    }
    if (result.isErr()) await this.unpaidCap!.release(slot);
    return result;
  }

  private async place(input: PlaceOrderInput, orderId: string): Promise<Result<PlacedOrder, DomainError>> {
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

    const priced = await this.priceLines(drafts);
    if (priced.isErr()) return priced;

    // The promo code: the request's, else the one applied to the server cart. It must apply now
    // (else the order is refused with its reason); it is redeemed below, before stock is taken.
    const promoCode =
      input.promoCode ?? (cart ?? (await this.carts.findByUserId(input.userId)))?.promoCode ?? undefined;
    let discount: Money = 0;
    let redeemedCode: string | null = null;
    if (promoCode !== undefined) {
      if (!this.promoEvaluator || !this.promoCodes) {
        return Err(domainError('PROMO_NOT_FOUND', 'Promo code not found'));
      }
      const shippingFee = SHIPPING_FEES[input.shippingMethod ?? 'standard'];
      const promoLines: PromoLine[] = priced.value.lines.map((l) => ({
        categoryId: priced.value.categories.get(l.productId) ?? '',
        total: (l.unitPrice + (l.size?.price ?? 0) + (l.vase?.price ?? 0)) * l.quantity,
      }));
      const evaluated = await this.promoEvaluator.evaluate(promoCode, input.userId, promoLines, shippingFee);
      if (evaluated.isErr()) return evaluated;
      discount = evaluated.value.discount.discount;
      redeemedCode = evaluated.value.promo.code;
    }

    const now = this.clock.now();
    const number = await this.freeOrderNumber(now);
    if (number.isErr()) return number;

    const placed = placeOrder({
      ...(discount > 0 ? { discount } : {}),
      ...(redeemedCode !== null ? { promoCode: redeemedCode } : {}),
      id: orderId,
      orderNumber: number.value,
      userId: input.userId,
      items: priced.value.lines,
      shippingAddress: input.shippingAddress,
      ...(input.shippingMethod !== undefined ? { shippingMethod: input.shippingMethod } : {}),
      ...(input.paymentMethod !== undefined ? { paymentMethod: input.paymentMethod } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      source,
      ...(cart !== null ? { cartItemIds: drafts.flatMap((d) => (d.cartItemId ? [d.cartItemId] : [])) } : {}),
      now,
    });
    if (placed.isErr()) return placed;

    const pending = placed.value.order;
    if (redeemedCode !== null) {
      // Atomic and bounded in the repository: exactly the remaining uses succeed under a race.
      const redeemed = await this.promoCodes!.redeem(redeemedCode, input.userId, pending.id, now);
      if (redeemed.isErr()) return redeemed;
    }
    try {
      const result = await this.placeWithStock(placed.value, pending, now, source);
      if (result.isErr() && redeemedCode !== null) await this.releasePromo(redeemedCode, pending.id);
      return result;
    } catch (error) {
      if (redeemedCode !== null) await this.releasePromoUnlessStored(redeemedCode, pending.id);
      throw error;
    }
  }

  /** Compensation for the redemption: an order that was not placed gives its use back. */
  private async releasePromo(code: string, orderId: string): Promise<void> {
    try {
      await this.promoCodes!.release(code, orderId);
    } catch (error) {
      this.logger.warn('releasing a promo redemption failed', { orderId, error: String(error) });
    }
  }

  private async releasePromoUnlessStored(code: string, orderId: string): Promise<void> {
    try {
      if (await this.orders.findById(orderId)) return;
    } catch {
      return;
    }
    await this.releasePromo(code, orderId);
  }

  private async placeWithStock(
    change: OrderChange,
    pending: Order,
    now: Date,
    source: OrderSource,
  ): Promise<Result<PlacedOrder, DomainError>> {
    const held: HeldStock[] = stockNeeds(pending.items).map((need) => ({
      ...need,
      reservationId: this.ids.next(),
    }));
    const expiresAt = new Date(now.getTime() + this.policy.ttlMs);
    await this.reservations.record(
      held.map((h): StockReservation => ({
        id: h.reservationId,
        orderId: pending.id,
        productId: h.productId,
        quantity: h.quantity,
        expiresAt,
      })),
    );
    let short: StockNeed | null;
    try {
      short = await reserveAll(this.products, held);
    } catch (error) {
      await this.abandon(pending.id, held);
      throw error;
    }
    if (short) {
      await this.forgetIntents(pending.id, held);
      return Err(domainError('INSUFFICIENT_STOCK', `Insufficient stock for ${short.name}`));
    }

    let saved: Result<OrderChange, DomainError>;
    try {
      saved = await this.save(change, now);
    } catch (error) {
      await this.settleAfterFailedSave(pending.id, held);
      throw error;
    }
    if (saved.isErr()) {
      await this.abandon(pending.id, held);
      return saved;
    }
    const { order, events } = saved.value;

    await this.commit(order, held);
    await this.events.publish(events);
    return Ok({ order, source });
  }

  /**
   * The order is stored: each product keeps the stock its reservation took and forgets the
   * marker, then the intents go. A failure here is logged only: the order stands and the sweeper
   * commits whatever is left once the intents expire.
   */
  private async commit(order: Order, held: readonly HeldStock[]): Promise<void> {
    try {
      for (const h of held) {
        if (await this.products.commitReservation(h.productId, h.reservationId)) continue;
        // The marker is gone: the placement outlived its reservation and the sweeper put the
        // stock back. Take it again, plainly, so the stored order is backed by stock.
        await this.retake(order, h);
      }
      await this.reservations.remove(held.map((h) => h.reservationId));
    } catch (error) {
      this.logger.warn('committing stock reservations failed; the sweeper will finish', {
        orderId: order.id,
        error: String(error),
      });
    }
  }

  private async retake(order: Order, h: HeldStock): Promise<void> {
    const again = this.ids.next();
    if (await this.products.reserveStock(h.productId, h.quantity, again)) {
      await this.products.commitReservation(h.productId, again);
      this.logger.warn('stock reservation had expired before the order was stored; stock taken again', {
        orderId: order.id,
        productId: h.productId,
      });
      return;
    }
    this.logger.error('stock reservation expired before the order was stored and the stock is gone', {
      orderId: order.id,
      productId: h.productId,
      quantity: h.quantity,
    });
  }

  /** An expected failure after stock was taken: put it back and delete the intents. */
  private async abandon(orderId: string, held: readonly HeldStock[]): Promise<void> {
    try {
      await releaseHeld(this.products, held);
    } catch (error) {
      this.logger.warn('putting reserved stock back failed; the sweeper will finish', {
        orderId,
        error: String(error),
      });
      return;
    }
    await this.forgetIntents(orderId, held);
  }

  /** Deletes the intents; on failure they expire and the sweeper settles them. */
  private async forgetIntents(orderId: string, held: readonly HeldStock[]): Promise<void> {
    try {
      await this.reservations.remove(held.map((h) => h.reservationId));
    } catch (error) {
      this.logger.warn('deleting stock reservation intents failed; the sweeper will finish', {
        orderId,
        error: String(error),
      });
    }
  }

  /**
   * Writing the order threw, so whether it was stored is unknown: keep the stock when it was,
   * put it back when it was not. When even that cannot be told, the sweeper decides later.
   */
  private async settleAfterFailedSave(orderId: string, held: readonly HeldStock[]): Promise<void> {
    let stored: Order | null;
    try {
      stored = await this.orders.findById(orderId);
    } catch (error) {
      this.logger.warn('could not tell whether a failed order write was stored; the sweeper will settle', {
        orderId,
        error: String(error),
      });
      return;
    }
    if (stored) await this.commit(stored, held);
    else await this.abandon(orderId, held);
  }

  /** Catalog prices for every line; unknown products and option names are refused. */
  private async priceLines(
    drafts: readonly LineDraft[],
  ): Promise<Result<{ lines: OrderLine[]; categories: Map<string, string> }, DomainError>> {
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
    return Ok({ lines, categories: new Map(found.map((p) => [p.id, p.categoryId ?? ''])) });
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
      const created = await this.orders.create(candidate.order, candidate.events);
      if (created.isOk()) return Ok({ order: created.value, events: candidate.events });
      if (created.error.details?.field !== 'orderNumber') return Err(created.error);
      const number = await this.freeOrderNumber(now);
      if (number.isErr()) return number;
      candidate = renumber(candidate, number.value);
    }
    return Err(domainError('CONFLICT', 'Could not allocate an order number, please try again'));
  }
}
