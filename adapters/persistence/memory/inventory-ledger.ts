import type { MovementFilter, StockLedger } from '../../../application/inventory/ports.js';
import type { MovementMeta, MovementReason, StockMovement } from '../../../domain/inventory/movement.js';
import type { MemoryDatabase } from './memory-database.js';
import { movementId } from '../movement-id.js';

/**
 * Writes a movement to the ledger collection; the product and stock stores call it in the same
 * synchronous step as the stock change it describes. A zero quantity records nothing.
 */
export function recordMovement(
  movements: Map<string, StockMovement>,
  productId: string,
  quantity: number,
  reason: MovementReason,
  meta: MovementMeta = {},
): void {
  if (quantity === 0) return;
  const id = movementId();
  movements.set(id, {
    id,
    productId,
    quantity,
    reason: meta.reason ?? reason,
    actor: meta.actor ?? 'system',
    reference: meta.reference ?? '',
    at: new Date(),
  });
}

export function matchesMovement(m: StockMovement, f: MovementFilter): boolean {
  if (f.productId !== undefined && m.productId !== f.productId) return false;
  if (f.reason !== undefined && m.reason !== f.reason) return false;
  if (f.from !== undefined && m.at.getTime() < f.from.getTime()) return false;
  if (f.to !== undefined && m.at.getTime() > f.to.getTime()) return false;
  return true;
}

const oldestFirst = (a: StockMovement, b: StockMovement) =>
  a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The ledger the memory stock and product stores write (collection `stock.movements`). */
export class MemoryStockLedger implements StockLedger {
  private readonly rows: Map<string, StockMovement>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<StockMovement>('stock.movements');
  }

  async list(filter: MovementFilter, page: number, limit: number) {
    const all = (await this.all(filter)).reverse();
    const start = (Math.max(1, page) - 1) * limit;
    return { items: all.slice(start, start + limit), total: all.length };
  }

  async all(filter: MovementFilter): Promise<StockMovement[]> {
    return [...this.rows.values()].filter((m) => matchesMovement(m, filter)).sort(oldestFirst);
  }

  async settle(): Promise<number> {
    return 0;
  }
}
