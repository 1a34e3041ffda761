import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import type { Notification } from '../../../domain/notifications/notification.js';
import {
  NOTIFICATION_KEYSET,
  type BulkCounts,
  type NotificationFilter,
  type NotificationQuery,
  type NotificationRepository,
} from '../../../application/notifications/ports.js';
import { keysetPage, type CursorPage, type CursorRequest } from '../../../application/shared/cursor.js';
import type { Page } from '../../../application/shared/ports.js';
import type { MemoryDatabase } from './memory-database.js';

function newestFirst(a: Notification, b: Notification): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function matchesQuery(n: Notification, q: NotificationFilter): boolean {
  return (
    (q.userId === undefined || n.userId === q.userId) &&
    (q.type === undefined || n.type === q.type) &&
    (q.status === undefined || n.status === q.status) &&
    (q.from === undefined || n.createdAt.getTime() >= q.from.getTime()) &&
    (q.to === undefined || n.createdAt.getTime() <= q.to.getTime())
  );
}

/** Notifications in `notifications` (by id). Each method checks and writes without awaiting in between. */
export class MemoryNotificationRepository implements NotificationRepository {
  private readonly byId: Map<string, Notification>;

  constructor(db: MemoryDatabase) {
    this.byId = db.collection<Notification>('notifications');
  }

  async create(notification: Notification): Promise<{ notification: Notification; created: boolean }> {
    const existing = this.byId.get(notification.id);
    if (existing) return { notification: existing, created: false };
    const stored: Notification = { ...notification, version: notification.version + 1 };
    this.byId.set(stored.id, stored);
    return { notification: stored, created: true };
  }

  async findById(id: string): Promise<Notification | null> {
    return this.byId.get(id) ?? null;
  }

  async update(notification: Notification): Promise<Result<Notification, DomainError>> {
    const current = this.byId.get(notification.id);
    if (!current) return Err(domainError('NOTIFICATION_NOT_FOUND', 'Notification not found'));
    if (current.version !== notification.version) {
      return Err(domainError('CONFLICT', 'The notification was changed by someone else, please retry'));
    }
    const stored: Notification = { ...notification, version: notification.version + 1 };
    this.byId.set(stored.id, stored);
    return Ok(stored);
  }

  async query(q: NotificationQuery): Promise<Page<Notification>> {
    const all = [...this.byId.values()].filter((n) => matchesQuery(n, q)).sort(newestFirst);
    const start = (q.page - 1) * q.limit;
    return { items: all.slice(start, start + q.limit), total: all.length, page: q.page, limit: q.limit };
  }

  async queryAfter(filter: NotificationFilter, request: CursorRequest): Promise<CursorPage<Notification>> {
    const matching = [...this.byId.values()].filter((n) => matchesQuery(n, filter));
    return keysetPage(matching, NOTIFICATION_KEYSET, request);
  }

  async countByBulk(bulkId: string): Promise<BulkCounts> {
    const counts = { pending: 0, sent: 0, failed: 0 };
    for (const n of this.byId.values()) if (n.metadata.bulkId === bulkId) counts[n.status] += 1;
    return counts;
  }

  async listPending(olderThan: Date, limit: number): Promise<Notification[]> {
    return [...this.byId.values()]
      .filter((n) => n.status === 'pending' && n.createdAt.getTime() < olderThan.getTime())
      .sort((a, b) => -newestFirst(a, b))
      .slice(0, limit);
  }
}
