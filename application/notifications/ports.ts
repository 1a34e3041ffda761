import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type {
  Notification,
  NotificationCategory,
  NotificationStatus,
  NotificationType,
} from '../../domain/notifications/notification.js';
import type { UnsubscribeTopic } from '../../domain/notifications/consent.js';
import type { Page } from '../shared/ports.js';
import { token } from '../shared/token.js';
import { idDescending, type CursorPage, type CursorRequest, type KeysetOrder } from '../shared/cursor.js';

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

/** The history's filters without the page. */
export type NotificationFilter = Omit<NotificationQuery, 'page' | 'limit'>;

/** The history's listing order as a keyset (newest first, ties newest id first, as `query`). */
export const NOTIFICATION_KEYSET: KeysetOrder<Notification> = [
  { path: 'createdAt', dir: -1, kind: 'date', value: (n) => n.createdAt.getTime() },
  idDescending<Notification>(),
];

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
  /** As `query` (NOTIFICATION_KEYSET), after `request.after`, with the total matching. */
  queryAfter(filter: NotificationFilter, request: CursorRequest): Promise<CursorPage<Notification>>;
  /** How many notifications of a bulk send are in each status (exact: counted from the records). */
  countByBulk(bulkId: string): Promise<BulkCounts>;
  /** Pending records created before `olderThan`, oldest first, at most `limit` (for the resume sweep). */
  listPending(olderThan: Date, limit: number): Promise<Notification[]>;
}
export interface BulkCounts {
  readonly pending: number;
  readonly sent: number;
  readonly failed: number;
}

export const NOTIFICATION_REPOSITORY = token<NotificationRepository>('NotificationRepository');

/** What a template variable may hold (checked before rendering). */
export const TEMPLATE_VARIABLE_TYPES = ['string', 'number', 'boolean', 'list', 'object'] as const;
export type TemplateVariableType = (typeof TEMPLATE_VARIABLE_TYPES)[number];

export interface TemplateVariable {
  readonly type: TemplateVariableType;
  /** Shown in the list of templates and used to render its preview. */
  readonly example: unknown;
  readonly required: boolean;
  readonly description?: string;
  /**
   * A secret (a reset link): never stored. The stored message holds a placeholder
   * (secretPlaceholder) and the delivery fills it in from SecretVariables just before sending.
   */
  readonly secret?: boolean;
}

/** What stands for secret variable `name` in a stored message. */
export function secretPlaceholder(name: string): string {
  return `[[secret:${name}]]`;
}

/**
 * The values of a stored message's secret variables, made when it is sent (e.g. the reset link
 * derived from the event id): never written anywhere. Answers null when it has none to give.
 */
export interface SecretVariables {
  resolve(notification: Notification): Promise<Readonly<Record<string, string>> | null>;
}
export const SECRET_VARIABLES = token<SecretVariables>('SecretVariables');

/** A template as `template.json` declares it (templates/notifications/<name>/). */
export interface TemplateDescriptor {
  readonly name: string;
  readonly description: string;
  readonly channels: readonly NotificationType[];
  readonly category: NotificationCategory;
  readonly variables: Readonly<Record<string, TemplateVariable>>;
}

/** A message rendered for one channel: the subject (mail subject, push title; '' for SMS) and text. */
export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
  /** The mail's HTML part (every variable escaped). */
  readonly html?: string;
}

export type TemplateVariables = Readonly<Record<string, unknown>>;

/**
 * The notification templates, kept in files and rendered by a template library with no code
 * execution. `render` checks the variables against the declaration first (checkTemplateVariables):
 * TEMPLATE_NOT_FOUND for an unknown name, VALIDATION_FAILED naming `variables.<name>` for a
 * missing required one, an undeclared one or one of the wrong type, and naming `type` for a
 * channel the template does not have.
 */
export interface TemplateLibrary {
  list(): Promise<readonly TemplateDescriptor[]>;
  describe(name: string): Promise<TemplateDescriptor | undefined>;
  render(
    name: string,
    channel: NotificationType,
    variables: TemplateVariables,
  ): Promise<Result<RenderedMessage, DomainError>>;
}
export const TEMPLATE_LIBRARY = token<TemplateLibrary>('TemplateLibrary');

/**
 * The per-recipient budget: at most `max` marketing messages and `transactionalMax` transactional
 * ones per recipient (a user id, or a bare address or number) in each window of `windowMs`.
 */
export interface RecipientRatePolicy {
  readonly max: number;
  readonly transactionalMax: number;
  readonly windowMs: number;
}
export const RECIPIENT_RATE_POLICY = token<RecipientRatePolicy>('RecipientRatePolicy');

/**
 * Counts messages per recipient and window (fixed windows, shared by the fleet on Redis). `take`
 * counts one and answers whether it is within `max`; a refused one is counted too (a flood stays
 * refused until the window ends).
 */
export interface RecipientRateLimit {
  take(key: string, max: number, windowMs: number, now: Date): Promise<boolean>;
}
export const RECIPIENT_RATE_LIMIT = token<RecipientRateLimit>('RecipientRateLimit');

/** What a signed one-click unsubscribe token names: the user and the preference to turn off. */
export interface UnsubscribeClaim {
  readonly userId: string;
  readonly topic: UnsubscribeTopic;
}

/** Signs and checks unsubscribe tokens (HMAC with a secret from config; no expiry). */
export interface UnsubscribeTokens {
  sign(claim: UnsubscribeClaim): string;
  /** The claim of a genuine token; null for a tampered or malformed one. */
  verify(token: string): UnsubscribeClaim | null;
}
export const UNSUBSCRIBE_TOKENS = token<UnsubscribeTokens>('UnsubscribeTokens');
