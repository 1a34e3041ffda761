import { Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { StockHold, StockReservationRepository } from '../inventory/index.js';
import type { Clock } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';

export interface SweepStockReservationsResult {
  /** Expired intents whose order exists: the stock stays taken, the marker went. */
  readonly committed: number;
  /** Expired intents whose order does not exist: the stock went back. */
  readonly released: number;
  /** Expired intents with nothing left to do (never taken, or settled already). */
  readonly dropped: number;
}

/** Intents read per round. */
const BATCH = 100;

/**
 * Settles the stock reservations of placements that never finished (the process died, or a
 * store call failed): once an intent has expired, the stock is kept when its order exists and
 * put back when it does not (StockHold.settle, the same unit placement holds stock with). Each
 * step is guarded by the product's reservation marker, so two sweepers racing each other (or a
 * late placement) settle every reservation at most once, and running it again changes nothing.
 */
export class SweepStockReservations {
  constructor(
    private readonly reservations: StockReservationRepository,
    private readonly stockHold: StockHold,
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<Result<SweepStockReservationsResult, DomainError>> {
    const now = this.clock.now();
    let committed = 0;
    let released = 0;
    let dropped = 0;
    const seen = new Set<string>();
    for (;;) {
      const batch = (await this.reservations.expired(now, BATCH)).filter((r) => !seen.has(r.id));
      if (batch.length === 0) break;
      const orderExists = new Map<string, boolean>();
      for (const r of batch) {
        seen.add(r.id);
        let exists = orderExists.get(r.orderId);
        if (exists === undefined) {
          exists = (await this.orders.findById(r.orderId)) !== null;
          orderExists.set(r.orderId, exists);
        }
        const outcome = await this.stockHold.settle(r, exists);
        if (outcome === 'committed') committed += 1;
        else if (outcome === 'released') released += 1;
        else dropped += 1;
      }
    }
    return Ok({ committed, released, dropped });
  }
}
