import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { consents, unsubscribeTopicFor } from '../../domain/notifications/consent.js';
import type { User } from '../../domain/identity/user.js';
import {
  newNotification,
  newSkippedNotification,
  PUSH_RECIPIENT,
  type SkipReason,
  type Notification,
  type NotificationCategory,
  type NotificationMetadata,
  type NotificationType,
} from '../../domain/notifications/notification.js';
import type { UserRepository } from '../identity/index.js';
import type { JobQueue } from '../shared/job-queue.js';
import type { AppLogger, Clock, IdGenerator } from '../shared/ports.js';
import { token } from '../shared/token.js';
import {
  secretPlaceholder,
  type NotificationRepository,
  type RenderedMessage,
  type TemplateDescriptor,
  type TemplateLibrary,
  type TemplateVariables,
} from './ports.js';
import { withUnsubscribeFooter, type SendSafeguards } from './safeguards.js';

/** The queue and job name of a delivery; the job id is the notification id (dedup). */
export const NOTIFICATIONS_QUEUE = 'notifications';
export const DELIVER_JOB = 'deliver';
export interface DeliverJobData {
  readonly notificationId: string;
}

/** How deliveries are retried (first try included) and how long a pending one waits before the resume sweep queues it again. */
export interface DeliveryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly resumeAfterMs: number;
  readonly resumeBatch: number;
}
export const DELIVERY_POLICY = token<DeliveryPolicy>('NotificationDeliveryPolicy');

/** The template a custom subject/body is rendered with (templates/notifications/custom). */
export const CUSTOM_TEMPLATE = 'custom';

export type Recipient =
  /** A user: their email, their phone, or their push subscriptions. */
  | { readonly userId: string }
  /** A bare address (email) or number (sms); push needs a user. */
  | { readonly address: string };

export interface SendNotificationInput {
  /** Given when the message answers an event (derived from its id): a repeat then creates nothing. */
  readonly id?: string;
  readonly channel: NotificationType;
  readonly to: Recipient;
  /** A template with its variables... */
  readonly template?: string;
  readonly variables?: TemplateVariables;
  /** ...or a custom message (rendered with the `custom` template). */
  readonly custom?: { readonly subject?: string; readonly body: string };
  /** Defaults to the template's. Decides which preferences the message needs (domain/notifications/consent.ts). */
  readonly category?: NotificationCategory;
  readonly metadata?: Omit<NotificationMetadata, 'category'>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s\-()]{5,30}$/;

/** A 400 naming `field`. */
export function invalid(field: string, message: string): DomainError {
  return domainError('VALIDATION_FAILED', message, { errors: [{ field, message }] });
}

/** Secret variables never reach the store: their placeholders are rendered in their place. */
function withPlaceholders(
  descriptor: TemplateDescriptor | undefined,
  variables: TemplateVariables,
): TemplateVariables {
  const secrets = Object.entries(descriptor?.variables ?? {}).filter(([, v]) => v.secret === true);
  if (secrets.length === 0) return variables;
  return { ...variables, ...Object.fromEntries(secrets.map(([name]) => [name, secretPlaceholder(name)])) };
}

/**
 * The one send path every message takes (admin sends, bulk sends, event mails): it applies the
 * recipient's preferences (domain/notifications/consent.ts) and the per-recipient rate limit, and
 * gives a marketing mail its one-click unsubscribe link. A message refused by either is stored
 * `failed` with the reason (`opted-out`, `rate-limited`) in lastError and metadata.skipped, and
 * is not sent.
 *
 * Validates, renders, stores the Notification `pending`, and queues its delivery (job `deliver`
 * on queue `notifications`, job id = notification id). Storing first means a crash between the
 * two loses nothing: the resume sweep queues what is pending. With an id given, a repeat answers
 * the stored notification and queues nothing new (the queue deduplicates by job id as well).
 */
export class SendNotification {
  constructor(
    private readonly templates: TemplateLibrary,
    private readonly notifications: NotificationRepository,
    private readonly users: UserRepository,
    private readonly queue: JobQueue,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly policy: DeliveryPolicy,
    private readonly logger: AppLogger,
    private readonly safeguards: SendSafeguards,
  ) {}

  async execute(input: SendNotificationInput): Promise<Result<Notification, DomainError>> {
    if (input.id !== undefined) {
      const existing = await this.notifications.findById(input.id);
      if (existing) {
        await this.enqueue(existing);
        return Ok(existing);
      }
    }
    const shape = this.shape(input);
    if (shape.isErr()) return shape;
    const descriptor = await this.templates.describe(shape.value.name);
    const category = input.category ?? descriptor?.category ?? 'transactional';
    const recipient = await this.recipient(input);
    if (recipient.isErr()) {
      // A bulk send records the user it cannot reach, so its progress adds up to its total.
      if (
        recipient.error.code === 'RECIPIENT_UNREACHABLE' &&
        input.metadata?.bulkId &&
        'userId' in input.to
      ) {
        return this.store(input, category, { userId: input.to.userId, address: '' }, null, 'unreachable');
      }
      return recipient;
    }
    const { user } = recipient.value;
    const topic = unsubscribeTopicFor(input.channel, category);
    const unsubscribeUrl =
      user && category === 'marketing' && input.channel === 'email' && topic
        ? this.safeguards.unsubscribeUrl({ userId: user.id, topic })
        : undefined;
    const variables: TemplateVariables = {
      ...shape.value.variables,
      ...(unsubscribeUrl !== undefined && descriptor?.variables.unsubscribeUrl ? { unsubscribeUrl } : {}),
    };
    const rendered = await this.templates.render(
      shape.value.name,
      input.channel,
      withPlaceholders(descriptor, variables),
    );
    if (rendered.isErr()) return rendered;
    let message = rendered.value;
    if (unsubscribeUrl !== undefined && !descriptor?.variables.unsubscribeUrl) {
      message = withUnsubscribeFooter(message, unsubscribeUrl);
    }
    const content = { rendered: message, template: shape.value.name, unsubscribeUrl };
    if (user && !consents(user.preferences, input.channel, category)) {
      return this.store(input, category, recipient.value, content, 'opted-out');
    }
    const { max, transactionalMax, windowMs } = this.safeguards.rate;
    const within = await this.safeguards.limit.take(
      `${category}:${user?.id ?? `${input.channel}:${recipient.value.address}`}`,
      category === 'marketing' ? max : transactionalMax,
      windowMs,
      this.clock.now(),
    );
    if (!within) return this.store(input, category, recipient.value, content, 'rate-limited');
    return this.store(input, category, recipient.value, content);
  }

  /**
   * Checks a message's content without sending it (a bulk send before it answers 202): the
   * template exists, has the channel, and the variables fit its declaration.
   */
  async check(input: Omit<SendNotificationInput, 'to' | 'id'>): Promise<Result<true, DomainError>> {
    const shape = this.shape(input);
    if (shape.isErr()) return shape;
    const descriptor = await this.templates.describe(shape.value.name);
    const rendered = await this.templates.render(
      shape.value.name,
      input.channel,
      withPlaceholders(descriptor, shape.value.variables),
    );
    return rendered.isErr() ? rendered : Ok(true);
  }

  private async store(
    input: SendNotificationInput,
    category: NotificationCategory,
    recipient: { readonly userId?: string; readonly address: string },
    content: { rendered: RenderedMessage; template: string; unsubscribeUrl: string | undefined } | null,
    skipped?: SkipReason,
  ): Promise<Result<Notification, DomainError>> {
    const rendered = content?.rendered ?? { subject: '', text: '' };
    const template = content?.template ?? input.template ?? CUSTOM_TEMPLATE;
    const fresh = {
      id: input.id ?? this.ids.next(),
      ...(recipient.userId !== undefined ? { userId: recipient.userId } : {}),
      type: input.channel,
      ...(template !== CUSTOM_TEMPLATE || !input.custom ? { template } : {}),
      subject: rendered.subject,
      content: rendered.text,
      ...(rendered.html !== undefined ? { html: rendered.html } : {}),
      recipient: recipient.address,
      metadata: {
        ...input.metadata,
        category,
        ...(content?.unsubscribeUrl !== undefined ? { unsubscribeUrl: content.unsubscribeUrl } : {}),
      },
      now: this.clock.now(),
    };
    const notification = skipped ? newSkippedNotification(fresh, skipped) : newNotification(fresh);
    const { notification: stored } = await this.notifications.create(notification);
    if (skipped) {
      this.logger.info('notification not sent', { notificationId: stored.id, reason: skipped });
    }
    await this.enqueue(stored);
    return Ok(stored);
  }

  /** Queues a pending notification's delivery (a no-op when its job is already known). */
  async enqueue(notification: Notification): Promise<void> {
    if (notification.status !== 'pending') return;
    try {
      await this.queue.add<DeliverJobData>(
        NOTIFICATIONS_QUEUE,
        DELIVER_JOB,
        { notificationId: notification.id },
        { jobId: notification.id, attempts: this.policy.attempts, backoffMs: this.policy.backoffMs },
      );
    } catch (error) {
      // Stored pending: the resume sweep queues it once the queue answers again.
      this.logger.warn('notification not queued yet', {
        notificationId: notification.id,
        error: String(error),
      });
    }
  }

  /** A template with its variables, or a custom message (the `custom` template's variables). */
  private shape(
    input: Omit<SendNotificationInput, 'to' | 'id'>,
  ): Result<{ name: string; variables: TemplateVariables }, DomainError> {
    if (input.custom && input.template !== undefined) {
      return Err(invalid('template', 'Give either a template or a custom subject/body, not both'));
    }
    if (!input.custom && input.template === undefined) {
      return Err(invalid('template', 'A template (with its variables) or a custom body is required'));
    }
    if (input.custom && input.channel === 'email' && !input.custom.subject?.trim()) {
      return Err(invalid('subject', 'A custom email needs a subject'));
    }
    const name = input.template ?? CUSTOM_TEMPLATE;
    const variables: TemplateVariables = input.custom
      ? {
          body: input.custom.body,
          ...(input.custom.subject !== undefined ? { subject: input.custom.subject } : {}),
        }
      : (input.variables ?? {});
    return Ok({ name, variables });
  }

  private async recipient(
    input: SendNotificationInput,
  ): Promise<Result<{ userId?: string; address: string; user?: User }, DomainError>> {
    const to = input.to;
    if ('address' in to) {
      const address = to.address.trim();
      if (input.channel === 'push') return Err(invalid('to', 'Push messages go to a user (their devices)'));
      if (input.channel === 'email' && (!EMAIL.test(address) || address.length > 254)) {
        return Err(invalid('email', 'A valid email address is required'));
      }
      if (input.channel === 'sms' && !PHONE.test(address)) {
        return Err(invalid('phone', 'A valid phone number is required'));
      }
      if (input.channel === 'sms') return Ok({ address });
      // An address that is a user's follows that user's preferences (and gets their unsubscribe link).
      const owner = await this.users.findByEmail(address);
      return Ok({ address: address.toLowerCase(), ...(owner ? { user: owner } : {}) });
    }
    const user = await this.users.findById(to.userId);
    if (!user) return Err(invalid('to', 'There is no user with this id'));
    switch (input.channel) {
      case 'email':
        return Ok({ userId: user.id, address: user.email, user });
      case 'sms':
        return user.phone
          ? Ok({ userId: user.id, address: user.phone, user })
          : Err(domainError('RECIPIENT_UNREACHABLE', 'This user has no phone number'));
      case 'push':
        return Ok({ userId: user.id, address: PUSH_RECIPIENT, user });
    }
  }
}
