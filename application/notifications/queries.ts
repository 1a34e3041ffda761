import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Notification, NotificationType } from '../../domain/notifications/notification.js';
import {
  cursorListing,
  cursorRequest,
  cursorScope,
  pagingConflict,
  type ListingPage,
} from '../shared/cursor.js';
import {
  NOTIFICATION_KEYSET,
  type NotificationFilter,
  type NotificationRepository,
  type RenderedMessage,
  type TemplateDescriptor,
  type TemplateLibrary,
} from './ports.js';
import { exampleVariables } from './template-variables.js';

/** Who asks: a shopper sees their own notifications only; an admin sees all. */
export interface Viewer {
  readonly userId: string;
  readonly isAdmin: boolean;
}

/** The history's filters (before the viewer's rule is applied) and its paging. */
export interface HistoryFilter extends NotificationFilter {
  /** 1 when absent. */
  readonly page?: number;
  readonly limit: number;
  /** Cursor paging instead of `page`: '' first, then the answer's `nextCursor` (bound to the filters). */
  readonly cursor?: string;
}

/**
 * The notification history, newest first. An admin filters by any user; a shopper's history is
 * always their own: a `userId` filter naming someone else is ignored (never an error, so the
 * storefront never reads a refusal as a logout).
 */
export class NotificationHistory {
  constructor(private readonly notifications: NotificationRepository) {}

  async execute(
    viewer: Viewer,
    input: HistoryFilter,
  ): Promise<Result<ListingPage<Notification>, DomainError>> {
    const conflict = pagingConflict(input);
    if (conflict) return Err(conflict);
    const { page, limit, cursor, ...rest } = input;
    if (rest.from && rest.to && rest.from.getTime() > rest.to.getTime()) {
      const message = '`from` must not be after `to`';
      return Err(domainError('VALIDATION_FAILED', message, { errors: [{ field: 'from', message }] }));
    }
    if (!Number.isSafeInteger(limit) || limit < 1) {
      return Err(domainError('VALIDATION_FAILED', 'limit must be a positive whole number'));
    }
    const userId = viewer.isAdmin ? rest.userId : viewer.userId;
    const filter: NotificationFilter = { ...rest, userId };
    if (cursor !== undefined) {
      // a shopper's cursor names their own history: it is no cursor of anyone else's
      const scope = cursorScope('notification-history', { ...filter });
      const request = cursorRequest(cursor, scope, NOTIFICATION_KEYSET, limit);
      if (request.isErr()) return request;
      const found = await this.notifications.queryAfter(filter, request.value);
      return Ok(cursorListing(found, found.items, scope, limit));
    }
    return Ok(await this.notifications.query({ ...filter, page: page ?? 1, limit }));
  }
}

/** One notification, for its owner or an admin; another user's is answered like a missing one. */
export class GetNotification {
  constructor(private readonly notifications: NotificationRepository) {}

  async execute(viewer: Viewer, id: string): Promise<Result<Notification, DomainError>> {
    const n = await this.notifications.findById(id);
    if (!n || (!viewer.isAdmin && n.userId !== viewer.userId)) {
      return Err(domainError('NOTIFICATION_NOT_FOUND', 'Notification not found'));
    }
    return Ok(n);
  }
}

export interface TemplateOverview extends TemplateDescriptor {
  /** Each channel rendered from the declared examples. */
  readonly preview: Readonly<Partial<Record<NotificationType, RenderedMessage>>>;
}

/** Every template with its channels, variables and a preview rendered from the examples. */
export class ListNotificationTemplates {
  constructor(private readonly templates: TemplateLibrary) {}

  async execute(): Promise<TemplateOverview[]> {
    const out: TemplateOverview[] = [];
    for (const t of await this.templates.list()) {
      const preview: Partial<Record<NotificationType, RenderedMessage>> = {};
      for (const channel of t.channels) {
        const rendered = await this.templates.render(t.name, channel, exampleVariables(t));
        if (rendered.isOk()) preview[channel] = rendered.value;
      }
      out.push({ ...t, preview });
    }
    return out;
  }
}
