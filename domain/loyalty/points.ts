import type { Money } from '../shared/money.js';

/**
 * Loyalty points and membership tiers: the rules, pure.
 *
 * - Earning: 1 point per full rupee of a delivered order's total (what the shopper paid: items,
 *   shipping and tax, less the discount), counted once when the order is delivered.
 * - Refunds take points back in proportion to what was refunded of the order:
 *   `floor(earned * refundedTotal / total)` in all, less what earlier refunds of it already took;
 *   a full refund takes back everything the order earned. A refund of an order that was never
 *   delivered takes nothing (it earned nothing).
 * - The balance never goes below zero: a take-back larger than the balance (the points were
 *   spent or adjusted away) empties it and the rest is forgiven; the ledger entry records both
 *   what was due (`requested`) and what was taken (`delta`).
 * - The tier follows the lifetime points: every point earned on delivered orders, less the
 *   points refunds were worth (whether or not they could be taken from the balance); admin
 *   adjustments change the balance only. Bronze below 5,000, silver from 5,000, gold from
 *   20,000 (i.e. about 5,000 / 20,000 rupees of delivered, unrefunded spend).
 */

/** The tiers a user can reach. Promotions also know `platinum`, which no user reaches (README). */
export const USER_TIERS = ['bronze', 'silver', 'gold'] as const;
export type UserTier = (typeof USER_TIERS)[number];

export const TIER_THRESHOLDS: Readonly<Record<UserTier, number>> = { bronze: 0, silver: 5_000, gold: 20_000 };

/** Minor units per point: one point per full rupee. */
export const MINOR_UNITS_PER_POINT = 100;

export const LOYALTY_REASONS = ['order-delivered', 'order-refunded', 'adjustment'] as const;
export type LoyaltyReason = (typeof LOYALTY_REASONS)[number];

/** Points earned by a delivered order of `total` minor units. */
export function pointsForOrder(total: Money): number {
  if (!Number.isFinite(total) || total <= 0) return 0;
  return Math.floor(total / MINOR_UNITS_PER_POINT);
}

/**
 * Points a refund takes back now: the share of `earned` that `refundedTotal` (all refunds of the
 * order so far, this one included) is of `orderTotal`, less `alreadyTakenBack` by earlier ones.
 */
export function pointsToTakeBack(input: {
  readonly earned: number;
  readonly orderTotal: Money;
  readonly refundedTotal: Money;
  readonly alreadyTakenBack: number;
}): number {
  const { earned, orderTotal, refundedTotal, alreadyTakenBack } = input;
  if (earned <= 0 || orderTotal <= 0 || refundedTotal <= 0) return 0;
  const share = refundedTotal >= orderTotal ? earned : Math.floor((earned * refundedTotal) / orderTotal);
  return Math.max(0, Math.min(earned, share) - alreadyTakenBack);
}

export function tierFor(lifetimePoints: number): UserTier {
  if (lifetimePoints >= TIER_THRESHOLDS.gold) return 'gold';
  if (lifetimePoints >= TIER_THRESHOLDS.silver) return 'silver';
  return 'bronze';
}

/** A user's standing after a ledger entry (what the user record mirrors). */
export interface LoyaltyStanding {
  readonly points: number;
  readonly lifetimePoints: number;
  /** The ledger entry this standing is after (0: none yet). */
  readonly seq: number;
}

export const NO_STANDING: LoyaltyStanding = { points: 0, lifetimePoints: 0, seq: 0 };

/** One line of a user's points ledger. `id` is the event (or adjustment) id: one entry per event. */
export interface LoyaltyEntry {
  readonly id: string;
  readonly userId: string;
  /** 1, 2, 3... per user: the ledger's order, and its concurrency guard (one entry per seq). */
  readonly seq: number;
  /** The change applied to the balance (never takes it below zero). */
  readonly delta: number;
  /** The change that was due (differs from `delta` only when a take-back exceeded the balance). */
  readonly requested: number;
  readonly reason: LoyaltyReason;
  readonly orderId?: string;
  readonly at: Date;
  readonly balanceAfter: number;
  readonly lifetimeAfter: number;
}

export interface LoyaltyDraft {
  readonly id: string;
  readonly userId: string;
  readonly requested: number;
  readonly reason: LoyaltyReason;
  readonly orderId?: string;
  readonly at: Date;
}

/** The entry that follows `head` (the user's latest entry, or none): the clamping and lifetime rules. */
export function nextEntry(head: LoyaltyStanding, draft: LoyaltyDraft): LoyaltyEntry {
  const requested = Math.trunc(draft.requested);
  const balanceAfter = Math.max(0, head.points + requested);
  const lifetimeAfter =
    draft.reason === 'adjustment' ? head.lifetimePoints : Math.max(0, head.lifetimePoints + requested);
  return {
    id: draft.id,
    userId: draft.userId,
    seq: head.seq + 1,
    delta: balanceAfter - head.points,
    requested,
    reason: draft.reason,
    ...(draft.orderId !== undefined ? { orderId: draft.orderId } : {}),
    at: draft.at,
    balanceAfter,
    lifetimeAfter,
  };
}

export function standingAfter(entry: LoyaltyEntry | null): LoyaltyStanding {
  if (!entry) return NO_STANDING;
  return { points: entry.balanceAfter, lifetimePoints: entry.lifetimeAfter, seq: entry.seq };
}
