import { placeOrder, type Order } from '../../../domain/ordering/order.js';
import type { OrderStatus } from '../../../domain/ordering/status.js';
import { FIXED_NOW, testId } from '../../support/kit.js';

/** An order of `userId` for one unit of each product, in `status`, created at `at`. */
export function makeOrder(
  userId: string,
  lines: readonly (string | { productId: string; quantity: number })[],
  status: OrderStatus = 'delivered',
  at: Date = FIXED_NOW,
): Order {
  const placed = placeOrder({
    id: testId(),
    orderNumber: `AF-${testId().slice(-8)}`,
    userId,
    items: lines.map((l) => {
      const { productId, quantity } = typeof l === 'string' ? { productId: l, quantity: 1 } : l;
      return { id: testId(), productId, name: 'Flowers', unitPrice: 100000, quantity };
    }),
    shippingAddress: {
      fullName: 'Asha Rao',
      street: '1 Main St',
      city: 'Pune',
      state: 'MH',
      zipCode: '411001',
    },
    source: 'request',
    now: at,
  });
  if (placed.isErr()) throw new Error(placed.error.message);
  return { ...placed.value.order, status };
}
