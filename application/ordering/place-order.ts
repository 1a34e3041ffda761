import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Cart } from '../../domain/cart/cart.js';
import { placeOrder, type Order, type OrderChange, type OrderSource } from '../../domain/ordering/order.js';
import { methodForSlot, SHIPPING_FEES, type ShippingMethod } from '../../domain/ordering/pricing.js';
import type { GiftDetails } from '../../domain/ordering/order.js';
import type { ChosenSlot, DeliveryChoice, DeliverySlotBooking } from '../delivery/index.js';
import { promoLines } from '../../domain/shared/line-pricing.js';
import type { PromoCodeRepository, PromoEvaluator } from '../promotions/index.js';
import type { PaymentMethod } from '../../domain/ordering/status.js';
import type { CartRepository } from '../cart/index.js';
import type { ProductRepository } from '../catalog/index.js';
import type { AppLogger, Clock, EventBus, IdGenerator, RandomSource } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';
import type { StockHold } from '../inventory/index.js';
import type { UnpaidOrderCap } from './unpaid-order-cap.js';
import { OrderNumbers } from './order-numbers.js';
import { priceDrafts, uniqueProductIds, type LineDraft } from './line-drafts.js';
import { OrderPromoRedemption, type AppliedPromo } from './order-promo.js';

/** One line the request names. */
export interface RequestedLine {
  readonly productId: string;
  readonly quantity: number;
  /** An option name of the product; any price a client sends is ignored. */
  readonly size?: string;
  readonly vase?: string;
  readonly personalNote?: string;
}

/**
 * Where the order's lines come from, decided by the caller (the HTTP edge applies the
 * storefront's rule, compat 13): the lines the request names, or the shopper's server cart.
 */
export type PlaceOrderLines =
  { readonly from: 'request'; readonly items: readonly RequestedLine[] } | { readonly from: 'cart' };

export interface PlaceOrderInput {
  readonly userId: string;
  readonly lines: PlaceOrderLines;
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
  /** A delivery date and slot: booked with the order (its capacity is taken atomically). */
  readonly delivery?: DeliveryChoice;
  readonly gift?: GiftDetails;
}

export interface PlacedOrder {
  readonly order: Order;
  readonly source: OrderSource;
}

/** The drafts of an order's lines, and the server cart when they came from it. */
interface Drafted {
  readonly drafts: readonly LineDraft[];
  readonly cart: Cart | null;
}

/**
 * Places an order from the request's lines or from the shopper's server cart, as the input says.
 * Prices come from the catalog only.
 *
 * Stock and order succeed or fail together without a multi-document transaction, through the
 * inventory's StockHold: the stock is held for the pre-generated order id, the order is written,
 * then the hold is committed (or abandoned after an expected failure, or settled by whether the
 * order was stored when the write threw). If the process dies at any point, the hold's intents
 * expire and the sweeper (SweepStockReservations) settles them through the same StockHold.
 * What happens after placement (sale, cart emptying, mails) is the `ordering.order-placed`
 * event's handlers.
 */
export class PlaceOrder {
  private readonly numbers: OrderNumbers;
  private readonly promo: OrderPromoRedemption;

  constructor(
    private readonly orders: OrderRepository,
    private readonly products: ProductRepository,
    private readonly carts: CartRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    random: RandomSource,
    private readonly events: EventBus,
    logger: AppLogger,
    private readonly stockHold: StockHold,
    promoCodes?: PromoCodeRepository,
    promoEvaluator?: PromoEvaluator,
    private readonly unpaidCap?: UnpaidOrderCap,
    private readonly slotBooking?: DeliverySlotBooking,
  ) {
    this.numbers = new OrderNumbers(orders, random);
    this.promo = new OrderPromoRedemption(orders, logger, promoCodes, promoEvaluator);
  }

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
    const source: OrderSource = input.lines.from;
    const { drafts, cart } =
      input.lines.from === 'request'
        ? this.fromRequest(input.lines.items)
        : await this.fromCart(input.userId);
    if (drafts.length === 0) return Err(domainError('EMPTY_ORDER', 'No items to order'));

    const priced = priceDrafts(drafts, await this.products.findByIds(uniqueProductIds(drafts)), this.ids);
    if (priced.isErr()) return priced;

    const now = this.clock.now();
    // The delivery slot (open now?) and the shipping method it implies (methodForSlot).
    let chosen: ChosenSlot | null = null;
    let shippingMethod = input.shippingMethod;
    if (input.delivery !== undefined) {
      if (!this.slotBooking) {
        return Err(domainError('DELIVERY_SLOT_UNKNOWN', 'Delivery slots are not offered', { slots: [] }));
      }
      const checked = this.slotBooking.check(input.delivery, now);
      if (checked.isErr()) return checked;
      chosen = checked.value;
      const method = methodForSlot(input.shippingMethod, chosen.sameDay);
      if (method === null) {
        const problem = "same-day needs today's date as deliveryDate";
        return Err(
          domainError('VALIDATION_FAILED', `body.shippingMethod ${problem}`, {
            errors: [{ field: 'body.shippingMethod', message: problem }],
          }),
        );
      }
      shippingMethod = method;
    }

    // The promo code: the request's, else the one applied to the server cart.
    const promoCode =
      input.promoCode ?? (cart ?? (await this.carts.findByUserId(input.userId)))?.promoCode ?? undefined;
    let applied: AppliedPromo | null = null;
    if (promoCode !== undefined) {
      const shippingFee = SHIPPING_FEES[shippingMethod ?? 'standard'];
      const lines = promoLines(priced.value.lines, priced.value.products);
      const checked = await this.promo.check(promoCode, input.userId, lines, shippingFee);
      if (checked.isErr()) return checked;
      applied = checked.value;
    }

    const number = await this.numbers.free(now);
    if (number.isErr()) return number;

    const placed = placeOrder({
      ...(applied !== null && applied.discount > 0 ? { discount: applied.discount } : {}),
      ...(applied !== null ? { promoCode: applied.code } : {}),
      id: orderId,
      orderNumber: number.value,
      userId: input.userId,
      items: priced.value.lines,
      shippingAddress: input.shippingAddress,
      ...(shippingMethod !== undefined ? { shippingMethod } : {}),
      ...(input.paymentMethod !== undefined ? { paymentMethod: input.paymentMethod } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      ...(chosen !== null
        ? { delivery: { date: chosen.date, slot: chosen.slot, endsAt: chosen.endsAt } }
        : {}),
      ...(input.gift !== undefined ? { gift: input.gift } : {}),
      source,
      ...(cart !== null ? { cartItemIds: drafts.flatMap((d) => (d.cartItemId ? [d.cartItemId] : [])) } : {}),
      now,
    });
    if (placed.isErr()) return placed;

    // The ordered sequence: slot, promo use, stock, order; each step given back when a later one fails.
    const change = placed.value;
    const withPromo = () =>
      applied === null
        ? this.placeWithStock(change, now, source)
        : this.promo.redeemAround(applied.code, input.userId, orderId, now, () =>
            this.placeWithStock(change, now, source),
          );
    if (chosen === null) return withPromo();
    return this.slotBooking!.bookAround(
      chosen,
      orderId,
      now,
      async () => (await this.orders.findById(orderId)) !== null,
      withPromo,
    );
  }

  /** The lines the request names, as sent. */
  private fromRequest(items: readonly RequestedLine[]): Drafted {
    const drafts = items.map((i) => ({
      productId: i.productId,
      quantity: i.quantity,
      ...(i.size !== undefined ? { size: i.size } : {}),
      ...(i.vase !== undefined ? { vase: i.vase } : {}),
      ...(i.personalNote !== undefined ? { personalNote: i.personalNote } : {}),
    }));
    return { drafts, cart: null };
  }

  /** The server cart's lines; each keeps its stored options as a fallback and its cart item id. */
  private async fromCart(userId: string): Promise<Drafted> {
    const cart = await this.carts.findByUserId(userId);
    const drafts = (cart?.items ?? []).map((i) => ({
      productId: i.productId,
      quantity: i.quantity,
      ...(i.size !== undefined ? { size: i.size.name, fallbackSize: i.size } : {}),
      ...(i.vase !== undefined ? { vase: i.vase.name, fallbackVase: i.vase } : {}),
      ...(i.personalNote !== undefined ? { personalNote: i.personalNote } : {}),
      cartItemId: i.id,
    }));
    return { drafts, cart };
  }

  private async placeWithStock(
    change: OrderChange,
    now: Date,
    source: OrderSource,
  ): Promise<Result<PlacedOrder, DomainError>> {
    const pending = change.order;
    const hold = await this.stockHold.hold(pending.id, pending.items, now);
    if (hold.isErr()) return hold;
    const held = hold.value;

    let saved: Result<OrderChange, DomainError>;
    try {
      saved = await this.numbers.insert(change, now);
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
}
