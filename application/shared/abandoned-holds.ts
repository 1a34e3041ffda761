/**
 * A placement takes its holds (a promo use, a delivery slot) before it stores the order. When its
 * process dies in between, no order and no event ever says a hold should come back, so each
 * context sweeps its own: a hold older than a placement can take (the stock reservation's TTL)
 * whose order is not stored is released, once; one whose order is stored is confirmed and never
 * looked at again. This is that sweep, over any kind of hold.
 */
export interface AbandonedHolds<H extends { readonly orderId: string }> {
  /** Holds taken before `cutoff` and neither confirmed nor released, at most `limit`. */
  unconfirmed(cutoff: Date, limit: number): Promise<readonly H[]>;
  /** Whether the hold's order is stored. */
  hasOrder(orderId: string): Promise<boolean>;
  confirm(hold: H): Promise<void>;
  /** Gives the hold back; false when another sweep (or the placement) already did. */
  release(hold: H): Promise<boolean>;
  /** Identifies a hold within one sweep (an order may hold several). */
  key(hold: H): string;
}

export interface AbandonedHoldsPolicy {
  /** How long a placement may take (its stock reservation's TTL). */
  readonly abandonAfterMs: number;
}

const BATCH = 100;

export async function sweepAbandonedHolds<H extends { readonly orderId: string }>(
  holds: AbandonedHolds<H>,
  now: Date,
  policy: AbandonedHoldsPolicy,
): Promise<{ released: number; confirmed: number }> {
  const cutoff = new Date(now.getTime() - policy.abandonAfterMs);
  let released = 0;
  let confirmed = 0;
  const seen = new Set<string>();
  for (;;) {
    const batch = (await holds.unconfirmed(cutoff, BATCH)).filter((h) => !seen.has(holds.key(h)));
    if (batch.length === 0) break;
    for (const hold of batch) {
      seen.add(holds.key(hold));
      if (await holds.hasOrder(hold.orderId)) {
        await holds.confirm(hold);
        confirmed += 1;
      } else if (await holds.release(hold)) {
        released += 1;
      }
    }
  }
  return { released, confirmed };
}
