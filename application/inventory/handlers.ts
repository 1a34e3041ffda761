import { stockChanged } from '../../domain/catalog/events.js';
import type { OrderCancelled } from '../../domain/ordering/events.js';
import type { ProductRepository } from '../catalog/index.js';
import type { Clock, EventBus, EventHandler, IdGenerator } from '../shared/ports.js';
import { writeWithNotices } from '../shared/staged-notices.js';
import type { StockLedger, StockStore } from './ports.js';

/**
 * A cancelled order's stock goes back, each product once: the ledger's `cancellation` movement
 * referencing the order says it was done (the movements a crash left on the products are settled
 * into the ledger first), so a second delivery, or a crash between two products, never returns
 * stock twice. Each release is a stock movement like the admin's, with its `catalog.stock-changed`
 * notice (staged first): caches drop the product and the realtime stock channel shows it.
 */
export class ReleaseStockWhenOrderCancelled implements EventHandler<OrderCancelled> {
  readonly name = 'ReleaseStockWhenOrderCancelled';

  constructor(
    private readonly stock: StockStore,
    private readonly ledger: StockLedger,
    private readonly products: ProductRepository,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async handle(event: OrderCancelled): Promise<void> {
    const { orderId, changedBy, items } = event.payload;
    await this.ledger.settle();
    for (const item of items) {
      const done = await this.ledger.all({ productId: item.productId, reason: 'cancellation' });
      if (done.some((m) => m.reference === orderId)) continue;
      const changeKey = this.ids.next();
      const now = this.clock.now();
      const before = (await this.products.findById(item.productId))?.inventory.stock ?? 0;
      await writeWithNotices(
        this.events,
        [stockChanged(item.productId, before + item.quantity, now, changeKey)],
        async () => {
          await this.stock.releaseStock(item.productId, item.quantity, {
            actor: changedBy,
            reason: 'cancellation',
            reference: orderId,
          });
          return (await this.products.findById(item.productId))?.inventory.stock;
        },
        (after) => (after === undefined ? false : [stockChanged(item.productId, after, now, changeKey)]),
      );
    }
  }
}
