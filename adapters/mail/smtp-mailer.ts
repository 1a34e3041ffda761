import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { AppLogger } from '../../application/shared/ports.js';
import type { Mailer, MailMessage } from '../../application/shared/mail.js';

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` or `smtps://...:465`; nodemailer's URL options apply (e.g. `?pool=true`). */
  readonly url: string;
  /** The From header, e.g. `Amour Florals <no-reply@shop.example>`. */
  readonly from: string;
  readonly connectionTimeoutMs?: number;
  readonly socketTimeoutMs?: number;
}

/**
 * Sends mail over SMTP with nodemailer (selected by SMTP_URL). Rejects when the server refuses
 * the message or cannot be reached; callers decide whether that matters (it never fails a
 * request). Logs recipient, subject and message id, never the body (it may carry a reset link).
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly options: SmtpMailerOptions,
    private readonly logger: AppLogger,
  ) {
    this.transport = nodemailer.createTransport({
      url: options.url,
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.connectionTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
    });
  }

  async send(message: MailMessage): Promise<void> {
    const sending = this.transport.sendMail({
      from: this.options.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      ...(message.headers ? { headers: { ...message.headers } } : {}),
    });
    this.inFlight.add(sending);
    try {
      const info = await sending;
      this.logger.info('mail sent over SMTP', {
        to: message.to,
        subject: message.subject,
        messageId: info.messageId,
      });
    } finally {
      this.inFlight.delete(sending);
    }
  }

  /** Lets the messages being sent finish, then closes the transport (pooled connections). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.transport.close();
  }
}
