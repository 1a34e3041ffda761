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

/** Minor units as rupees, e.g. 129900 -> "₹1,299.00". */
export function formatRupees(amount: Money): string {
  return RUPEES.format(toMajor(amount));
}

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** e.g. "Friday, 14 March 2025" (UTC, so the same on every server). */
export function formatDate(date: Date): string {
  return LONG_DATE.format(date);
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
