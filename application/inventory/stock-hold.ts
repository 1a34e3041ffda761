import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { MovementMeta } from '../../domain/inventory/movement.js';
import type { AppLogger, IdGenerator } from '../shared/ports.js';
import type {
  StockReservation,
  StockReservationPolicy,
  StockReservationRepository,
  StockStore,
} from './ports.js';

/** One stock movement per product: lines of the same product are summed, in product-id order. */
export interface StockNeed {
  readonly productId: string;
  readonly quantity: number;
  /** The first line's name, for messages. */
  readonly name: string;
}

/** A need taken (or to be taken) under a reservation id, the marker the product carries meanwhile. */
export interface HeldStock extends StockNeed {
  readonly reservationId: string;
}

/** How the sweeper settled one expired intent. */
export type SettledIntent = 'committed' | 'released' | 'dropped';

export function stockNeeds(lines: readonly StockNeed[]): StockNeed[] {
  const byProduct = new Map<string, StockNeed>();
  for (const line of lines) {
    const seen = byProduct.get(line.productId);
    byProduct.set(line.productId, {
      productId: line.productId,
      name: seen?.name ?? line.name,
      quantity: (seen?.quantity ?? 0) + line.quantity,
    });
  }
  // A fixed order, so concurrent orders always take stock in the same sequence.
  return [...byProduct.values()].sort((a, b) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0,
  );
}

/**
 * Puts every need back by quantity (cancellation, refund: stock that an order had kept); `meta`
 * names the order and who did it on the ledger's `cancellation` movements.
 */
export async function releaseAll(
  stock: StockStore,
  needs: readonly StockNeed[],
  meta?: MovementMeta,
): Promise<void> {
  for (const need of needs) await stock.releaseStock(need.productId, need.quantity, meta);
}

/**
 * Puts back what each reservation holds. Guarded by the product's marker, so a reservation that
 * was never taken, or was already committed or released, changes nothing.
 */
async function releaseHeld(stock: StockStore, held: readonly HeldStock[]): Promise<void> {
  for (const h of held) await stock.releaseReservation(h.productId, h.reservationId, h.quantity);
}

/**
 * Takes stock for every need with the store's guarded decrement, each under its reservation id.
 * When one cannot be taken, the ones already taken are put back and the missing need is
 * answered; null when all were taken. When a call throws, every reservation up to the failing one
 * is released (the failing one may have been applied before the error) and the error rethrown.
 */
async function reserveAll(stock: StockStore, held: readonly HeldStock[]): Promise<StockNeed | null> {
  for (let i = 0; i < held.length; i++) {
    const h = held[i]!;
    let taken: boolean;
    try {
      taken = await stock.reserveStock(h.productId, h.quantity, h.reservationId);
    } catch (error) {
      await releaseHeld(stock, held.slice(0, i + 1));
      throw error;
    }
    if (!taken) {
      await releaseHeld(stock, held.slice(0, i));
      return h;
    }
  }
  return null;
}

/**
 * Stock held for a placement without a multi-document transaction, and settled exactly once
 * whether the placement finishes, fails or dies:
 * 1. `hold`: an intent per product (reservation id, the order id, quantity, expiry) is recorded in
 *    the reservation store, then each product's stock is taken with one guarded update that also
 *    marks the product with the reservation id (never oversells, whatever the interleaving);
 * 2. the caller writes its order, then `commit` (each product keeps the stock and forgets the
 *    marker; the intents are deleted), or `abandon` after an expected failure (the stock goes
 *    back), or `settleAfterFailedSave` when the write threw (either, depending on whether the
 *    order was stored);
 * 3. if the process dies at any point, the intents expire and the sweeper calls `settle` on each:
 *    it keeps the stock when the order exists and puts it back, at most once, when it does not.
 * Every step is guarded by the product's marker, so racing settlers change stock at most once.
 */
export class StockHold {
  constructor(
    private readonly stock: StockStore,
    private readonly reservations: StockReservationRepository,
    private readonly ids: IdGenerator,
    private readonly logger: AppLogger,
    private readonly policy: Pick<StockReservationPolicy, 'ttlMs'>,
  ) {}

  /**
   * Records the intents for `orderId` and takes the stock of every need. INSUFFICIENT_STOCK (with
   * nothing left taken) when one product is short. When a store call throws, what was taken is
   * put back where possible and the error rethrown (the sweeper settles the rest).
   */
  async hold(
    orderId: string,
    lines: readonly StockNeed[],
    now: Date,
  ): Promise<Result<HeldStock[], DomainError>> {
    const held: HeldStock[] = stockNeeds(lines).map((need) => ({
      ...need,
      reservationId: this.ids.next(),
    }));
    const expiresAt = new Date(now.getTime() + this.policy.ttlMs);
    await this.reservations.record(
      held.map((h): StockReservation => ({
        id: h.reservationId,
        orderId,
        productId: h.productId,
        quantity: h.quantity,
        expiresAt,
      })),
    );
    let short: StockNeed | null;
    try {
      short = await reserveAll(this.stock, held);
    } catch (error) {
      await this.abandon(orderId, held);
      throw error;
    }
    if (short) {
      await this.forgetIntents(orderId, held);
      return Err(domainError('INSUFFICIENT_STOCK', `Insufficient stock for ${short.name}`));
    }
    return Ok(held);
  }

  /**
   * The order is stored: each product keeps the stock its reservation took and forgets the
   * marker, then the intents go. A failure here is logged only: the order stands and the sweeper
   * commits whatever is left once the intents expire.
   */
  async commit(orderId: string, held: readonly HeldStock[]): Promise<void> {
    try {
      for (const h of held) {
        if (await this.stock.commitReservation(h.productId, h.reservationId)) continue;
        // The marker is gone: the placement outlived its reservation and the sweeper put the
        // stock back. Take it again, plainly, so the stored order is backed by stock.
        await this.retake(orderId, h);
      }
      await this.reservations.remove(held.map((h) => h.reservationId));
    } catch (error) {
      this.logger.warn('committing stock reservations failed; the sweeper will finish', {
        orderId,
        error: String(error),
      });
    }
  }

  /** An expected failure after stock was taken: put it back and delete the intents. */
  async abandon(orderId: string, held: readonly HeldStock[]): Promise<void> {
    try {
      await releaseHeld(this.stock, held);
    } catch (error) {
      this.logger.warn('putting reserved stock back failed; the sweeper will finish', {
        orderId,
        error: String(error),
      });
      return;
    }
    await this.forgetIntents(orderId, held);
  }

  /**
   * Writing the order threw, so whether it was stored is unknown: keep the stock when it was
   * (`stored` answers), put it back when it was not. When even that cannot be told, the sweeper
   * decides later.
   */
  async settleAfterFailedSave(
    orderId: string,
    held: readonly HeldStock[],
    stored: () => Promise<boolean>,
  ): Promise<void> {
    let isStored: boolean;
    try {
      isStored = await stored();
    } catch (error) {
      this.logger.warn('could not tell whether a failed order write was stored; the sweeper will settle', {
        orderId,
        error: String(error),
      });
      return;
    }
    if (isStored) await this.commit(orderId, held);
    else await this.abandon(orderId, held);
  }

  /**
   * The sweeper's step for one expired intent: the stock stays taken when its order exists and
   * goes back when it does not; either way the intent is deleted. Guarded by the product's
   * marker, so a reservation already settled (or never taken) is `dropped`.
   */
  async settle(intent: StockReservation, orderExists: boolean): Promise<SettledIntent> {
    let outcome: SettledIntent;
    if (orderExists) {
      outcome = (await this.stock.commitReservation(intent.productId, intent.id)) ? 'committed' : 'dropped';
    } else {
      outcome = (await this.stock.releaseReservation(intent.productId, intent.id, intent.quantity))
        ? 'released'
        : 'dropped';
    }
    await this.reservations.remove([intent.id]);
    return outcome;
  }

  private async retake(orderId: string, h: HeldStock): Promise<void> {
    const again = this.ids.next();
    if (await this.stock.reserveStock(h.productId, h.quantity, again)) {
      await this.stock.commitReservation(h.productId, again);
      this.logger.warn('stock reservation had expired before the order was stored; stock taken again', {
        orderId,
        productId: h.productId,
      });
      return;
    }
    this.logger.error('stock reservation expired before the order was stored and the stock is gone', {
      orderId,
      productId: h.productId,
      quantity: h.quantity,
    });
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
}
