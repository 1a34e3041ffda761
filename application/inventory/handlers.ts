import type { OrderCancelled } from '../../domain/ordering/events.js';
import type { EventHandler } from '../shared/ports.js';
import type { StockLedger, StockStore } from './ports.js';

/**
 * A cancelled order's stock goes back, each product once: the ledger's `cancellation` movement
 * referencing the order says it was done (the movements a crash left on the products are settled
 * into the ledger first), so a second delivery, or a crash between two products, never returns
 * stock twice.
 */
export class ReleaseStockWhenOrderCancelled implements EventHandler<OrderCancelled> {
  readonly name = 'ReleaseStockWhenOrderCancelled';

  constructor(
    private readonly stock: StockStore,
    private readonly ledger: StockLedger,
  ) {}

  async handle(event: OrderCancelled): Promise<void> {
    const { orderId, changedBy, items } = event.payload;
    await this.ledger.settle();
    for (const item of items) {
      const done = await this.ledger.all({ productId: item.productId, reason: 'cancellation' });
      if (done.some((m) => m.reference === orderId)) continue;
      await this.stock.releaseStock(item.productId, item.quantity, {
        actor: changedBy,
        reason: 'cancellation',
        reference: orderId,
      });
    }
  }
}
