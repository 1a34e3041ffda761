import type { Connection } from 'mongoose';
import type { CustomerOrderHistory } from '../../../application/promotions/ports.js';
import { orderModel } from './ordering-order-repository.js';

/**
 * Promotions' view of the `orders` collection: one count limited to 1 on the `{userId, createdAt}`
 * index, so the answer costs the same however many orders the shopper has. A
 * document without a status reads as pending (as the order mapper reads it), i.e. not cancelled.
 */
export class MongoCustomerOrderHistory implements CustomerOrderHistory {
  private readonly orders: ReturnType<typeof orderModel>;

  constructor(connection: Connection) {
    this.orders = orderModel(connection);
  }

  async hasUncancelledOrder(userId: string): Promise<boolean> {
    // countDocuments, not findOne: mongoose's buffering wrapper turns a findOne issued while the
    // database is away into an uncaught timeout (findOne runs find() underneath), killing the process.
    const found = await this.orders.collection.countDocuments(
      { userId, status: { $ne: 'cancelled' } } as never,
      { limit: 1 },
    );
    return found > 0;
  }

  async hasOrder(orderId: string): Promise<boolean> {
    return (await this.orders.collection.countDocuments({ _id: orderId } as never, { limit: 1 })) > 0;
  }
}
