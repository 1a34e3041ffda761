/**
 * One message to one recipient over one channel (the seed's Notification model): what was sent,
 * to whom, and how its delivery went. It is stored `pending` before it is handed to the job
 * queue, so a message is never lost between "asked for" and "sent": a worker that dies leaves it
 * pending and the resume sweep queues it again. Pure: times are passed in.
 */

export const NOTIFICATION_TYPES = ['email', 'sms', 'push'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * Transactional messages (password reset, order updates) answer something the user did or owns;
 * marketing ones (newsletter, back in stock offers) are what preferences may turn off.
 */
export const NOTIFICATION_CATEGORIES = ['transactional', 'marketing'] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/** Where the push channel's recipient points: every push subscription of the user. */
export const PUSH_RECIPIENT = 'push';

/** A last error is kept this long at most (a provider's answer may be a whole HTML page). */
export const LAST_ERROR_MAX = 500;

/**
 * Why a message was recorded without being sent: the recipient's preferences refuse it, the
 * per-recipient rate limit was reached, or (a bulk send) the user has no address for the channel.
 * Such a message is stored `failed` with the reason as its lastError and in metadata.skipped.
 */
export const SKIP_REASONS = ['opted-out', 'rate-limited', 'unreachable'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface NotificationMetadata {
  readonly category: NotificationCategory;
  /** The domain event this message answers (its id is then derived from it). */
  readonly eventId?: string;
  readonly orderId?: string;
  /** The bulk send this message belongs to. */
  readonly bulkId?: string;
  /** Who asked for it when an admin did. */
  readonly requestedBy?: string;
  /** Recorded, not sent (see SkipReason). */
  readonly skipped?: SkipReason;
  /** The one-click unsubscribe link a marketing mail carries (its List-Unsubscribe header). */
  readonly unsubscribeUrl?: string;
}

export interface Notification {
  readonly id: string;
  /** Absent for a message to a bare address or number. */
  readonly userId?: string;
  readonly type: NotificationType;
  /** The template it was rendered from; absent for a custom subject/body. */
  readonly template?: string;
  /** The mail's subject, the push title; '' for SMS. */
  readonly subject: string;
  /** The rendered text (the mail's text part, the SMS, the push body). */
  readonly content: string;
  /** The mail's HTML part, when it has one. */
  readonly html?: string;
  /** An address, a phone number, or `push` (every subscription of the user). */
  readonly recipient: string;
  readonly status: NotificationStatus;
  readonly sentAt?: Date;
  readonly metadata: NotificationMetadata;
  /** Failed attempts so far. */
  readonly retryCount: number;
  readonly lastError?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

/** What a new notification is made of (the rest starts pending, with no attempts). */
export type NewNotification = Pick<
  Notification,
  'id' | 'userId' | 'type' | 'template' | 'subject' | 'content' | 'html' | 'recipient' | 'metadata'
> & { readonly now: Date };

export function newNotification(input: NewNotification): Notification {
  const { now, ...rest } = input;
  return { ...rest, status: 'pending', retryCount: 0, createdAt: now, updatedAt: now, version: 0 };
}

/** A message recorded without being sent: `failed` at once, the reason in lastError and metadata. */
export function newSkippedNotification(input: NewNotification, reason: SkipReason): Notification {
  const n = newNotification(input);
  return { ...n, status: 'failed', lastError: reason, metadata: { ...n.metadata, skipped: reason } };
}

/** Delivered: sent with its time. A message already sent or failed is left as it is (null). */
export function markSent(notification: Notification, at: Date): Notification | null {
  if (notification.status !== 'pending') return null;
  return { ...notification, status: 'sent', sentAt: at, updatedAt: at };
}

/**
 * A failed attempt: counted, with its reason. `final` (the last attempt, or a failure retrying
 * cannot fix) makes it `failed`; otherwise it stays `pending` for the next attempt. Only a
 * pending message records failures (null otherwise).
 */
export function recordFailure(
  notification: Notification,
  failure: { readonly error: string; readonly final: boolean; readonly at: Date },
): Notification | null {
  if (notification.status !== 'pending') return null;
  const reason = failure.error.trim() || 'unknown error';
  return {
    ...notification,
    status: failure.final ? 'failed' : 'pending',
    retryCount: notification.retryCount + 1,
    lastError: reason.length > LAST_ERROR_MAX ? `${reason.slice(0, LAST_ERROR_MAX - 1)}…` : reason,
    updatedAt: failure.at,
  };
}

export function isSettled(notification: Notification): boolean {
  return notification.status !== 'pending';
}
