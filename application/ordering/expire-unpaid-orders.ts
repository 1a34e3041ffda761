import { Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { retryOnConflict, UNCHANGED, type Unchanged } from '../shared/retry-on-conflict.js';
import { orderNotFound } from './queries.js';
import type { Order } from '../../domain/ordering/order.js';
import {
  claimExpiry,
  expireUnpaidOrder,
  settleExpiry,
  type OrderExpired,
} from '../../domain/ordering/order-payment.js';
import type { StockLedger, StockStore } from '../inventory/ports.js';
import type { PromoCodeRepository } from '../promotions/ports.js';
import type { AppLogger, Clock, EventBus } from '../shared/ports.js';
import type { OrderExpiryPolicy, OrderRepository } from './ports.js';
import { stockNeeds } from '../inventory/stock-hold.js';

export const EXPIRY_ACTOR = 'system';

export interface ExpireUnpaidOrdersResult {
  /** Orders cancelled by this sweep because their payment did not arrive in time. */
  readonly expired: number;
  /** Expiries whose follow-ups (stock, promo use, mail) this sweep finished. */
  readonly settled: number;
  /** Orders left alone: a payment (or another writer) got there first. */
  readonly skipped: number;
}

/** Orders read per round. */
const BATCH = 100;
const SETTLE_ATTEMPTS = 5;

/**
 * Cancels orders whose online payment did not arrive within `paymentTtlMs` of placing them, and
 * gives back what they held: stock, the promo use, and the customer hears about it (OrderExpired,
 * mailed by the notifications subscriber).
 *
 * Racing a payment: the expiry is an optimistic, version-guarded save of an order that is still
 * awaiting payment, and a capture is the same kind of save; exactly one wins. If the payment won,
 * the re-read order is paid and is left alone (a paid order is never cancelled here). If the
 * expiry won, a capture that lands afterwards finds a cancelled order and is refunded in full
 * (PaymentSettlement.succeeded), and new payment attempts for it are refused.
 *
 * Crash safety, without transactions: the cancellation writes `expiry` (unsettled) in the same
 * document write. The follow-ups run after it and `expiry.settledAt` is written last. A sweep
 * that finds an expiry unsettled and unclaimed for `settleGraceMs` claims it (version-guarded, so
 * one sweeper wins) and settles it again. Each follow-up is safe to repeat: stock is put back
 * only for products without a `cancellation` movement referencing the order in the stock ledger
 * (the ledger write is the same write as the stock change), promo release is once per
 * (code, order), and the mail may at worst be sent twice.
 */
export class ExpireUnpaidOrders {
  constructor(
    private readonly orders: OrderRepository,
    private readonly stock: StockStore,
    private readonly ledger: StockLedger,
    private readonly promos: PromoCodeRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly logger: AppLogger,
    private readonly policy: Pick<OrderExpiryPolicy, 'paymentTtlMs' | 'sweepIntervalMs'>,
  ) {}

  /** How long an unsettled expiry stays with the sweeper that claimed it before another takes over. */
  get settleGraceMs(): number {
    return Math.max(60_000, 5 * this.policy.sweepIntervalMs);
  }

  async execute(): Promise<Result<ExpireUnpaidOrdersResult, DomainError>> {
    const now = this.clock.now();
    let expired = 0;
    let settled = 0;
    let skipped = 0;

    // 1. Expiries a dead sweeper left half-way.
    const seen = new Set<string>();
    for (;;) {
      const stale = new Date(now.getTime() - this.settleGraceMs);
      const batch = (await this.orders.unsettledExpiries(stale, BATCH)).filter((o) => !seen.has(o.id));
      if (batch.length === 0) break;
      for (const order of batch) {
        seen.add(order.id);
        const claimed = await this.orders.update(claimExpiry(order, now));
        if (claimed.isErr()) {
          skipped += 1; // another sweeper claimed it
          continue;
        }
        if (await this.settle(claimed.value)) settled += 1;
      }
    }

    // 2. Orders whose payment deadline has passed.
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
        const saved = await this.orders.update(change.value.order);
        if (saved.isErr()) {
          skipped += 1;
          continue;
        }
        expired += 1;
        await this.events.publish(change.value.events);
        if (await this.settle(saved.value)) settled += 1;
      }
    }
    return Ok({ expired, settled, skipped });
  }

  /** Stock back, promo use back, the customer told, then `expiry.settledAt`. True when finished. */
  private async settle(order: Order): Promise<boolean> {
    try {
      await this.returnStock(order);
      for (const code of await this.promos.redeemedFor(order.id)) await this.promos.release(code, order.id);
      const event: OrderExpired = {
        type: 'OrderExpired',
        occurredAt: this.clock.now(),
        payload: {
          orderId: order.id,
          orderNumber: order.orderNumber,
          userId: order.userId,
          total: order.total,
        },
      };
      await this.events.publish([event]);
      const settled = (o: Order | null): boolean => !o?.expiry || Boolean(o.expiry.settledAt);
      const run = await retryOnConflict({
        // The order as this sweep just wrote it, then fresh reads after a clash.
        load: (attempt) => (attempt === 1 ? Promise.resolve(order) : this.orders.findById(order.id)),
        notFound: orderNotFound,
        change: (current): Result<Order | Unchanged, DomainError> =>
          Ok(settled(current) ? UNCHANGED : settleExpiry(current, this.clock.now())),
        save: (next) => this.orders.update(next),
        attempts: SETTLE_ATTEMPTS,
      });
      // Settled (by this sweep or another), or the order is gone: nothing left to do.
      if (run.isOk() || run.error.code === 'ORDER_NOT_FOUND') return true;
      // Another sweep may have settled it after the last clash.
      if (settled(await this.orders.findById(order.id))) return true;
      this.logger.warn('could not mark an order expiry settled; a later sweep will', { orderId: order.id });
      return false;
    } catch (error) {
      this.logger.warn('settling an expired order failed; a later sweep will finish', {
        orderId: order.id,
        error: String(error),
      });
      return false;
    }
  }

  /** Puts each product's units back unless the ledger shows this order already did. */
  private async returnStock(order: Order): Promise<void> {
    await this.ledger.settle();
    for (const need of stockNeeds(order.items)) {
      const done = await this.ledger.all({ productId: need.productId, reason: 'cancellation' });
      if (done.some((m) => m.reference === order.id)) continue;
      await this.stock.releaseStock(need.productId, need.quantity, {
        actor: EXPIRY_ACTOR,
        reason: 'cancellation',
        reference: order.id,
      });
    }
  }
}
