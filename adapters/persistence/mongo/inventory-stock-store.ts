import type { StockStore } from '../../../application/inventory/ports.js';
import type { MovementMeta, MovementReason } from '../../../domain/inventory/movement.js';
import { ProductDocumentWrites } from './catalog-product-repository.js';
import {
  insertMovement,
  movementDoc,
  parkMovement,
  type MovementDoc,
  type PendingMovementSettler,
} from './inventory-ledger.js';

/** How many reservations' flushed sale movements `flushedSales` remembers at most. */
const MAX_FLUSHED_SALES = 10_000;

/** The stock fields of a stored product (see MongoProductRepository's StockDoc). */
interface StockDoc {
  _id: string;
  inventory: { stock: number; lowStockThreshold: number; isAvailable: boolean };
  version: number;
  reservationIds: string[];
  pendingMovements: Record<string, MovementDoc>;
}

/**
 * Stock on the product documents in MongoDB. Every write is one guarded single-document update:
 * `stock >= n` and the reservation marker for takes, the version for compare-and-set, with the
 * ledger movement parked on the product in the same write and copied to `stock_movements` after
 * (a crash in between is settled by `settlePending`); a reservation's sale movement is unset by
 * the reservation's commit or release, the other movements by a write of their own. On a server whose single-document updates
 * are not atomic (FerretDB), each write holds the product's DocumentLock, the same lock the
 * product repository takes.
 */
export class MongoStockStore
  extends ProductDocumentWrites<StockDoc>
  implements StockStore, PendingMovementSettler
{
  /** Flushes every movement still parked on any product (after a crash); answers how many. */
  async settlePending(): Promise<number> {
    const docs = await this.model
      .find({}, { pendingMovements: 1 })
      .lean<Pick<StockDoc, '_id' | 'pendingMovements'>[]>();
    let n = 0;
    for (const d of docs) {
      for (const m of Object.values(d.pendingMovements ?? {})) {
        await this.flush({ ...m, at: new Date(m.at) });
        n++;
      }
    }
    return n;
  }

  /**
   * Compare-and-set on the stock: reads the product, asks `next` for the new stock, writes it
   * guarded by the version read (under the lock where the server needs one), with a movement of
   * the difference; retries when another writer got in between.
   */
  private async casStock(
    productId: string,
    next: (stock: number) => number | null,
    reason: MovementReason,
    meta?: MovementMeta,
  ): Promise<{ ok: true; before: number; after: number } | { ok: false; reason: 'not_found' | 'negative' }> {
    for (;;) {
      const outcome = await this.lock.exclusive(`products:${productId}`, async () => {
        const doc = await this.model
          .findById(productId, { inventory: 1, version: 1 })
          .lean<Pick<StockDoc, '_id' | 'inventory' | 'version'>>();
        if (!doc) return { ok: false as const, reason: 'not_found' as const };
        const before = doc.inventory.stock;
        const after = next(before);
        if (after === null || after < 0) return { ok: false as const, reason: 'negative' as const };
        const m = after !== before ? movementDoc(productId, after - before, reason, meta) : null;
        const result = await this.model.collection.updateOne(
          { _id: productId as never, version: doc.version },
          {
            $set: { 'inventory.stock': after, ...(m ? parkMovement(m) : {}) },
            $inc: { version: 1 },
          } as never,
        );
        if (result.matchedCount !== 1) return null;
        return { ok: true as const, before, after, m };
      });
      if (outcome === null) continue;
      if (!outcome.ok) return outcome;
      if (outcome.m) await this.flush(outcome.m);
      return { ok: true, before: outcome.before, after: outcome.after };
    }
  }

  /**
   * Per reservation taken by this process, the id of its sale movement: copied to the ledger but
   * still parked on the product, so the reservation's commit (or release) unsets it in its own
   * write instead of a write of its own (one locked update less per order line). Bounded: an
   * entry forgotten here only leaves the movement parked until the next `settlePending`, which
   * copies it again (idempotent) and unsets it.
   */
  private readonly flushedSales = new Map<string, string>();

  async reserveStock(productId: string, quantity: number, reservationId: string): Promise<boolean> {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return false;
    const m = movementDoc(productId, -quantity, 'sale', { actor: 'checkout', reference: reservationId });
    const result = await this.write(
      productId,
      {
        'inventory.isAvailable': true,
        'inventory.stock': { $gte: quantity },
        reservationIds: { $ne: reservationId },
      },
      {
        $inc: { 'inventory.stock': -quantity, version: 1 },
        $push: { reservationIds: reservationId },
        $set: parkMovement(m),
      },
    );
    if (result.matchedCount !== 1) return false;
    await insertMovement(this.movements, m);
    if (this.flushedSales.size >= MAX_FLUSHED_SALES) {
      this.flushedSales.delete(this.flushedSales.keys().next().value!);
    }
    this.flushedSales.set(reservationId, m._id);
    return true;
  }

  /** The `$unset` of the sale movement the reservation parked, once the ledger has it. */
  private takeFlushedSale(reservationId: string): Record<string, ''> {
    const id = this.flushedSales.get(reservationId);
    if (id === undefined) return {};
    this.flushedSales.delete(reservationId);
    return { [`pendingMovements.${id}`]: '' };
  }

  async commitReservation(productId: string, reservationId: string): Promise<boolean> {
    const unset = this.takeFlushedSale(reservationId);
    const result = await this.write(
      productId,
      { reservationIds: reservationId },
      {
        $pull: { reservationIds: reservationId },
        ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
      },
    );
    return result.matchedCount === 1;
  }

  async releaseReservation(productId: string, reservationId: string, quantity: number): Promise<boolean> {
    const n = Number.isSafeInteger(quantity) && quantity > 0 ? quantity : 0;
    const m =
      n > 0
        ? movementDoc(productId, n, 'reservation_release', { actor: 'checkout', reference: reservationId })
        : null;
    const unset = this.takeFlushedSale(reservationId);
    const result = await this.write(
      productId,
      { reservationIds: reservationId },
      {
        ...(m ? { $inc: { 'inventory.stock': n, version: 1 }, $set: parkMovement(m) } : {}),
        ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
        $pull: { reservationIds: reservationId },
      },
    );
    if (result.matchedCount !== 1) return false;
    if (m) await this.flush(m);
    return true;
  }

  async pendingReservations(productId: string): Promise<string[]> {
    const doc = await this.model
      .findById(productId, { reservationIds: 1 })
      .lean<Pick<StockDoc, '_id' | 'reservationIds'>>();
    return [...(doc?.reservationIds ?? [])];
  }

  async releaseStock(productId: string, quantity: number, meta?: MovementMeta): Promise<void> {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return;
    const m = movementDoc(productId, quantity, 'cancellation', meta);
    const result = await this.write(
      productId,
      {},
      { $inc: { 'inventory.stock': quantity, version: 1 }, $set: parkMovement(m) },
    );
    if (result.matchedCount === 1) await this.flush(m);
  }

  async setStock(productId: string, stock: number, meta?: MovementMeta): Promise<boolean> {
    if (!Number.isSafeInteger(stock) || stock < 0) return false;
    const outcome = await this.casStock(productId, () => stock, 'adjustment', meta);
    return outcome.ok;
  }

  async adjustStock(productId: string, delta: number, meta?: MovementMeta) {
    if (!Number.isSafeInteger(delta)) return { ok: false as const, reason: 'negative' as const };
    return this.casStock(productId, (stock) => stock + delta, 'adjustment', meta);
  }
}
