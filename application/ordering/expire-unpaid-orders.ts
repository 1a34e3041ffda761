import { Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { expireUnpaidOrder } from '../../domain/ordering/order-payment.js';
import type { AppLogger, Clock, EventBus } from '../shared/ports.js';
import type { OrderExpiryPolicy, OrderRepository } from './ports.js';

export const EXPIRY_ACTOR = 'system';

export interface ExpireUnpaidOrdersResult {
  /** Orders cancelled by this sweep because their payment did not arrive in time. */
  readonly expired: number;
  /** Orders left alone: a payment (or another writer) got there first. */
  readonly skipped: number;
}

/** Orders read per round. */
const BATCH = 100;

/**
 * Cancels orders whose online payment did not arrive within `paymentTtlMs` of placing them. What
 * they held comes back through the handlers of the events the expiry records in the same write
 * (`ordering.order-cancelled`: stock, promo use; `ordering.order-expired`: the customer's mail),
 * delivered through the order's outbox — so a sweeper that dies right after the save loses none
 * of them.
 *
 * Racing a payment: the expiry is an optimistic, version-guarded save of an order that is still
 * awaiting payment, and a capture is the same kind of save; exactly one wins. If the payment won,
 * the re-read order is paid and is left alone (a paid order is never cancelled here). If the
 * expiry won, a capture that lands afterwards finds a cancelled order and is refunded in full
 * (PaymentSettlement.succeeded), and new payment attempts for it are refused.
 */
export class ExpireUnpaidOrders {
  constructor(
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly logger: AppLogger,
    private readonly policy: Pick<OrderExpiryPolicy, 'paymentTtlMs'>,
  ) {}

  async execute(): Promise<Result<ExpireUnpaidOrdersResult, DomainError>> {
    const now = this.clock.now();
    let expired = 0;
    let skipped = 0;
    const seen = new Set<string>();
    const cutoff = new Date(now.getTime() - this.policy.paymentTtlMs);
    for (;;) {
      const batch = (await this.orders.awaitingPayment(cutoff, BATCH)).filter((o) => !seen.has(o.id));
      if (batch.length === 0) break;
      for (const order of batch) {
        seen.add(order.id);
        const change = expireUnpaidOrder(order, { by: EXPIRY_ACTOR, at: now });
        if (change.isErr()) {
          skipped += 1;
          continue;
        }
        // Version-guarded: a payment saved since the read makes this a CONFLICT, and the order
        // is left alone (the next sweep re-reads it and finds it paid).
        const saved = await this.orders.update(change.value.order, change.value.events);
        if (saved.isErr()) {
          skipped += 1;
          continue;
        }
        expired += 1;
        try {
          await this.events.publish(change.value.events);
        } catch (error) {
          this.logger.warn('delivering expiry events failed; the outbox sweeper will', {
            orderId: order.id,
            error: String(error),
          });
        }
      }
    }
    return Ok({ expired, skipped });
  }
}
