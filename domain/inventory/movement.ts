/** Why stock changed. `sale` is taken at reservation time (sale pending until committed). */
export const MOVEMENT_REASONS = [
  'sale',
  'cancellation',
  'restock',
  'adjustment',
  'reservation_release',
  'initial',
] as const;
export type MovementReason = (typeof MOVEMENT_REASONS)[number];

/** One entry of the stock ledger: current stock of a product == sum of its movements' quantities. */
export interface StockMovement {
  readonly id: string;
  readonly productId: string;
  /** Signed: negative takes stock, positive puts it back or receives it. */
  readonly quantity: number;
  readonly reason: MovementReason;
  /** Who caused it: a user id, `system`, `checkout`, `cli`. */
  readonly actor: string;
  /** Order id, reservation id, restock id... (may be empty). */
  readonly reference: string;
  readonly at: Date;
}

/** Who and why, passed to the repository's stock methods that are not tied to an order. */
export interface MovementMeta {
  readonly actor?: string;
  readonly reason?: MovementReason;
  readonly reference?: string;
}

/** The ledger's idea of the stock: the sum of the quantities. */
export function ledgerSum(movements: readonly Pick<StockMovement, 'quantity'>[]): number {
  return movements.reduce((sum, m) => sum + m.quantity, 0);
}

/** sold / (sold + on hand), 0 when both are 0; rounded to 4 decimals. */
export function sellThrough(sold: number, onHand: number): number {
  const total = sold + onHand;
  return total <= 0 ? 0 : Math.round((sold / total) * 10_000) / 10_000;
}

const DAY_MS = 86_400_000;

/**
 * Days (fractional, 2 decimals) within [from, to] during which the ledger shows zero stock.
 * `movements` are all of one product's movements (any order); the stock before `from` is the sum
 * of the earlier ones. Time before `since` (the product's creation) does not count.
 */
export function outOfStockDays(
  movements: readonly StockMovement[],
  periodFrom: Date,
  to: Date,
  since?: Date,
): number {
  const from = since && since.getTime() > periodFrom.getTime() ? since : periodFrom;
  if (from.getTime() >= to.getTime()) return 0;
  const sorted = [...movements].sort((a, b) => a.at.getTime() - b.at.getTime());
  let stock = 0;
  let i = 0;
  for (; i < sorted.length && sorted[i]!.at.getTime() <= from.getTime(); i++) stock += sorted[i]!.quantity;
  let cursor = from.getTime();
  let zeroMs = 0;
  for (; i < sorted.length && sorted[i]!.at.getTime() <= to.getTime(); i++) {
    const t = sorted[i]!.at.getTime();
    if (stock <= 0) zeroMs += t - cursor;
    cursor = t;
    stock += sorted[i]!.quantity;
  }
  if (stock <= 0) zeroMs += Math.max(0, to.getTime() - cursor);
  return Math.round((zeroMs / DAY_MS) * 100) / 100;
}
