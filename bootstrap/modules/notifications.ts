import { createHmac } from 'node:crypto';
import type { Container } from 'inversify';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../../adapters/cache/redis-tokens.js';
import { RedisRecipientRateLimit } from '../../adapters/cache/redis-recipient-rate-limit.js';
import { MemoryRecipientRateLimit } from '../../adapters/cache/memory-recipient-rate-limit.js';
import { HmacUnsubscribeTokens } from '../../adapters/security/hmac-unsubscribe-tokens.js';
import {
  BULK_NOTIFICATION_STORE,
  GetBulkNotification,
  RunBulkNotification,
  StartBulkNotification,
} from '../../application/notifications/bulk.js';
import { Unsubscribe } from '../../application/notifications/unsubscribe.js';
import { SendSafeguards, UNSUBSCRIBE_SETTINGS } from '../../application/notifications/safeguards.js';
import { MAILER, type Mailer } from '../../application/shared/mail.js';
import {
  APP_LOGGER,
  CLOCK,
  ID_GENERATOR,
  STARTUP_TASK,
  type AppLogger,
  type StartupTask,
} from '../../application/shared/ports.js';
import {
  PUSH_SENDER,
  PUSH_SUBSCRIPTION_STORE,
  SMS_SENDER,
  type PushSender,
  type SmsSender,
} from '../../application/notifications/channels.js';
import {
  NOTIFICATION_REPOSITORY,
  RECIPIENT_RATE_LIMIT,
  RECIPIENT_RATE_POLICY,
  TEMPLATE_LIBRARY,
  UNSUBSCRIBE_TOKENS,
  type RecipientRateLimit,
  type RecipientRatePolicy,
  type TemplateLibrary,
  type UnsubscribeTokens,
} from '../../application/notifications/ports.js';
import {
  DELIVERY_POLICY,
  SendNotification,
  type DeliveryPolicy,
} from '../../application/notifications/send-notification.js';
import {
  DeliverNotification,
  ResumePendingNotifications,
} from '../../application/notifications/deliver-notification.js';
import {
  GetNotification,
  ListNotificationTemplates,
  NotificationHistory,
} from '../../application/notifications/queries.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { NotifyCustomerAboutOrder } from '../../application/notifications/order-updates.js';
import { BackInStockNotifications } from '../../application/notifications/back-in-stock.js';
import { ResetLinkSecrets } from '../../application/notifications/account-notifications.js';
import { ResetLinks } from '../../application/identity/reset-links.js';
import { SECRET_VARIABLES } from '../../application/notifications/ports.js';
import { BACK_IN_STOCK_MESSAGES } from '../../application/inventory/ports.js';
import { JOB_QUEUE } from '../../application/shared/job-queue.js';
import { LiquidTemplateLibrary } from '../../adapters/templates/liquid-template-library.js';
import { notificationTemplatesDir } from '../paths.js';
import { bindClass, bindUseCase, loaded } from './bind.js';
import { SweepSchedule } from './stock-reservations.js';
import {
  GetPushPublicKey,
  PUSH_SETTINGS,
  SubscribeToPush,
  UnsubscribeFromPush,
} from '../../application/notifications/push-subscriptions.js';
import { OutboxMailer } from '../../adapters/mail/outbox-mailer.js';
import type * as SmtpMailerModule from '../../adapters/mail/smtp-mailer.js';
import { OutboxSmsSender } from '../../adapters/sms/outbox-sms.js';
import { LogPushSender } from '../../adapters/push/log-push.js';
import type { Config } from '../config.js';

/** The SMTP mailer (nodemailer), imported only when SMTP_URL is set. */
export interface NotificationModules {
  readonly smtp: typeof SmtpMailerModule | null;
}

export async function loadNotifications(config: Pick<Config, 'smtp'>): Promise<NotificationModules> {
  return { smtp: config.smtp ? await import('../../adapters/mail/smtp-mailer.js') : null };
}

/**
 * The notification channels. Mail: SMTP (nodemailer) when SMTP_URL is set, else the outbox folder.
 * SMS: Twilio when the TWILIO_ variables are set, else the outbox folder (SMS_OUTBOX_DIR). Push:
 * Web Push when the VAPID_ variables are set, else logged only. The provider SDKs are imported
 * only when selected. Order mails are event handlers (modules/events.ts).
 */
export function bindNotifications(container: Container, config: Config, modules: NotificationModules): void {
  const smtp = config.smtp;
  if (smtp) {
    const { SmtpMailer } = loaded(modules.smtp, 'the SMTP mailer');
    container
      .bind<Mailer>(MAILER)
      .toResolvedValue(
        (logger: AppLogger) => new SmtpMailer({ url: smtp.url, from: config.mail.from }, logger),
        [APP_LOGGER],
      )
      .inSingletonScope()
      .onDeactivation((mailer) => (mailer as InstanceType<typeof SmtpMailer>).close());
  } else {
    container
      .bind<Mailer>(MAILER)
      .toResolvedValue(
        (logger: AppLogger) => new OutboxMailer(config.mail.outboxDir, config.mail.from, logger),
        [APP_LOGGER],
      )
      .inSingletonScope();
  }

  const twilio = config.twilio;
  if (twilio) {
    // The SDK is loaded only when configured: the embedded default never imports it.
    container
      .bind<SmsSender>(SMS_SENDER)
      .toResolvedValue(
        (logger: AppLogger) =>
          lazySmsSender(
            import('../../adapters/sms/twilio-sms.js').then(
              ({ TwilioSmsSender }) => new TwilioSmsSender(twilio, logger),
            ),
          ),
        [APP_LOGGER],
      )
      .inSingletonScope();
  } else {
    container
      .bind<SmsSender>(SMS_SENDER)
      .toResolvedValue((logger: AppLogger) => new OutboxSmsSender(config.sms.outboxDir, logger), [APP_LOGGER])
      .inSingletonScope();
  }
  const vapid = config.vapid;
  if (vapid) {
    // web-push is loaded only when VAPID keys are configured.
    container
      .bind<PushSender>(PUSH_SENDER)
      .toResolvedValue(
        (logger: AppLogger) =>
          lazyPushSender(
            import('../../adapters/push/web-push.js').then(
              ({ WebPushSender }) =>
                new WebPushSender({ ...vapid, endpointHosts: config.pushEndpointHosts }, logger),
            ),
          ),
        [APP_LOGGER],
      )
      .inSingletonScope();
  } else {
    container
      .bind<PushSender>(PUSH_SENDER)
      .toResolvedValue((logger: AppLogger) => new LogPushSender(logger), [APP_LOGGER])
      .inSingletonScope();
  }

  // Browsers' push subscriptions (the /api/notifications/push routes).
  container.bind(PUSH_SETTINGS).toConstantValue({
    vapidPublicKey: vapid?.publicKey ?? null,
    endpointHosts: config.pushEndpointHosts,
  });
  bindUseCase(container, GetPushPublicKey, [PUSH_SETTINGS]);
  bindUseCase(container, SubscribeToPush, [PUSH_SUBSCRIPTION_STORE, CLOCK, PUSH_SETTINGS]);
  bindUseCase(container, UnsubscribeFromPush, [PUSH_SUBSCRIPTION_STORE]);
}

/** An SmsSender whose adapter is still loading (a dynamic import): each send waits for it. */
function lazySmsSender(loading: Promise<SmsSender>): SmsSender {
  loading.catch(() => undefined); // a failed load is reported by the sends that need it
  return { send: async (message) => (await loading).send(message) };
}

/** A PushSender whose adapter is still loading (a dynamic import): each send waits for it. */
function lazyPushSender(loading: Promise<PushSender>): PushSender {
  loading.catch(() => undefined);
  return { send: async (subscription, message) => (await loading).send(subscription, message) };
}

/** The resume sweep on its schedule (NOTIFICATION_RESUME_INTERVAL_MS), once at start too. */
export class NotificationResumeSchedule extends SweepSchedule {
  readonly name = 'resume pending notifications';

  constructor(
    private readonly resume: ResumePendingNotifications,
    intervalMs: number,
    logger: AppLogger,
  ) {
    super(intervalMs, logger);
  }

  protected async sweep(): Promise<void> {
    const { resumed, failed } = await this.resume.execute();
    if (resumed + failed > 0) this.logger.info('pending notifications resumed', { resumed, failed });
  }
}

/**
 * The notification system: templates (templates/notifications at the package root), the send
 * pipeline (SendNotification -> job `deliver` on queue `notifications` -> DeliverNotification,
 * registered in the jobs table, modules/jobs.ts), the resume sweep and the history queries.
 */
export function bindNotificationSystem(container: Container, config: Config): void {
  container.bind<TemplateLibrary>(TEMPLATE_LIBRARY).toConstantValue(
    new LiquidTemplateLibrary(notificationTemplatesDir(), {
      name: 'Amour Florals',
      url: config.frontendUrl,
    }),
  );
  container.bind<DeliveryPolicy>(DELIVERY_POLICY).toConstantValue({
    attempts: config.notifications.attempts,
    backoffMs: config.notifications.backoffMs,
    resumeAfterMs: config.notifications.resumeAfterMs,
    resumeBatch: 500,
  });
  bindSendSafeguards(container, config);
  bindUseCase(container, SendNotification, [
    TEMPLATE_LIBRARY,
    NOTIFICATION_REPOSITORY,
    USER_REPOSITORY,
    JOB_QUEUE,
    ID_GENERATOR,
    CLOCK,
    DELIVERY_POLICY,
    APP_LOGGER,
    SendSafeguards,
  ]);
  bindUseCase(container, DeliverNotification, [
    NOTIFICATION_REPOSITORY,
    MAILER,
    SMS_SENDER,
    PUSH_SENDER,
    PUSH_SUBSCRIPTION_STORE,
    CLOCK,
    APP_LOGGER,
    SECRET_VARIABLES,
  ]);
  // The secret variables a delivery fills in: the reset link, made from its request's event id.
  bindClass(container, SECRET_VARIABLES, ResetLinkSecrets, [ResetLinks]);
  bindUseCase(container, ResumePendingNotifications, [
    NOTIFICATION_REPOSITORY,
    SendNotification,
    JOB_QUEUE,
    CLOCK,
    DELIVERY_POLICY,
  ]);
  bindUseCase(container, StartBulkNotification, [
    SendNotification,
    USER_REPOSITORY,
    BULK_NOTIFICATION_STORE,
    JOB_QUEUE,
    ID_GENERATOR,
    CLOCK,
    DELIVERY_POLICY,
  ]);
  bindUseCase(container, RunBulkNotification, [
    SendNotification,
    USER_REPOSITORY,
    BULK_NOTIFICATION_STORE,
    NOTIFICATION_REPOSITORY,
    CLOCK,
    APP_LOGGER,
  ]);
  bindUseCase(container, GetBulkNotification, [BULK_NOTIFICATION_STORE, NOTIFICATION_REPOSITORY]);
  bindUseCase(container, NotifyCustomerAboutOrder, [
    ORDER_REPOSITORY,
    USER_REPOSITORY,
    PUSH_SUBSCRIPTION_STORE,
    TEMPLATE_LIBRARY,
    SendNotification,
  ]);
  // The inventory's back-in-stock messages go through the pipeline (its port, bound here).
  bindClass(container, BACK_IN_STOCK_MESSAGES, BackInStockNotifications, [SendNotification, APP_LOGGER]);
  bindUseCase(container, NotificationHistory, [NOTIFICATION_REPOSITORY]);
  bindUseCase(container, GetNotification, [NOTIFICATION_REPOSITORY]);
  bindUseCase(container, ListNotificationTemplates, [TEMPLATE_LIBRARY]);
  container
    .bind(NotificationResumeSchedule)
    .toResolvedValue(
      (resume: ResumePendingNotifications, logger: AppLogger) =>
        new NotificationResumeSchedule(resume, config.notifications.resumeIntervalMs, logger),
      [ResumePendingNotifications, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
}

/**
 * What the send path checks: the per-recipient rate limit (Redis with REDIS_URL, shared by the
 * fleet; in process otherwise) and the unsubscribe links' signing key (UNSUBSCRIBE_SECRET, else
 * one derived from the JWT secret so a deployment needs no new variable).
 */
function bindSendSafeguards(container: Container, config: Config): void {
  const n = config.notifications;
  container.bind<RecipientRatePolicy>(RECIPIENT_RATE_POLICY).toConstantValue({
    max: n.recipientMax,
    transactionalMax: n.recipientTransactionalMax,
    windowMs: n.recipientWindowMs,
  });
  if (config.redis) {
    container
      .bind<RecipientRateLimit>(RECIPIENT_RATE_LIMIT)
      .toResolvedValue(
        (redis: Redis, prefix: string, logger: AppLogger) =>
          new RedisRecipientRateLimit(redis, prefix, logger),
        [REDIS_CLIENT, REDIS_KEY_PREFIX, APP_LOGGER],
      )
      .inSingletonScope();
  } else {
    container.bind<RecipientRateLimit>(RECIPIENT_RATE_LIMIT).toConstantValue(new MemoryRecipientRateLimit());
  }
  const secret =
    n.unsubscribeSecret ??
    createHmac('sha256', config.jwt.secret).update('notifications:unsubscribe').digest('hex');
  container.bind<UnsubscribeTokens>(UNSUBSCRIBE_TOKENS).toConstantValue(new HmacUnsubscribeTokens(secret));
  container.bind(UNSUBSCRIBE_SETTINGS).toConstantValue({ publicUrl: config.publicUrl });
  bindUseCase(container, Unsubscribe, [UNSUBSCRIBE_TOKENS, USER_REPOSITORY, CLOCK]);
  bindUseCase(container, SendSafeguards, [
    RECIPIENT_RATE_LIMIT,
    RECIPIENT_RATE_POLICY,
    UNSUBSCRIBE_TOKENS,
    UNSUBSCRIBE_SETTINGS,
  ]);
}

/** Resumes pending notifications at start and on schedule (after the workers are registered). */
export function startNotificationResume(container: Container): void {
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue((schedule: NotificationResumeSchedule) => schedule, [NotificationResumeSchedule]);
}
