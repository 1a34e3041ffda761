import { token } from '../shared/token.js';
import type { MovementMeta, MovementReason, StockMovement } from '../../domain/inventory/movement.js';

/**
 * The stock of each product (it lives on the product record, beside the catalog's descriptive
 * data, but only this port changes it after creation): guarded takes under a reservation marker,
 * their commit or release, plain releases and admin adjustments. Every stock change records a
 * ledger movement in the same write (see StockLedger), so no caller can change stock without one.
 */
export interface StockStore {
  /**
   * Atomically takes `quantity` units when at least that many are on hand and the product is
   * available, and marks them as held by `reservationId` (stock and marker move in one write);
   * answers false (and changes nothing) otherwise, including when `reservationId` already holds
   * stock here (so a retried reserve is a no-op). Never lets stock go negative, whatever the
   * interleaving of concurrent callers.
   */
  reserveStock(productId: string, quantity: number, reservationId: string): Promise<boolean>;
  /**
   * Keeps the stock `reservationId` took and forgets the marker (no stock change). True when the
   * marker was there; false when it was not (already committed or released, or no product).
   */
  commitReservation(productId: string, reservationId: string): Promise<boolean>;
  /**
   * Puts back the `quantity` units `reservationId` took, at most once: only while the marker is
   * there, removing it in the same write. True when this call released them.
   */
  releaseReservation(productId: string, reservationId: string, quantity: number): Promise<boolean>;
  /** The reservation ids holding stock of the product that are neither committed nor released. */
  pendingReservations(productId: string): Promise<string[]>;
  /** Atomically puts `quantity` units back (cancellation, refund); not tied to a reservation. */
  releaseStock(productId: string, quantity: number, meta?: MovementMeta): Promise<void>;
  /** Sets the stock to `stock` (admin/CLI). False when the product does not exist. */
  setStock(productId: string, stock: number, meta?: MovementMeta): Promise<boolean>;
  /**
   * Atomically adds `delta` (signed; restock or adjustment) unless the result would be negative.
   */
  adjustStock(
    productId: string,
    delta: number,
    meta?: MovementMeta,
  ): Promise<{ ok: true; before: number; after: number } | { ok: false; reason: 'not_found' | 'negative' }>;
}
export const STOCK_STORE = token<StockStore>('StockStore');

/**
 * A placement's intent to hold stock, written before the stock is taken: if the process dies
 * before the placement finishes, the sweeper finds the intent once it expires and settles it
 * (kept when the order exists, put back otherwise).
 */
export interface StockReservation {
  /** The reservation id the product carries as its marker while the stock is held. */
  readonly id: string;
  /** The id the order will have (pre-generated). */
  readonly orderId: string;
  readonly productId: string;
  readonly quantity: number;
  readonly expiresAt: Date;
}

export interface StockReservationRepository {
  /** Stores the intents (an intent whose id exists is left as it is). */
  record(reservations: readonly StockReservation[]): Promise<void>;
  /** Deletes the intents with these ids (missing ones are ignored). */
  remove(ids: readonly string[]): Promise<void>;
  /** Intents with `expiresAt <= now`, earliest expiry first (then id), at most `limit`. */
  expired(now: Date, limit: number): Promise<StockReservation[]>;
}
export const STOCK_RESERVATION_REPOSITORY = token<StockReservationRepository>('StockReservationRepository');

/** How long a placement may hold stock before the sweeper settles it, and how often it looks. */
export interface StockReservationPolicy {
  readonly ttlMs: number;
  readonly sweepIntervalMs: number;
}
export const STOCK_RESERVATION_POLICY = token<StockReservationPolicy>('StockReservationPolicy');

export interface MovementFilter {
  readonly productId?: string;
  readonly reason?: MovementReason;
  /** Inclusive bounds on `at`. */
  readonly from?: Date;
  readonly to?: Date;
}

/**
 * The stock ledger (read side). Movements are written only by the StockStore (and by the
 * ProductRepository's `create` and `update`), in the same write as the stock change.
 */
export interface StockLedger {
  /** Newest first. */
  list(
    filter: MovementFilter,
    page: number,
    limit: number,
  ): Promise<{ items: StockMovement[]; total: number }>;
  /** Every movement matching the filter, oldest first (reports, verification). */
  all(filter: MovementFilter): Promise<StockMovement[]>;
  /**
   * Moves movements that a write recorded on the product but did not yet copy to the ledger
   * (a crash in between) into the ledger; idempotent. Answers how many were moved.
   */
  settle(): Promise<number>;
}
export const STOCK_LEDGER = token<StockLedger>('StockLedger');

/** A shopper's wish to hear when a product is back in stock; notified at most once. */
export interface StockNotifyRequest {
  readonly id: string;
  readonly productId: string;
  readonly userId: string;
  readonly email: string;
  readonly createdAt: Date;
  readonly notifiedAt: Date | null;
}

/** What a back-in-stock message needs: the request (its id makes the message's) and the product. */
export interface BackInStockMessage {
  readonly requestId: string;
  readonly email: string;
  readonly productId: string;
  readonly productName: string;
}

/**
 * Sends the back-in-stock message of one request (bound to the notification system). Idempotent
 * by request id: a second call for the same request sends nothing new. Throws when the message
 * could not be recorded (the request then stays open for the next restock).
 */
export interface BackInStockMessages {
  send(message: BackInStockMessage): Promise<void>;
}
export const BACK_IN_STOCK_MESSAGES = token<BackInStockMessages>('BackInStockMessages');

export interface StockNotifyRepository {
  /** One open request per (product, user): answers the existing open one when there is one. */
  add(request: StockNotifyRequest): Promise<StockNotifyRequest>;
  open(productId: string): Promise<StockNotifyRequest[]>;
  /** Marks it notified; true only for the one call that changed it (at most once). */
  markNotified(id: string, at: Date): Promise<boolean>;
}
export const STOCK_NOTIFY_REPOSITORY = token<StockNotifyRepository>('StockNotifyRepository');
