import type { StockNotifyRepository, StockNotifyRequest } from '../../../application/inventory/ports.js';
import type { MemoryDatabase } from './memory-database.js';

export class MemoryStockNotifyRepository implements StockNotifyRepository {
  private readonly rows: Map<string, StockNotifyRequest>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<StockNotifyRequest>('inventory.notify');
  }

  async add(request: StockNotifyRequest): Promise<StockNotifyRequest> {
    for (const r of this.rows.values()) {
      if (r.productId === request.productId && r.userId === request.userId && r.notifiedAt === null) return r;
    }
    this.rows.set(request.id, request);
    return request;
  }

  async open(productId: string): Promise<StockNotifyRequest[]> {
    return [...this.rows.values()].filter((r) => r.productId === productId && r.notifiedAt === null);
  }

  async markNotified(id: string, at: Date): Promise<boolean> {
    const r = this.rows.get(id);
    if (!r || r.notifiedAt !== null) return false;
    this.rows.set(id, { ...r, notifiedAt: at });
    return true;
  }
}
