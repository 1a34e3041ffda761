import type { Clock } from '../shared/ports.js';
import type { CustomerOrderHistory, PromoCodeRepository } from './ports.js';

const BATCH = 100;

export interface AbandonedRedemptionPolicy {
  /** How long a placement may take (its stock reservation's TTL): a redemption older than this whose order is not stored was abandoned. */
  readonly abandonAfterMs: number;
}

/**
 * A placement redeems its promo use before it stores the order. When its process dies in
 * between, no order and no event ever says the use should come back; the stock it held is
 * settled by the reservation sweeper, and this sweep does the same for the promo: a redemption
 * older than a placement can take whose order is not stored is released (once: release is per
 * (code, order)); one whose order is stored is confirmed and never looked at again.
 */
export class ReleaseAbandonedRedemptions {
  constructor(
    private readonly promos: PromoCodeRepository,
    private readonly history: CustomerOrderHistory,
    private readonly clock: Clock,
    private readonly policy: AbandonedRedemptionPolicy,
  ) {}

  async execute(): Promise<{ released: number; confirmed: number }> {
    const cutoff = new Date(this.clock.now().getTime() - this.policy.abandonAfterMs);
    let released = 0;
    let confirmed = 0;
    const seen = new Set<string>();
    for (;;) {
      const batch = (await this.promos.unconfirmedRedemptions(cutoff, BATCH)).filter(
        (r) => !seen.has(`${r.code}:${r.orderId}`),
      );
      if (batch.length === 0) break;
      for (const r of batch) {
        seen.add(`${r.code}:${r.orderId}`);
        if (await this.history.hasOrder(r.orderId)) {
          await this.promos.confirmRedemptions(r.orderId);
          confirmed += 1;
        } else if (await this.promos.release(r.code, r.orderId)) {
          released += 1;
        }
      }
    }
    return { released, confirmed };
  }
}
