/**
 * Business analytics: the rules behind every figure, in one place (pure). The adapters that
 * answer the AnalyticsQueries port (memory in JS, MongoDB by aggregation pipelines) apply exactly
 * these rules; the contract suite proves both give the same numbers.
 *
 * - A SALE is an order created in the range whose status is neither `pending` (not yet confirmed
 *   or paid) nor `cancelled` (ordering's rule, application/ordering/sales-analytics.ts). Every
 *   order figure below counts sales only.
 * - gross revenue = the sales' totals; refunds = the sales' `refundAmount`; net revenue = gross -
 *   refunds. A refund never exceeds its order's total (domain/ordering/order-payment.ts), so this equals the sum
 *   of ordering's per-order `netRevenue` (total - refunded, never below 0).
 * - average order value = net revenue / orders (rounded to a minor unit; 0 without orders).
 * - units = the quantities of the sales' lines. A product's (category's, occasion's) revenue is
 *   the value of its lines, (unit price + size + vase) x quantity, before order-level discounts,
 *   fees and refunds.
 * - customers = distinct users with a sale in the range; a NEW customer's first sale ever is in the
 *   range, a RETURNING one had a sale before it; repeat-customer rate = customers with 2+ sales
 *   ever / customers.
 * - product views = the per-product daily counters (UTC days) whose day falls in the range's UTC
 *   days; conversion per view = orders / views.
 * - carts: a cart counts for the range when it was last changed in it. Placing an order empties
 *   the cart's lines (EmptyCartWhenOrderPlaced), so a counted cart still holding items was not
 *   converted: it is ABANDONED. conversion per cart = orders / counted carts; cart abandonment rate
 *   = abandoned / counted carts.
 * - revenue by city (shipping address, as written), payment method and occasion: orders and net
 *   revenue of the sales (occasion: orders with a line of a product of that occasion, and those
 *   lines' value; a product with two occasions counts for both).
 * - membership tiers: users per tier now (not ranged; a user without one is bronze).
 * - series: one row per bucket (day, week from Monday, month) of the range in the shop's timezone,
 *   empty buckets as zeros; a bucket is named by its first local day (YYYY-MM-DD).
 * - rates are fractions 0-1 rounded to 4 decimals; 0 when the denominator is 0.
 */
import { Err, Ok, type Result } from '../shared/result.js';
import { domainError, type DomainError } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import type { OrderStatus } from '../ordering/status.js';
import { addDays, isTimeZone, localTime, zonedInstant } from '../delivery/slots.js';

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Orders that are not sales. */
export const NOT_SALES: readonly OrderStatus[] = ['pending', 'cancelled'];
export const isSale = (status: OrderStatus): boolean => !NOT_SALES.includes(status);

/** The longest range one report covers (two years, a leap day included). */
export const MAX_RANGE_DAYS = 731;
/** The range when `from` is absent: the last 30 local days, today included. */
export const DEFAULT_RANGE_DAYS = 30;
/** How many products (and categories) the top lists hold. */
export const TOP_LIMIT = 10;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The years a bound may name (so no date arithmetic leaves what a Date holds). */
const MIN_YEAR = 1970;
const MAX_YEAR = 9998;

export interface AnalyticsRange {
  /** Inclusive instants. */
  readonly from: Date;
  readonly to: Date;
  readonly granularity: Granularity;
  /** IANA zone the buckets are cut in. */
  readonly timeZone: string;
}

export interface Bucket {
  /** The bucket's first local day, YYYY-MM-DD. */
  readonly period: string;
  /** The part of the range it covers: [from, until). */
  readonly from: Date;
  readonly until: Date;
}

const invalid = (field: string, message: string): Err<DomainError> =>
  Err(domainError('VALIDATION_FAILED', message, { errors: [{ field, message }] }));

/** `from`/`to` as the query gave them: a date is a whole local day in `timeZone`, a date-time an instant. */
export function rangeBound(value: string, end: boolean, timeZone: string): Result<Date, DomainError> {
  const field = end ? 'to' : 'from';
  const year = Number(/^[+-]?\d+/.exec(value)?.[0] ?? NaN);
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) {
    return invalid(field, `${field} must be a date between ${MIN_YEAR} and ${MAX_YEAR}`);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const check = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== value) {
      return invalid(field, `${field} is not a calendar date`);
    }
    return Ok(
      end
        ? new Date(zonedInstant(addDays(value, 1), 0, timeZone).getTime() - 1)
        : zonedInstant(value, 0, timeZone),
    );
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return invalid(field, `${field} is not a date or date-time`);
  return Ok(at);
}

export interface RangeInput {
  readonly from?: string;
  readonly to?: string;
  readonly granularity?: Granularity;
  readonly timeZone?: string;
}

/** The checked range: defaults (last 30 local days, day buckets, the shop's zone), then from <= to, at most 2 years. */
export function analyticsRange(
  input: RangeInput,
  shopTimeZone: string,
  now: Date,
): Result<AnalyticsRange, DomainError> {
  const timeZone = input.timeZone ?? shopTimeZone;
  if (!isTimeZone(timeZone)) return invalid('timezone', 'timezone must be an IANA timezone');
  const to = input.to !== undefined ? rangeBound(input.to, true, timeZone) : Ok(now);
  if (to.isErr()) return to;
  const from =
    input.from !== undefined
      ? rangeBound(input.from, false, timeZone)
      : Ok(zonedInstant(addDays(localTime(to.value, timeZone).date, 1 - DEFAULT_RANGE_DAYS), 0, timeZone));
  if (from.isErr()) return from;
  if (from.value.getTime() > to.value.getTime()) return invalid('from', 'from must not be after to');
  if (to.value.getTime() - from.value.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    return invalid('from', `from..to may cover at most ${MAX_RANGE_DAYS} days`);
  }
  return Ok({ from: from.value, to: to.value, granularity: input.granularity ?? 'day', timeZone });
}

/** The first local day of the bucket holding local day `date`. */
function periodOfDay(date: string, granularity: Granularity): string {
  if (granularity === 'day') return date;
  if (granularity === 'month') return `${date.slice(0, 8)}01`;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

function nextPeriod(period: string, granularity: Granularity): string {
  if (granularity === 'day') return addDays(period, 1);
  if (granularity === 'week') return addDays(period, 7);
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/** The bucket (its first local day) holding `at`. */
export function periodOf(at: Date, granularity: Granularity, timeZone: string): string {
  return periodOfDay(localTime(at, timeZone).date, granularity);
}

/** Every bucket of the range, oldest first, each clipped to the range. */
export function bucketsOf(range: AnalyticsRange): Bucket[] {
  const out: Bucket[] = [];
  const end = range.to.getTime() + 1;
  for (
    let period = periodOf(range.from, range.granularity, range.timeZone);
    ;
    period = nextPeriod(period, range.granularity)
  ) {
    const start = zonedInstant(period, 0, range.timeZone).getTime();
    if (start >= end) break;
    const next = zonedInstant(nextPeriod(period, range.granularity), 0, range.timeZone).getTime();
    out.push({
      period,
      from: new Date(Math.max(start, range.from.getTime())),
      until: new Date(Math.min(next, end)),
    });
  }
  return out;
}

/** The UTC days (YYYY-MM-DD) the range touches: product views are counted per UTC day. */
export function utcDaysOf(range: Pick<AnalyticsRange, 'from' | 'to'>): {
  readonly first: string;
  readonly last: string;
} {
  return { first: range.from.toISOString().slice(0, 10), last: range.to.toISOString().slice(0, 10) };
}

export const rate = (n: number, d: number): number => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);
export const averageOrderValue = (net: Money, orders: number): Money =>
  orders === 0 ? 0 : Math.round(net / orders);
export const MEMBERSHIP_DEFAULT_TIER = 'bronze';
