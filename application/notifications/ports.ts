import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type {
  Notification,
  NotificationStatus,
  NotificationType,
} from '../../domain/notifications/notification.js';
import type { Page } from '../shared/ports.js';
import { token } from '../shared/token.js';

export interface NotificationQuery {
  readonly userId?: string;
  readonly type?: NotificationType;
  readonly status?: NotificationStatus;
  /** Created at or after. */
  readonly from?: Date;
  /** Created at or before. */
  readonly to?: Date;
  /** 1-based. */
  readonly page: number;
  readonly limit: number;
}

/**
 * The Notification records. `create` is idempotent by id: creating an id that exists answers the
 * stored record untouched (`created: false`), so a message derived from an event id is stored
 * once however often the event is delivered.
 */
export interface NotificationRepository {
  /** Stores a new record (version 0 -> 1), or answers the one stored under its id. */
  create(
    notification: Notification,
  ): Promise<{ readonly notification: Notification; readonly created: boolean }>;
  findById(id: string): Promise<Notification | null>;
  /** Optimistic: saves when the stored version equals `notification.version` (answers version + 1); CONFLICT otherwise, NOTIFICATION_NOT_FOUND when gone. */
  update(notification: Notification): Promise<Result<Notification, DomainError>>;
  /** Newest first (createdAt, then id), with the total matching. */
  query(query: NotificationQuery): Promise<Page<Notification>>;
  /** Pending records created before `olderThan`, oldest first, at most `limit` (for the resume sweep). */
  listPending(olderThan: Date, limit: number): Promise<Notification[]>;
}
export const NOTIFICATION_REPOSITORY = token<NotificationRepository>('NotificationRepository');
