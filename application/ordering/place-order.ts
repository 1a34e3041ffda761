import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Cart } from '../../domain/cart/cart.js';
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
import { chooseOption, promoLines } from '../../domain/shared/line-pricing.js';
import type { Money } from '../../domain/shared/money.js';
import type { Product } from '../../domain/catalog/product.js';
import type { PromoCodeRepository, PromoEvaluator } from '../promotions/index.js';
import type { PaymentMethod } from '../../domain/ordering/status.js';
import type { CartRepository } from '../cart/index.js';
import type { ProductRepository } from '../catalog/index.js';
import type { AppLogger, Clock, EventBus, IdGenerator, RandomSource } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';
import type { StockHold } from '../inventory/index.js';
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

/**
 * Places an order from the request's items, or from the shopper's server cart when the request
 * has none or any line lacks a product id. Prices come from the catalog only.
 *
 * Stock and order succeed or fail together without a multi-document transaction, through the
 * inventory's StockHold: the stock is held for the pre-generated order id, the order is written,
 * then the hold is committed (or abandoned after an expected failure, or settled by whether the
 * order was stored when the write threw). If the process dies at any point, the hold's intents
 * expire and the sweeper (SweepStockReservations) settles them through the same StockHold.
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
    private readonly stockHold: StockHold,
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
      const lines = promoLines(priced.value.lines, priced.value.products);
      const evaluated = await this.promoEvaluator.evaluate(promoCode, input.userId, lines, shippingFee);
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
    const hold = await this.stockHold.hold(pending.id, pending.items, now);
    if (hold.isErr()) return hold;
    const held = hold.value;

    let saved: Result<OrderChange, DomainError>;
    try {
      saved = await this.save(change, now);
    } catch (error) {
      await this.stockHold.settleAfterFailedSave(
        pending.id,
        held,
        async () => (await this.orders.findById(pending.id)) !== null,
      );
      throw error;
    }
    if (saved.isErr()) {
      await this.stockHold.abandon(pending.id, held);
      return saved;
    }
    const { order, events } = saved.value;

    await this.stockHold.commit(order.id, held);
    await this.events.publish(events);
    return Ok({ order, source });
  }

  /** Catalog prices for every line; unknown products and option names are refused. */
  private async priceLines(
    drafts: readonly LineDraft[],
  ): Promise<Result<{ lines: OrderLine[]; products: Map<string, Product> }, DomainError>> {
    const ids = [...new Set(drafts.map((d) => d.productId))];
    const found = await this.products.findByIds(ids);
    const byId = new Map(found.map((p) => [p.id, p]));
    const lines: OrderLine[] = [];
    for (const draft of drafts) {
      const product = byId.get(draft.productId);
      if (!product) return Err(domainError('PRODUCT_NOT_FOUND', `Product ${draft.productId} not found`));
      const size = chooseOption(product, 'size', draft.size, draft.fallbackSize);
      if (size.isErr()) return size;
      const vase = chooseOption(product, 'vase', draft.vase, draft.fallbackVase);
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
    return Ok({ lines, products: byId });
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
      if (created.error.code !== 'CONFLICT' || created.error.details?.field !== 'orderNumber') {
        return Err(created.error);
      }
      const number = await this.freeOrderNumber(now);
      if (number.isErr()) return number;
      candidate = renumber(candidate, number.value);
    }
    return Err(domainError('CONFLICT', 'Could not allocate an order number, please try again'));
  }
}
