import { token } from '../shared/token.js';
import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Order } from '../../domain/ordering/order.js';
import type { OrderEvent } from '../../domain/ordering/events.js';
import type { EventOutbox } from '../shared/event-ports.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import type { Page } from '../shared/ports.js';
import { idDescending, type CursorPage, type CursorRequest, type KeysetOrder } from '../shared/cursor.js';
import type { Money } from '../../domain/shared/money.js';

export interface OrderListFilter {
  readonly status?: OrderStatus;
  readonly userId?: string;
}

/** What order analytics read of an order (a projection: no lines, no history). */
export interface OrderFigures {
  readonly id: string;
  readonly createdAt: Date;
  readonly status: OrderStatus;
  /** Minor units. */
  readonly total: Money;
  /** Refunded so far, minor units (0 when none). */
  readonly refundAmount: Money;
}

/**
 * The order store is also the outbox of the order's events: `create` and `update` write the
 * events the change recorded into the order's own document, in the same single-document write,
 * where they stay until the dispatcher marks them dispatched.
 */
export interface OrderRepository extends EventOutbox {
  /**
   * Stores a new order (version 0) with its events and answers it with version 1. CONFLICT with
   * `details.field = 'orderNumber'` when the order number is taken (the caller renumbers and
   * retries), CONFLICT with `details.field = 'id'` when the id exists.
   */
  create(order: Order, events: readonly OrderEvent[]): Promise<Result<Order, DomainError>>;
  /**
   * Optimistic: saves the order and appends its events when the stored version equals
   * `order.version`, answers `version + 1`; CONFLICT otherwise, ORDER_NOT_FOUND when gone.
   */
  update(order: Order, events: readonly OrderEvent[]): Promise<Result<Order, DomainError>>;
  findById(id: string): Promise<Order | null>;
  findByNumber(orderNumber: string): Promise<Order | null>;
  /** The user's orders, newest first. */
  findByUser(userId: string): Promise<Order[]>;
  /** Newest first. */
  list(filter: OrderListFilter, page: number, limit: number): Promise<Page<Order>>;
  /** Newest first (ORDER_KEYSET), after `request.after`, with the total matching. */
  listAfter(filter: OrderListFilter, request: CursorRequest): Promise<CursorPage<Order>>;
  /** Orders created in [from, to] (either end open when absent), oldest first. */
  listCreatedBetween(from?: Date, to?: Date): Promise<Order[]>;
  /** The figures of the orders created in [from, to] (inclusive), oldest first (ties by id). */
  figuresBetween(from: Date, to: Date): Promise<OrderFigures[]>;
  /**
   * Orders still awaiting payment (status `pending`, payment `pending` or `failed`) created at or
   * before `createdBefore`, oldest first, at most `limit`.
   */
  awaitingPayment(createdBefore: Date, limit: number): Promise<Order[]>;
}
/** The orders' listing order as a keyset (newest first, ties newest id first, as `list`). */
export const ORDER_KEYSET: KeysetOrder<Order> = [
  { path: 'createdAt', dir: -1, kind: 'date', value: (o) => o.createdAt.getTime() },
  idDescending<Order>(),
];

export const ORDER_REPOSITORY = token<OrderRepository>('OrderRepository');

/**
 * Orders awaiting online payment expire `paymentTtlMs` after they were placed (a sweeper looks
 * every `sweepIntervalMs`); a shopper may hold at most `maxUnpaidPerUser` of them at once.
 */
export interface OrderExpiryPolicy {
  readonly paymentTtlMs: number;
  readonly sweepIntervalMs: number;
  readonly maxUnpaidPerUser: number;
}
export const ORDER_EXPIRY_POLICY = token<OrderExpiryPolicy>('OrderExpiryPolicy');

/**
 * One of a shopper's unpaid-order slots: slot `index` (0 .. cap-1) of `userId`, taken by the
 * placement of order `orderId` at `claimedAt`. A placement must hold a slot, so one shopper never
 * holds more than `maxUnpaidPerUser` orders awaiting payment, whatever runs in parallel.
 */
export interface UnpaidOrderSlot {
  readonly userId: string;
  readonly index: number;
  readonly orderId: string;
  readonly claimedAt: Date;
}

export interface UnpaidOrderSlotRepository {
  /**
   * Takes the slot when nobody holds it: true when this call stored it, false (nothing written)
   * when it is held. Of concurrent inserts of one slot exactly one answers true, on every
   * instance (an insert with a unique id on MongoDB and FerretDB alike).
   */
  insert(slot: UnpaidOrderSlot): Promise<boolean>;
  /** The slots the user holds, by index. */
  held(userId: string): Promise<UnpaidOrderSlot[]>;
  /**
   * Only the indexes of the slots the user holds, in no particular order: what a claim reads
   * first on every placement (the full slots are read only when all are taken).
   */
  heldIndexes(userId: string): Promise<number[]>;
  /**
   * Frees the slot only while `orderId` still holds it (never a later holder's claim): whether
   * this call deleted it.
   */
  release(userId: string, index: number, orderId: string): Promise<boolean>;
}
export const UNPAID_ORDER_SLOT_REPOSITORY = token<UnpaidOrderSlotRepository>('UnpaidOrderSlotRepository');
