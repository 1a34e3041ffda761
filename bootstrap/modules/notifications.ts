import type { Container } from 'inversify';
import { MAILER, type Mailer } from '../../application/shared/mail.js';
import { APP_LOGGER, type AppLogger } from '../../application/shared/ports.js';
import {
  PUSH_SENDER,
  SMS_SENDER,
  type PushSender,
  type SmsSender,
} from '../../application/notifications/channels.js';
import { OutboxMailer } from '../../adapters/mail/outbox-mailer.js';
import { SmtpMailer } from '../../adapters/mail/smtp-mailer.js';
import { OutboxSmsSender } from '../../adapters/sms/outbox-sms.js';
import { LogPushSender } from '../../adapters/push/log-push.js';
import type { Config } from '../config.js';

/**
 * The notification channels. Mail: SMTP (nodemailer) when SMTP_URL is set, else the outbox folder.
 * SMS: the outbox folder (SMS_OUTBOX_DIR). Push: logged only. Order mails are event handlers
 * (modules/events.ts).
 */
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

  container
    .bind<SmsSender>(SMS_SENDER)
    .toResolvedValue((logger: AppLogger) => new OutboxSmsSender(config.sms.outboxDir, logger), [APP_LOGGER])
    .inSingletonScope();
  container
    .bind<PushSender>(PUSH_SENDER)
    .toResolvedValue((logger: AppLogger) => new LogPushSender(logger), [APP_LOGGER])
    .inSingletonScope();
}
