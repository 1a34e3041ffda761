import { token } from './token.js';

/**
 * Mail as a shared outbound port: identity, inventory and notifications each send their own mails
 * through it, so none of them imports another to send one. Also the markup helpers every mail
 * template uses.
 */

/** An outgoing e-mail. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Extra header lines, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) on marketing mail. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends mail (outbox folder by default, SMTP when configured). Rejects when delivery fails. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
export const MAILER = token<Mailer>('Mailer');

export const SIGNATURE_TEXT = 'With love,\nAmour Florals';
export const SIGNATURE_HTML = '<p>With love,<br>Amour Florals</p>';

/** `&`, `<`, `>`, `"` and `'` as numeric character references: safe in text and in attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Tagged template for HTML: every `${value}` is escaped; `raw(...)` marks trusted markup. */
class Raw {
  constructor(readonly html: string) {}
}
export function raw(html: string): Raw {
  return new Raw(html);
}
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const text = value instanceof Raw ? value.html : escapeHtml(String(value));
    out += text + (strings[i + 1] ?? '');
  });
  return out;
}

/** A whole HTML document around a body fragment (mail clients want one). */
export function page(title: string, body: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    html`<title>${title}</title>` +
    '</head><body style="font-family:Georgia,serif;color:#3b2a2f;max-width:640px;margin:auto">' +
    body +
    '</body></html>'
  );
}
