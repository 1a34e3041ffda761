import type { Order, OrderLine } from '../../domain/ordering/order.js';
import { lineTotal, lineUnitPrice } from '../../domain/shared/line-pricing.js';
import type { OrderStatus } from '../../domain/ordering/status.js';
import { toMajor, type Money } from '../../domain/shared/money.js';
import {
  escapeHtml,
  html,
  page,
  raw,
  SIGNATURE_HTML,
  SIGNATURE_TEXT,
  type MailMessage,
} from '../shared/mail.js';

/**
 * The order mails, as pure functions of their data: a plain-text part and an HTML part with the
 * same content. Every interpolated value is escaped in the HTML part (application/shared/mail.ts).
 * The account mails live in identity/mails.ts, the back-in-stock mail in inventory/mails.ts.
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

/** "Red Roses (Large, Glass vase)": the line's name with its chosen options. */
function lineTitle(line: OrderLine): string {
  const options = [line.size?.name, line.vase?.name].filter((o): o is string => Boolean(o));
  return options.length > 0 ? `${line.name} (${options.join(', ')})` : line.name;
}

/** Each line's unit price includes its options' add-ons. */
function totalsRows(order: Order): [string, string][] {
  const rows: [string, string][] = [
    ['Subtotal', formatRupees(order.subtotal)],
    [`Shipping (${order.shippingMethod})`, formatRupees(order.shippingFee)],
    ['Tax', formatRupees(order.tax)],
  ];
  if (order.discount > 0) rows.push(['Discount', `-${formatRupees(order.discount)}`]);
  rows.push(['Total', formatRupees(order.total)]);
  return rows;
}

function addressLines(order: Order): string[] {
  const a = order.shippingAddress;
  return [
    a.fullName,
    a.street,
    `${a.city}, ${a.state} ${a.zipCode}`,
    a.country,
    ...(a.phone ? [a.phone] : []),
  ];
}

/** Sent when an order is placed: the lines, quantities, prices, totals and estimated delivery. */
export function orderConfirmationMail(to: string, fullName: string, order: Order): MailMessage {
  const delivery = formatDate(order.estimatedDelivery);
  const itemsText = order.items
    .map((line) => {
      const head = `- ${lineTitle(line)} x ${line.quantity} @ ${formatRupees(lineUnitPrice(line))} = ${formatRupees(lineTotal(line))}`;
      return line.personalNote ? `${head}\n  Note: ${line.personalNote}` : head;
    })
    .join('\n');
  const totalsText = totalsRows(order)
    .map(([label, value]) => `${label}: ${value}`)
    .join('\n');
  const text =
    `Hello ${fullName},\n\nThank you for your order ${order.orderNumber}. We have received it and ` +
    `will let you know as it progresses.\n\nItems:\n${itemsText}\n\n${totalsText}\n\n` +
    `Estimated delivery: ${delivery}\n\nShipping to:\n${addressLines(order).join('\n')}\n\n${SIGNATURE_TEXT}`;

  const cell = 'style="padding:4px 8px;border-bottom:1px solid #eee"';
  const rightCell = 'style="padding:4px 8px;border-bottom:1px solid #eee;text-align:right"';
  const itemRows = order.items
    .map(
      (line) =>
        html`<tr>
          <td ${raw(cell)}>${lineTitle(line)}</td>
        </tr>` +
        (line.personalNote ? html`<br /><em>Note: ${line.personalNote}</em>` : '') +
        html`</td><td ${raw(rightCell)}>${line.quantity}</td>` +
        html`<td ${raw(rightCell)}>${formatRupees(lineUnitPrice(line))}</td>` +
        html`<td ${raw(rightCell)}>${formatRupees(lineTotal(line))}</td></tr>`,
    )
    .join('');
  const totalRows = totalsRows(order)
    .map(
      ([label, value]) =>
        html`<tr>
          <td colspan="3" ${raw(rightCell)}>${label}</td>
          <td ${raw(rightCell)}>${value}</td>
        </tr>`,
    )
    .join('');
  const body =
    html`<p>Hello ${fullName},</p>` +
    html`<p>
      Thank you for your order <strong>${order.orderNumber}</strong>. We have received it and will let you
      know as it progresses.
    </p>` +
    '<table style="border-collapse:collapse;width:100%">' +
    '<thead><tr><th align="left">Item</th><th align="right">Qty</th><th align="right">Price</th><th align="right">Amount</th></tr></thead>' +
    `<tbody>${itemRows}${totalRows}</tbody></table>` +
    html`<p>Estimated delivery: <strong>${delivery}</strong></p>` +
    `<p>Shipping to:<br>${addressLines(order)
      .map((l) => escapeHtml(l))
      .join('<br>')}</p>` +
    SIGNATURE_HTML;
  return {
    to,
    subject: `Your Amour Florals order ${order.orderNumber}`,
    text,
    html: page(`Order ${order.orderNumber}`, body),
  };
}

/** Sent when an order's status changes: the new status, the tracking number when there is one. */
export function orderStatusMail(
  to: string,
  fullName: string,
  order: Order,
  status: OrderStatus,
): MailMessage {
  const label = statusLabel(status);
  const lines: string[] = [];
  if (order.trackingNumber) lines.push(`Tracking number: ${order.trackingNumber}`);
  if (order.statusMessage) lines.push(order.statusMessage);
  if (status !== 'cancelled' && status !== 'delivered') {
    lines.push(`Estimated delivery: ${formatDate(order.estimatedDelivery)}`);
  }
  const text =
    `Hello ${fullName},\n\nYour order ${order.orderNumber} is now: ${label}.\n\n` +
    (lines.length > 0 ? `${lines.join('\n')}\n\n` : '') +
    `Order total: ${formatRupees(order.total)}\n\n${SIGNATURE_TEXT}`;
  const body =
    html`<p>Hello ${fullName},</p>
      <p>Your order <strong>${order.orderNumber}</strong> is now: <strong>${label}</strong>.</p>` +
    (order.trackingNumber ? html`<p>Tracking number: <strong>${order.trackingNumber}</strong></p>` : '') +
    (order.statusMessage ? html`<p>${order.statusMessage}</p>` : '') +
    (status !== 'cancelled' && status !== 'delivered'
      ? html`<p>Estimated delivery: ${formatDate(order.estimatedDelivery)}</p>`
      : '') +
    html`<p>Order total: ${formatRupees(order.total)}</p>` +
    SIGNATURE_HTML;
  return {
    to,
    subject: `Your Amour Florals order ${order.orderNumber} is ${label.toLowerCase()}`,
    text,
    html: page(`Order ${order.orderNumber}`, body),
  };
}

/** Sent when an order is cancelled because its payment did not arrive in time. */
export function orderExpiredMail(to: string, fullName: string, order: Order): MailMessage {
  const subject = `Your Amour Florals order ${order.orderNumber} was cancelled`;
  const text =
    `Hello ${fullName},\n\nWe did not receive the payment for your order ${order.orderNumber} in time, ` +
    'so we have cancelled it and released the flowers it was holding. Nothing has been charged. ' +
    `You are welcome to place the order again.\n\nOrder total: ${formatRupees(order.total)}\n\n${SIGNATURE_TEXT}`;
  const body =
    html`<p>Hello ${fullName},</p>
      <p>
        We did not receive the payment for your order <strong>${order.orderNumber}</strong> in time, so we
        have cancelled it and released the flowers it was holding. Nothing has been charged.
      </p>
      <p>You are welcome to place the order again.</p>
      <p>Order total: ${formatRupees(order.total)}</p>` + SIGNATURE_HTML;
  return { to, subject, text, html: page(`Order ${order.orderNumber}`, body) };
}
