import { sweepAbandonedHolds, type AbandonedHoldsPolicy } from '../shared/abandoned-holds.js';
import type { Clock } from '../shared/ports.js';
import type { CustomerOrderHistory, PromoCodeRepository } from './ports.js';

/**
 * A placement redeems its promo use before it stores the order; the use of a placement whose
 * process died in between is released by this sweep (application/shared/abandoned-holds.ts),
 * once per (code, order), like the stock reservations and the delivery slots.
 */
export class ReleaseAbandonedRedemptions {
  constructor(
    private readonly promos: PromoCodeRepository,
    private readonly history: CustomerOrderHistory,
    private readonly clock: Clock,
    private readonly policy: AbandonedHoldsPolicy,
  ) {}

  execute(): Promise<{ released: number; confirmed: number }> {
    return sweepAbandonedHolds(
      {
        unconfirmed: (cutoff, limit) => this.promos.unconfirmedRedemptions(cutoff, limit),
        hasOrder: (orderId) => this.history.hasOrder(orderId),
        confirm: (r) => this.promos.confirmRedemptions(r.orderId),
        release: (r) => this.promos.release(r.code, r.orderId),
        key: (r) => `${r.code}:${r.orderId}`,
      },
      this.clock.now(),
      this.policy,
    );
  }
}
