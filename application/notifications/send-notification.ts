import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import {
  newNotification,
  PUSH_RECIPIENT,
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
  /** Defaults to the template's; where preferences will be checked (one place, next round). */
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
  ) {}

  async execute(input: SendNotificationInput): Promise<Result<Notification, DomainError>> {
    if (input.id !== undefined) {
      const existing = await this.notifications.findById(input.id);
      if (existing) {
        await this.enqueue(existing);
        return Ok(existing);
      }
    }
    const content = await this.content(input);
    if (content.isErr()) return content;
    const recipient = await this.recipient(input);
    if (recipient.isErr()) return recipient;
    const { rendered, template, category } = content.value;
    const notification = newNotification({
      id: input.id ?? this.ids.next(),
      ...(recipient.value.userId !== undefined ? { userId: recipient.value.userId } : {}),
      type: input.channel,
      ...(template !== CUSTOM_TEMPLATE || !input.custom ? { template } : {}),
      subject: rendered.subject,
      content: rendered.text,
      ...(rendered.html !== undefined ? { html: rendered.html } : {}),
      recipient: recipient.value.address,
      metadata: { ...input.metadata, category },
      now: this.clock.now(),
    });
    const { notification: stored } = await this.notifications.create(notification);
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

  private async content(
    input: SendNotificationInput,
  ): Promise<
    Result<{ rendered: RenderedMessage; template: string; category: NotificationCategory }, DomainError>
  > {
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
    const descriptor = await this.templates.describe(name);
    const rendered = await this.templates.render(
      name,
      input.channel,
      withPlaceholders(descriptor, variables),
    );
    if (rendered.isErr()) return rendered;
    return Ok({
      rendered: rendered.value,
      template: name,
      category: input.category ?? descriptor?.category ?? 'transactional',
    });
  }

  private async recipient(
    input: SendNotificationInput,
  ): Promise<Result<{ userId?: string; address: string }, DomainError>> {
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
      return Ok({ address: input.channel === 'email' ? address.toLowerCase() : address });
    }
    const user = await this.users.findById(to.userId);
    if (!user) return Err(invalid('to', 'There is no user with this id'));
    switch (input.channel) {
      case 'email':
        return Ok({ userId: user.id, address: user.email });
      case 'sms':
        return user.phone
          ? Ok({ userId: user.id, address: user.phone })
          : Err(domainError('RECIPIENT_UNREACHABLE', 'This user has no phone number'));
      case 'push':
        return Ok({ userId: user.id, address: PUSH_RECIPIENT });
    }
  }
}
