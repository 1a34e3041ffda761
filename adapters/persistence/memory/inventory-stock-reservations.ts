import type { StockReservation, StockReservationRepository } from '../../../application/inventory/ports.js';
import type { MemoryDatabase } from './memory-database.js';

/** Stock reservation intents in the `stock_reservations` collection, by id. */
export class MemoryStockReservationRepository implements StockReservationRepository {
  private readonly rows: Map<string, StockReservation>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<StockReservation>('stock_reservations');
  }

  async record(reservations: readonly StockReservation[]): Promise<void> {
    for (const r of reservations) if (!this.rows.has(r.id)) this.rows.set(r.id, { ...r });
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.rows.delete(id);
  }

  async expired(now: Date, limit: number): Promise<StockReservation[]> {
    const at = now.getTime();
    return [...this.rows.values()]
      .filter((r) => r.expiresAt.getTime() <= at)
      .sort(
        (a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .slice(0, Math.max(0, Math.floor(limit)));
  }
}
