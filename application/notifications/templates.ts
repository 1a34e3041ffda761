import type { OrderStatus } from '../../domain/ordering/status.js';
import { toMajor, type Money } from '../../domain/shared/money.js';

/**
 * How the order messages format their values (the messages themselves are templates in
 * templates/notifications, filled by order-notifications.ts).
 */

const RUPEES = new Intl.NumberFormat('en-IN', {
  style: 'currency',
  currency: 'INR',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/**
 * A formatter's recent answers: Intl's format costs microseconds, and an order's messages format
 * the same few prices and dates over and over. Bounded: emptied when it reaches its size.
 */
function remembered<K, V>(format: (key: K) => V, size = 512): (key: K) => V {
  const seen = new Map<K, V>();
  return (key) => {
    let value = seen.get(key);
    if (value === undefined) {
      if (seen.size >= size) seen.clear();
      value = format(key);
      seen.set(key, value);
    }
    return value;
  };
}

const rupees = remembered((amount: Money) => RUPEES.format(toMajor(amount)));

/** Minor units as rupees, e.g. 129900 -> "₹1,299.00". */
export function formatRupees(amount: Money): string {
  return rupees(amount);
}

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

const longDate = remembered((day: number) => LONG_DATE.format(day));

/** e.g. "Friday, 14 March 2025" (UTC, so the same on every server). */
export function formatDate(date: Date): string {
  // Remembered by UTC day: every time of a day formats the same.
  return longDate(Math.floor(date.getTime() / 86_400_000) * 86_400_000);
}

const STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  pending: 'Pending',
  confirmed: 'Confirmed',
  processing: 'Being prepared',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

export function statusLabel(status: OrderStatus): string {
  return STATUS_LABELS[status] ?? status;
}
