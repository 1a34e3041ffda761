import { token } from '../shared/token.js';
/** An outgoing e-mail. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends mail (outbox folder by default, SMTP when configured). Rejects when delivery fails. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
export const MAILER = token<Mailer>('Mailer');
