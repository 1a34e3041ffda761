import type { ProductViews } from '../../../application/discovery/ports.js';
import type { DailyViews } from '../../../domain/discovery/scoring.js';
import type { MemoryDatabase } from './memory-database.js';

/** Per-product per-day view counters in `product_views`, keyed `productId:day`. */
export class MemoryProductViews implements ProductViews {
  private readonly rows: Map<string, DailyViews>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<DailyViews>('product_views');
  }

  async increment(productId: string, day: string): Promise<void> {
    const key = `${productId}:${day}`;
    const row = this.rows.get(key);
    this.rows.set(key, { productId, day, count: (row?.count ?? 0) + 1 });
  }

  async since(fromDay: string): Promise<DailyViews[]> {
    return [...this.rows.values()]
      .filter((r) => r.day >= fromDay)
      .sort((a, b) => (a.day + a.productId < b.day + b.productId ? -1 : 1));
  }
}
