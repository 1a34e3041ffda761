import type { PasswordResetRequested, UserRegistered } from '../../domain/identity/events.js';
import type { Notification } from '../../domain/notifications/notification.js';
import type { IssuePasswordReset, ResetLinks, UserRepository } from '../identity/index.js';
import type { AppLogger, EventHandler } from '../shared/ports.js';
import { eventNotificationId } from './order-notifications.js';
import type { SecretVariables, TemplateVariables } from './ports.js';
import type { SendNotification } from './send-notification.js';

export const PASSWORD_RESET_TEMPLATE = 'password-reset';

type AccountEvent = UserRegistered | PasswordResetRequested;

/**
 * One email to the account's user per event (id: the event's + channel, so a repeat sends
 * nothing new). A refusal (a template or recipient problem) is logged: redelivery would not fix it.
 */
abstract class AccountMail<E extends AccountEvent> implements EventHandler<E> {
  constructor(
    private readonly send: SendNotification,
    private readonly logger: AppLogger,
  ) {}

  abstract readonly name: string;
  /** The request that recorded the event never waits for the mail. */
  readonly background = true;

  /** The template and its variables, or null when the account is gone. */
  protected abstract compose(
    event: E,
  ): Promise<{ readonly template: string; readonly variables: TemplateVariables } | null>;

  async handle(event: E): Promise<void> {
    const message = await this.compose(event);
    if (!message) return;
    const sent = await this.send.execute({
      id: eventNotificationId(event.id, 'email'),
      channel: 'email',
      to: { userId: event.payload.userId },
      ...message,
      category: 'transactional',
      metadata: { eventId: event.id },
    });
    if (sent.isErr()) {
      this.logger.error('account notification refused', {
        event: event.type,
        eventId: event.id,
        code: sent.error.code,
      });
    }
  }
}

/** The welcome email of a new account, once per registration. */
export class SendWelcomeWhenUserRegistered extends AccountMail<UserRegistered> {
  readonly name = 'SendWelcomeWhenUserRegistered';

  constructor(
    private readonly users: UserRepository,
    send: SendNotification,
    logger: AppLogger,
  ) {
    super(send, logger);
  }

  protected async compose(event: UserRegistered) {
    const user = await this.users.findById(event.payload.userId);
    return user ? { template: 'welcome', variables: { name: user.fullName } } : null;
  }
}

/**
 * The reset link's email, once per request. The link's token is made here (IssuePasswordReset
 * stores its digest), never passed on: the template's `resetUrl` is a secret variable, so the
 * stored notification holds a placeholder, and ResetLinkSecrets fills the link in when the mail
 * is sent. Run again for the same event, it stores the same digest and finds the notification.
 */
export class SendResetLinkWhenPasswordResetRequested extends AccountMail<PasswordResetRequested> {
  readonly name = 'SendResetLinkWhenPasswordResetRequested';

  constructor(
    private readonly issue: IssuePasswordReset,
    send: SendNotification,
    logger: AppLogger,
  ) {
    super(send, logger);
  }

  protected async compose(event: PasswordResetRequested) {
    const issued = await this.issue.execute({ eventId: event.id, userId: event.payload.userId });
    if (!issued) return null;
    return {
      template: PASSWORD_RESET_TEMPLATE,
      variables: { name: issued.fullName, validMinutes: issued.validMinutes },
    };
  }
}

/** The reset link of a password-reset message, made from its event id when it is sent. */
export class ResetLinkSecrets implements SecretVariables {
  constructor(private readonly links: ResetLinks) {}

  async resolve(notification: Notification): Promise<Readonly<Record<string, string>> | null> {
    const eventId = notification.metadata.eventId;
    if (notification.template !== PASSWORD_RESET_TEMPLATE || eventId === undefined) return null;
    return { resetUrl: this.links.linkFor(eventId) };
  }
}
