import type { Connection } from 'mongoose';
import type { CustomerOrderHistory } from '../../../application/promotions/ports.js';
import { orderModel } from './ordering-order-repository.js';

/**
 * Promotions' view of the `orders` collection: one `findOne` on the `{userId, createdAt}` index
 * projected to `_id`, so the answer costs the same however many orders the shopper has. A
 * document without a status reads as pending (as the order mapper reads it), i.e. not cancelled.
 */
export class MongoCustomerOrderHistory implements CustomerOrderHistory {
  private readonly orders: ReturnType<typeof orderModel>;

  constructor(connection: Connection) {
    this.orders = orderModel(connection);
  }

  async hasUncancelledOrder(userId: string): Promise<boolean> {
    const found = await this.orders.collection.findOne(
      { userId, status: { $ne: 'cancelled' } },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }
}
