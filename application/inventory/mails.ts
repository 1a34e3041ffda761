import { html, page, SIGNATURE_HTML, SIGNATURE_TEXT, type MailMessage } from '../shared/mail.js';

/** Back in stock: sent once per "notify me" request when the product's stock goes from 0 to > 0. */
export function backInStockMail(to: string, productName: string): MailMessage {
  const subject = `Back in stock: ${productName}`;
  const text = `Good news! ${productName} is back in stock at Amour Florals.\n\n${SIGNATURE_TEXT}`;
  return {
    to,
    subject,
    text,
    html: page(
      subject,
      html`<p>Good news! <strong>${productName}</strong> is back in stock at Amour Florals.</p>` +
        SIGNATURE_HTML,
    ),
  };
}
