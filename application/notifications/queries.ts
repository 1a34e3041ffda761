import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Notification, NotificationType } from '../../domain/notifications/notification.js';
import type { Page } from '../shared/ports.js';
import type {
  NotificationQuery,
  NotificationRepository,
  RenderedMessage,
  TemplateDescriptor,
  TemplateLibrary,
} from './ports.js';
import { exampleVariables } from './template-variables.js';

/** Who asks: a shopper sees their own notifications only; an admin sees all. */
export interface Viewer {
  readonly userId: string;
  readonly isAdmin: boolean;
}

/** The history's filters: the store's query, before the viewer's rule is applied. */
export type HistoryFilter = NotificationQuery;

/**
 * The notification history, newest first. An admin filters by any user; a shopper's history is
 * always their own: a `userId` filter naming someone else is ignored (never an error, so the
 * storefront never reads a refusal as a logout).
 */
export class NotificationHistory {
  constructor(private readonly notifications: NotificationRepository) {}

  async execute(viewer: Viewer, filter: HistoryFilter): Promise<Result<Page<Notification>, DomainError>> {
    if (filter.from && filter.to && filter.from.getTime() > filter.to.getTime()) {
      const message = '`from` must not be after `to`';
      return Err(domainError('VALIDATION_FAILED', message, { errors: [{ field: 'from', message }] }));
    }
    const userId = viewer.isAdmin ? filter.userId : viewer.userId;
    return Ok(await this.notifications.query({ ...filter, userId }));
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
