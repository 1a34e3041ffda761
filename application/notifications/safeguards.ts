import { escapeHtml } from '../shared/mail.js';
import { token } from '../shared/token.js';
import type {
  RecipientRateLimit,
  RecipientRatePolicy,
  RenderedMessage,
  UnsubscribeClaim,
  UnsubscribeTokens,
} from './ports.js';

/** Where the API answers (PUBLIC_URL): unsubscribe links point at it. */
export interface UnsubscribeSettings {
  readonly publicUrl: string;
}
export const UNSUBSCRIBE_SETTINGS = token<UnsubscribeSettings>('UnsubscribeSettings');

/** The route a one-click unsubscribe link points at (GET: a confirmation page, POST: RFC 8058). */
export const UNSUBSCRIBE_PATH = '/api/notifications/unsubscribe';

/** What SendNotification checks before it stores a message: the rate limit and the unsubscribe links. */
export class SendSafeguards {
  constructor(
    readonly limit: RecipientRateLimit,
    readonly rate: RecipientRatePolicy,
    private readonly tokens: UnsubscribeTokens,
    private readonly settings: UnsubscribeSettings,
  ) {}

  unsubscribeUrl(claim: UnsubscribeClaim): string {
    const base = this.settings.publicUrl.replace(/\/$/, '');
    return `${base}${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(this.tokens.sign(claim))}`;
  }
}

/** The unsubscribe link at the foot of a mail whose template does not place it itself. */
export function withUnsubscribeFooter(message: RenderedMessage, url: string): RenderedMessage {
  const text = `${message.text}\n\nUnsubscribe: ${url}`;
  if (message.html === undefined) return { ...message, text };
  const link = `<p style="font-size:small;color:#888"><a href="${escapeHtml(url)}">Unsubscribe</a></p>`;
  const html = message.html.includes('</body>')
    ? message.html.replace('</body>', `${link}</body>`)
    : `${message.html}${link}`;
  return { ...message, text, html };
}
