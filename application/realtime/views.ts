import type { Product } from '../../domain/catalog/product.js';
import type { Order } from '../../domain/ordering/order.js';
import { toMajor } from '../../domain/shared/money.js';
import type { CartView } from '../cart/index.js';
import { trackingOf } from '../ordering/index.js';
import type { OrderSnapshot, RealtimeCart, RealtimeCartItem, StockLevelData } from './messages.js';

/*
 * The realtime messages' data from the other contexts' state: money in major units, dates ISO
 * (JSON-ready, like the HTTP API).
 */

/** One product's stock as the stock channel shows it; a product that is gone: 0, not offered. */
export function stockLevel(productId: string, product: Product | null, at: Date): StockLevelData {
  const stock = product?.inventory.stock ?? 0;
  const isAvailable = product?.inventory.isAvailable ?? false;
  return { productId, stock, isAvailable, inStock: isAvailable && stock > 0, at: at.toISOString() };
}

/** The cart as the cart channel shows it (priced like GET /cart, its promo re-validated). */
export function realtimeCart(view: CartView): RealtimeCart {
  const { cart, products } = view;
  const items = cart.items.map((item): RealtimeCartItem => {
    const product = products.get(item.productId);
    const image = product?.images.find((i) => i.isPrimary)?.url ?? product?.images[0]?.url;
    return {
      id: item.id,
      productId: item.productId,
      name: product?.name ?? '',
      ...(image !== undefined ? { image } : {}),
      quantity: item.quantity,
      price: toMajor(item.unitPrice),
      ...(item.size ? { size: { name: item.size.name, price: toMajor(item.size.price) } } : {}),
      ...(item.vase ? { vase: { name: item.vase.name, price: toMajor(item.vase.price) } } : {}),
      ...(item.personalNote !== undefined ? { personalNote: item.personalNote } : {}),
    };
  });
  const discount = view.promo?.valid ? view.promo.discount : 0;
  return {
    cartId: cart.id,
    version: cart.version,
    items,
    itemCount: cart.items.reduce((sum, i) => sum + i.quantity, 0),
    subtotal: toMajor(view.subtotal),
    discount: toMajor(discount),
    total: toMajor(view.total),
    ...(cart.promoCode !== undefined ? { promoCode: cart.promoCode } : {}),
    updatedAt: cart.updatedAt.toISOString(),
  };
}

/** A user without a cart sees an empty one (nothing is created for it). */
export function emptyRealtimeCart(cartId: string, at: Date): RealtimeCart {
  return {
    cartId,
    version: 0,
    items: [],
    itemCount: 0,
    subtotal: 0,
    discount: 0,
    total: 0,
    updatedAt: at.toISOString(),
  };
}

/** The order channel's whole state (in `ready` and `resync`), from the tracking view. */
export function orderSnapshot(order: Order): OrderSnapshot {
  const t = trackingOf(order);
  return {
    orderId: order.id,
    orderNumber: order.orderNumber,
    status: order.status,
    paymentStatus: order.paymentStatus,
    deliveryState: t.deliveryState,
    ...(t.eta
      ? { eta: { date: t.eta.date, ...(t.eta.slot !== undefined ? { slot: t.eta.slot } : {}) } }
      : {}),
    ...(t.courier ? { courier: t.courier } : {}),
    ...(t.trackingNumber !== undefined ? { trackingNumber: t.trackingNumber } : {}),
    ...(t.deliveredAt ? { deliveredAt: t.deliveredAt.toISOString() } : {}),
    updatedAt: order.updatedAt.toISOString(),
  };
}
