import type { OrderPlaced } from '../../domain/ordering/events.js';
import type { CatalogEvent } from '../../domain/catalog/events.js';
import type { Cache, EventHandler } from '../shared/ports.js';
import { CATALOG_INVALIDATIONS } from './cached-reads.js';
import type { ProductRepository } from './ports.js';

/** Popularity: what an order bought counts as sold. */
export class RecordSaleWhenOrderPlaced implements EventHandler<OrderPlaced> {
  readonly name = 'RecordSaleWhenOrderPlaced';

  constructor(private readonly products: ProductRepository) {}

  async handle(event: OrderPlaced): Promise<void> {
    for (const item of event.payload.items) await this.products.recordSale(item.productId, item.quantity);
  }
}

/**
 * Cached catalog answers the change makes stale are dropped — on every instance, since each may
 * hold its own cache (harmless to repeat when the cache is shared in Redis).
 */
export class InvalidateCatalogCacheWhenCatalogChanged implements EventHandler<CatalogEvent> {
  readonly name = 'InvalidateCatalogCacheWhenCatalogChanged';
  readonly scope = 'instance';

  constructor(private readonly cache: Cache) {}

  async handle(event: CatalogEvent): Promise<void> {
    for (const namespace of CATALOG_INVALIDATIONS[event.type] ?? []) await this.cache.invalidate(namespace);
  }
}
