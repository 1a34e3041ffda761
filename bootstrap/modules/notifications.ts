import type { Container } from 'inversify';
import { MAILER, type Mailer } from '../../application/notifications/ports.js';
import { OrderMailSubscriber } from '../../application/notifications/order-mails.js';
import { USER_REPOSITORY, type UserRepository } from '../../application/identity/ports.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../application/ordering/ports.js';
import {
  APP_LOGGER,
  EVENT_BUS,
  STARTUP_TASK,
  type AppLogger,
  type EventBus,
} from '../../application/shared/ports.js';
import { OutboxMailer } from '../../adapters/mail/outbox-mailer.js';
import { SmtpMailer } from '../../adapters/mail/smtp-mailer.js';
import type { Config } from '../config.js';

/** Mail: SMTP (nodemailer) when SMTP_URL is set, else the outbox folder; order mails from the ordering events. */
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
    .bind(OrderMailSubscriber)
    .toResolvedValue(
      (events: EventBus, orders: OrderRepository, users: UserRepository, mailer: Mailer, logger: AppLogger) =>
        new OrderMailSubscriber(events, orders, users, mailer, logger),
      [EVENT_BUS, ORDER_REPOSITORY, USER_REPOSITORY, MAILER, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((subscriber) => subscriber.drain());
  container.bind(STARTUP_TASK).toService(OrderMailSubscriber);
}
