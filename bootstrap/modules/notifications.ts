import type { Container } from 'inversify';
import { MAILER, type Mailer } from '../../application/shared/mail.js';
import { APP_LOGGER, type AppLogger } from '../../application/shared/ports.js';
import { OutboxMailer } from '../../adapters/mail/outbox-mailer.js';
import { SmtpMailer } from '../../adapters/mail/smtp-mailer.js';
import type { Config } from '../config.js';

/** Mail: SMTP (nodemailer) when SMTP_URL is set, else the outbox folder; order mails are event handlers (modules/events.ts). */
export function bindNotifications(container: Container, config: Config): void {
  const smtp = config.smtp;
  if (smtp) {
    container
      .bind<Mailer>(MAILER)
      .toResolvedValue(
        (logger: AppLogger) => new SmtpMailer({ url: smtp.url, from: config.mail.from }, logger),
        [APP_LOGGER],
      )
      .inSingletonScope()
      .onDeactivation((mailer) => (mailer as SmtpMailer).close());
  } else {
    container
      .bind<Mailer>(MAILER)
      .toResolvedValue(
        (logger: AppLogger) => new OutboxMailer(config.mail.outboxDir, config.mail.from, logger),
        [APP_LOGGER],
      )
      .inSingletonScope();
  }
}
