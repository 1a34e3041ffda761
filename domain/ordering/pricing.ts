import { lineTotal, type PricedLine } from '../shared/line-pricing.js';
import { percentOf, type Money } from '../shared/money.js';

export const SHIPPING_METHODS = ['standard', 'express', 'same-day'] as const;
export type ShippingMethod = (typeof SHIPPING_METHODS)[number];

/** Compat 10: standard 5, express 15, same-day 25 (major units). */
export const SHIPPING_FEES: Readonly<Record<ShippingMethod, Money>> = {
  standard: 500,
  express: 1500,
  'same-day': 2500,
};

/** Days from placing to the estimated delivery, per shipping method. */
export const DELIVERY_DAYS: Readonly<Record<ShippingMethod, number>> = {
  standard: 5,
  express: 2,
  'same-day': 0,
};

/**
 * The shipping method of an order with a delivery slot: a slot today is same-day delivery (its
 * fee applies, whatever method was asked for); a later date keeps the method asked for (standard
 * by default), except same-day, which only today's slots can be. Null: same-day asked for a later
 * date (refused).
 */
export function methodForSlot(
  requested: ShippingMethod | undefined,
  sameDay: boolean,
): ShippingMethod | null {
  if (sameDay) return 'same-day';
  if (requested === 'same-day') return null;
  return requested ?? 'standard';
}

/** 8 % in basis points (compat 10). */
export const TAX_RATE_BASIS_POINTS = 800;

export interface OrderTotals {
  readonly subtotal: Money;
  readonly shippingFee: Money;
  readonly tax: Money;
  readonly discount: Money;
  readonly total: Money;
}

/**
 * The server's price of an order; whatever totals a client sends are never consulted.
 * total = subtotal + shipping + tax - discount, floored at 0.
 */
export function priceOrder(
  lines: readonly PricedLine[],
  shippingMethod: ShippingMethod,
  discount: Money = 0,
): OrderTotals {
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const shippingFee = SHIPPING_FEES[shippingMethod];
  const tax = percentOf(subtotal, TAX_RATE_BASIS_POINTS);
  const total = Math.max(0, subtotal + shippingFee + tax - discount);
  return { subtotal, shippingFee, tax, discount, total };
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function estimateDelivery(placedAt: Date, shippingMethod: ShippingMethod): Date {
  return new Date(placedAt.getTime() + DELIVERY_DAYS[shippingMethod] * DAY_MS);
}
