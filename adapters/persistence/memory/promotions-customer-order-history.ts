import type { CustomerOrderHistory } from '../../../application/promotions/ports.js';
import type { Order } from '../../../domain/ordering/order.js';
import type { MemoryDatabase } from './memory-database.js';

/** Promotions' view of the `orders` collection the memory order repository keeps. */
export class MemoryCustomerOrderHistory implements CustomerOrderHistory {
  private readonly orders: Map<string, Order>;

  constructor(db: MemoryDatabase) {
    this.orders = db.collection<Order>('orders');
  }

  async hasUncancelledOrder(userId: string): Promise<boolean> {
    for (const order of this.orders.values()) {
      if (order.userId === userId && order.status !== 'cancelled') return true;
    }
    return false;
  }

  async hasOrder(orderId: string): Promise<boolean> {
    return this.orders.has(orderId);
  }
}
