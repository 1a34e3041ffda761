import type { CatalogEvent } from '../../domain/catalog/events.js';
import type { OrderPlaced } from '../../domain/ordering/events.js';
import type { SearchDocument } from '../../domain/search/document.js';
import type { EventHandler } from '../shared/ports.js';
import type { SearchIndex } from './ports.js';
import type { SearchDocuments } from './search-documents.js';

/**
 * Runs the work for one product after the work already queued for it, so two notices for the
 * same product re-read and write in the order they came: the last write holds the newest read.
 * While a rebuild runs it also notes which products were touched, so the rebuild (whose snapshot
 * may be older than those writes) re-reads them once it has replaced the index.
 */
export class ProductQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private touched: Set<string> | null = null;

  /** Starts noting touched products; the returned function stops and gives them. */
  record(): () => string[] {
    const touched = new Set<string>();
    this.touched = touched;
    return () => {
      if (this.touched === touched) this.touched = null;
      return [...touched];
    };
  }

  run(id: string, work: () => Promise<void>): Promise<void> {
    this.touched?.add(id);
    const previous = this.tails.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(id, tail);
    void tail.then(() => {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    });
    return next;
  }
}

/** Re-reads a product and puts its current document in the index, or takes it out when gone. */
async function reindex(
  index: SearchIndex,
  documents: SearchDocuments,
  id: string,
  adjust?: (fresh: SearchDocument) => SearchDocument,
): Promise<void> {
  const fresh = await documents.forProduct(id);
  if (fresh) await index.upsert(adjust ? adjust(fresh) : fresh);
  else await index.remove(id);
}

/**
 * The search index follows the catalog on every instance (each holds its own index in memory):
 * a product notice re-reads that product, a category notice the products filed under it (their
 * category name is indexed). Harmless to repeat: it only ever writes the current state.
 */
export class IndexProductsWhenCatalogChanged implements EventHandler<CatalogEvent> {
  readonly name = 'IndexProductsWhenCatalogChanged';
  readonly scope = 'instance';

  constructor(
    private readonly index: SearchIndex,
    private readonly documents: SearchDocuments,
    private readonly queue: ProductQueue,
  ) {}

  async handle(event: CatalogEvent): Promise<void> {
    if ('productId' in event.payload) {
      await this.refresh(event.payload.productId);
      return;
    }
    const { categoryId } = event.payload;
    const filed = [...this.index.documents()].filter((d) => d.categoryId === categoryId).map((d) => d.id);
    await Promise.all(filed.map((id) => this.refresh(id)));
  }

  private refresh(id: string): Promise<void> {
    return this.queue.run(id, () => reindex(this.index, this.documents, id));
  }
}

/**
 * A placement changes what the index holds without a catalog notice: the stock it took (maybe
 * the last unit: no longer in stock) and the sales count (popularity), which the fleet handler
 * `RecordSaleWhenOrderPlaced` adds, possibly after this runs. So the stock is re-read and the
 * sales count is at least the indexed one plus what this order bought; the next notice for the
 * product (or the rebuild at start) reads the exact count again.
 */
export class IndexProductsWhenOrderPlaced implements EventHandler<OrderPlaced> {
  readonly name = 'IndexProductsWhenOrderPlaced';
  readonly scope = 'instance';

  constructor(
    private readonly index: SearchIndex,
    private readonly documents: SearchDocuments,
    private readonly queue: ProductQueue,
  ) {}

  async handle(event: OrderPlaced): Promise<void> {
    const bought = new Map<string, number>();
    for (const item of event.payload.items) {
      bought.set(item.productId, (bought.get(item.productId) ?? 0) + item.quantity);
    }
    await Promise.all(
      [...bought].map(([id, quantity]) =>
        this.queue.run(id, async () => {
          const indexed = this.index.get(id)?.salesCount;
          await reindex(this.index, this.documents, id, (fresh) =>
            indexed === undefined || fresh.salesCount >= indexed + quantity
              ? fresh
              : { ...fresh, salesCount: indexed + quantity },
          );
        }),
      ),
    );
  }
}

/** Fills the index from the catalog (at start, on every instance). */
export class RebuildSearchIndex {
  constructor(
    private readonly index: SearchIndex,
    private readonly documents: SearchDocuments,
    private readonly queue: ProductQueue,
  ) {}

  async execute(): Promise<{ indexed: number }> {
    const stop = this.queue.record();
    let all: SearchDocument[];
    try {
      all = await this.documents.all();
      await this.index.replaceAll(all);
    } finally {
      // Notices handled meanwhile may have written newer state than the snapshot: read them again.
      const touched = stop();
      await Promise.all(
        touched.map((id) => this.queue.run(id, () => reindex(this.index, this.documents, id))),
      );
    }
    return { indexed: this.index.size };
  }
}

/**
 * Brings this instance's index back to the catalog: a product whose document differs from its
 * indexed one, or is missing, and an indexed product the catalog no longer has are re-read (in
 * their product's queue, like the handlers). The notices reach other instances through the Redis
 * fan-out, which is best effort: one missed while Redis was away would otherwise leave this
 * index stale until the next restart. Run on a schedule (SEARCH_RECONCILE_INTERVAL_MS).
 */
export class ReconcileSearchIndex {
  constructor(
    private readonly index: SearchIndex,
    private readonly documents: SearchDocuments,
    private readonly queue: ProductQueue,
  ) {}

  async execute(): Promise<{ reread: number }> {
    const current = await this.documents.all();
    const stale = new Set<string>();
    for (const doc of current) {
      const indexed = this.index.get(doc.id);
      if (!indexed || JSON.stringify(indexed) !== JSON.stringify(doc)) stale.add(doc.id);
    }
    const listed = new Set(current.map((d) => d.id));
    for (const doc of this.index.documents()) if (!listed.has(doc.id)) stale.add(doc.id);
    await Promise.all(
      [...stale].map((id) => this.queue.run(id, () => reindex(this.index, this.documents, id))),
    );
    return { reread: stale.size };
  }
}
