import { expect } from 'chai';
import type { OrderRepository } from '../../../application/ordering/ports.js';
import type { CustomerOrderHistory } from '../../../application/promotions/ports.js';
import { changeStatus, placeOrder, type Order } from '../../../domain/ordering/order.js';
import type { OrderStatus } from '../../../domain/ordering/status.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryCustomerOrderHistory } from '../../../adapters/persistence/memory/promotions-customer-order-history.js';
import {
  MongoOrderRepository,
  ORDERS_COLLECTION,
} from '../../../adapters/persistence/mongo/ordering-order-repository.js';
import { MongoCustomerOrderHistory } from '../../../adapters/persistence/mongo/promotions-customer-order-history.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { testPiiCipher } from '../../support/pii.js';

let numbers = 0;

async function storeOrder(orders: OrderRepository, userId: string, status?: OrderStatus): Promise<Order> {
  numbers += 1;
  const placed = placeOrder({
    id: testId(),
    orderNumber: `AF-${String(300_000_000 + numbers)}`,
    userId,
    items: [{ id: testId(), productId: testId(), name: 'Red Roses', unitPrice: 129900, quantity: 1 }],
    shippingAddress: { fullName: 'Asha', street: '1 Road', city: 'Pune', state: 'MH', zipCode: '411001' },
    source: 'request',
    now: FIXED_NOW,
  }).unwrap().order;
  const stored = (await orders.create(placed, [])).unwrap();
  if (status === undefined) return stored;
  const changed = changeStatus(stored, { to: status, by: 'admin', at: FIXED_NOW }).unwrap();
  return (await orders.update(changed.order, changed.events)).unwrap();
}

interface Stores {
  history: CustomerOrderHistory;
  orders: OrderRepository;
}

function contract(fresh: () => Promise<Stores>): void {
  let history: CustomerOrderHistory;
  let orders: OrderRepository;
  beforeEach(async () => {
    ({ history, orders } = await fresh());
  });

  it('a shopper without orders has none', async () => {
    expect(await history.hasUncancelledOrder(testId())).to.equal(false);
  });

  it('a pending or progressed order counts; only the shopper’s own orders do', async () => {
    const asha = testId();
    const ravi = testId();
    await storeOrder(orders, asha);
    expect(await history.hasUncancelledOrder(asha)).to.equal(true);
    expect(await history.hasUncancelledOrder(ravi)).to.equal(false);
    await storeOrder(orders, ravi, 'confirmed');
    expect(await history.hasUncancelledOrder(ravi)).to.equal(true);
  });

  it('cancelled orders do not count, however many', async () => {
    const userId = testId();
    for (let i = 0; i < 3; i++) await storeOrder(orders, userId, 'cancelled');
    expect(await history.hasUncancelledOrder(userId)).to.equal(false);
    await storeOrder(orders, userId);
    expect(await history.hasUncancelledOrder(userId)).to.equal(true);
  });
}

describe('contract/promotions memory CustomerOrderHistory', () =>
  contract(async () => {
    const db = new MemoryDatabase();
    return {
      history: new MemoryCustomerOrderHistory(db),
      orders: new MemoryOrderRepository(db),
    };
  }));

describeWith(['mongo'], 'contract/promotions mongo CustomerOrderHistory', function () {
  this.timeout(30_000);
  const mongo = useMongo('customer_order_history');
  contract(async () => {
    const stores = {
      history: new MongoCustomerOrderHistory(mongo.connection()),
      orders: new MongoOrderRepository(mongo.connection(), testPiiCipher(mongo.connection())),
    };
    await mongo.reset();
    return stores;
  });

  it('a stored order without a status (written by another tool) reads as pending, so it counts', async () => {
    const history = new MongoCustomerOrderHistory(mongo.connection());
    await mongo.reset();
    const userId = testId();
    await mongo
      .connection()
      .collection(ORDERS_COLLECTION)
      .insertOne({ _id: testId() as never, userId, orderNumber: 'AF-1', total: 0, createdAt: FIXED_NOW });
    expect(await history.hasUncancelledOrder(userId)).to.equal(true);
  });
});
