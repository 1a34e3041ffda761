import type { Order } from '../../domain/ordering/order.js';
import {
  isCaptured,
  LEGACY_CHECKOUT_GATEWAY,
  type PaymentRecord,
} from '../../domain/payments/payment-record.js';
import type { CheckoutGateway, PaymentRepository } from './ports.js';

/** The storefront checkout's ids of an order as its answers carry them (compat 5.5). */
export interface PaymentReference {
  readonly razorpayOrderId?: string;
  readonly razorpayPaymentId?: string;
  readonly razorpaySignature?: string;
}

/** The order's newest storefront-checkout record (`records` newest first), if any. */
export function latestCheckoutRecord(
  records: readonly PaymentRecord[],
  checkoutGateway: string,
): PaymentRecord | null {
  return records.find((r) => r.gateway === checkoutGateway) ?? null;
}

function newestFirst(a: PaymentRecord, b: PaymentRecord): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * The gateway-specific ids the storefront reads on an order, from the order's payment records
 * (the order holds none): `razorpayOrderId` is its newest checkout gateway order;
 * `razorpayPaymentId` and `razorpaySignature` are those of the verified capture that paid the
 * order (the record whose intent is `paymentInfo.paymentId`, a duplicate capture never counts),
 * or those an order written before payment records kept (a `razorpay-legacy` record, migration 003).
 * A read port for the HTTP edge: ordering answers compose it, ordering itself never asks.
 */
export class PaymentReferences {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly checkout: CheckoutGateway,
  ) {}

  async forOrder(order: Pick<Order, 'id' | 'paymentInfo'>): Promise<PaymentReference> {
    return (await this.forOrders([order])).get(order.id) ?? {};
  }

  /** One batched read for a list of orders; an order without checkout records maps to `{}`. */
  async forOrders(
    orders: readonly Pick<Order, 'id' | 'paymentInfo'>[],
  ): Promise<Map<string, PaymentReference>> {
    const refs = new Map<string, PaymentReference>();
    if (orders.length === 0) return refs;
    const byOrder = new Map<string, PaymentRecord[]>();
    for (const r of await this.payments.findByOrderIds(orders.map((o) => o.id))) {
      if (r.gateway !== this.checkout.name && r.gateway !== LEGACY_CHECKOUT_GATEWAY) continue;
      const list = byOrder.get(r.orderId) ?? [];
      list.push(r);
      byOrder.set(r.orderId, list);
    }
    for (const order of orders) {
      const records = (byOrder.get(order.id) ?? []).sort(newestFirst);
      const latest = records[0];
      const paidBy = records.find(
        (r) =>
          r.signature !== undefined &&
          (r.gateway === LEGACY_CHECKOUT_GATEWAY ||
            (r.intentId === order.paymentInfo.paymentId && isCaptured(r))),
      );
      refs.set(order.id, {
        ...(latest ? { razorpayOrderId: latest.intentId } : {}),
        ...(paidBy?.gatewayPaymentId !== undefined ? { razorpayPaymentId: paidBy.gatewayPaymentId } : {}),
        ...(paidBy?.signature !== undefined ? { razorpaySignature: paidBy.signature } : {}),
      });
    }
    return refs;
  }
}
