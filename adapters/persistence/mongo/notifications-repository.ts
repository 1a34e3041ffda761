import { Schema, type Connection, type Model } from 'mongoose';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import type {
  Notification,
  NotificationMetadata,
  NotificationStatus,
} from '../../../domain/notifications/notification.js';
import {
  NOTIFICATION_KEYSET,
  type BulkCounts,
  type NotificationFilter,
  type NotificationQuery,
  type NotificationRepository,
} from '../../../application/notifications/ports.js';
import { pageFrom, type CursorPage, type CursorRequest } from '../../../application/shared/cursor.js';
import { afterPosition, keysetSort } from './keyset.js';
import type { Page } from '../../../application/shared/ports.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';
import { openCollection } from './open-collection.js';
import type { PiiCipher } from '../../../application/shared/pii.js';
import { sealDocument } from './pii-fields.js';

type NotificationDocument = { _id: string } & Omit<Notification, 'id'>;

export const NOTIFICATION_SCHEMA = new Schema(
  {
    _id: { type: String, required: true },
    userId: String,
    type: { type: String, required: true },
    template: String,
    subject: { type: String, default: '' },
    content: { type: String, default: '' },
    html: String,
    recipient: { type: String, required: true },
    status: { type: String, required: true },
    sentAt: Date,
    metadata: { type: Schema.Types.Mixed, required: true },
    retryCount: { type: Number, default: 0 },
    lastError: String,
    createdAt: { type: Date, required: true },
    updatedAt: Date,
    version: { type: Number, default: 0 },
  },
  { versionKey: false, collection: 'notifications', id: false, minimize: false },
);
NOTIFICATION_SCHEMA.index({ userId: 1, createdAt: -1 });
NOTIFICATION_SCHEMA.index({ status: 1, createdAt: 1 });
NOTIFICATION_SCHEMA.index({ createdAt: -1 });
// A bulk send's progress counts its notifications by status.
NOTIFICATION_SCHEMA.index({ 'metadata.bulkId': 1 }, { sparse: true });

function notificationModel(connection: Connection): Model<NotificationDocument> {
  return (connection.models.Notification ??
    connection.model('Notification', NOTIFICATION_SCHEMA)) as unknown as Model<NotificationDocument>;
}

function metadataFromDocument(m: NotificationMetadata): NotificationMetadata {
  return {
    category: m.category,
    ...(m.eventId != null ? { eventId: m.eventId } : {}),
    ...(m.orderId != null ? { orderId: m.orderId } : {}),
    ...(m.bulkId != null ? { bulkId: m.bulkId } : {}),
    ...(m.requestedBy != null ? { requestedBy: m.requestedBy } : {}),
    ...(m.skipped != null ? { skipped: m.skipped } : {}),
    ...(m.unsubscribeUrl != null ? { unsubscribeUrl: m.unsubscribeUrl } : {}),
  };
}

function fromDocument(d: NotificationDocument): Notification {
  return {
    id: d._id,
    ...(d.userId != null ? { userId: d.userId } : {}),
    type: d.type,
    ...(d.template != null ? { template: d.template } : {}),
    subject: d.subject ?? '',
    content: d.content ?? '',
    ...(d.html != null ? { html: d.html } : {}),
    recipient: d.recipient,
    status: d.status,
    ...(d.sentAt != null ? { sentAt: d.sentAt } : {}),
    metadata: metadataFromDocument(d.metadata),
    retryCount: d.retryCount ?? 0,
    ...(d.lastError != null ? { lastError: d.lastError } : {}),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt ?? d.createdAt,
    version: d.version ?? 0,
  };
}

function toDocument(n: Notification): NotificationDocument {
  const { id, ...rest } = n;
  return { _id: id, ...structuredClone(rest) };
}

function filterOf(q: NotificationFilter): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (q.userId !== undefined) filter.userId = q.userId;
  if (q.type !== undefined) filter.type = q.type;
  if (q.status !== undefined) filter.status = q.status;
  if (q.from !== undefined || q.to !== undefined) {
    filter.createdAt = {
      ...(q.from !== undefined ? { $gte: q.from } : {}),
      ...(q.to !== undefined ? { $lte: q.to } : {}),
    };
  }
  return filter;
}

/** Notifications in `notifications` (`_id` = notification id); updates guarded by version. */
export class MongoNotificationRepository implements NotificationRepository {
  private readonly notifications: Model<NotificationDocument>;
  private readonly locks: DocumentLock;

  constructor(
    connection: Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.notifications = notificationModel(connection);
    this.locks = new DocumentLock(connection);
  }

  async create(notification: Notification): Promise<{ notification: Notification; created: boolean }> {
    const stored: Notification = { ...notification, version: notification.version + 1 };
    try {
      await this.notifications.collection.insertOne((await this.seal(stored)) as never);
      return { notification: stored, created: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.findById(notification.id);
      if (!existing) throw error;
      return { notification: existing, created: false };
    }
  }

  async findById(id: string): Promise<Notification | null> {
    const d = await this.notifications.collection.findOne<NotificationDocument>({ _id: id } as never);
    return d ? fromDocument(await this.cipher.openAll(d)) : null;
  }

  /** The recipient (an address or a number) and the rendered message (names, addresses) sealed. */
  private async seal(n: Notification): Promise<NotificationDocument> {
    await this.cipher.ready();
    return sealDocument(this.cipher, 'notifications', toDocument(n));
  }

  private readAll(docs: readonly NotificationDocument[]): Promise<Notification[]> {
    return Promise.all(docs.map(async (d) => fromDocument(await this.cipher.openAll(d))));
  }

  async update(notification: Notification): Promise<Result<Notification, DomainError>> {
    const result = await this.locks.exclusive(`notifications:${notification.id}`, async () => {
      const stored: Notification = { ...notification, version: notification.version + 1 };
      const r = await this.notifications.collection.replaceOne(
        { _id: notification.id, version: notification.version } as never,
        await this.seal(stored),
      );
      if (r.matchedCount === 1) return stored;
      const exists = await this.notifications.collection.countDocuments({ _id: notification.id } as never);
      return exists ? ('conflict' as const) : ('missing' as const);
    });
    if (result === 'missing') return Err(domainError('NOTIFICATION_NOT_FOUND', 'Notification not found'));
    if (result === 'conflict') {
      return Err(domainError('CONFLICT', 'The notification was changed by someone else, please retry'));
    }
    return Ok(result);
  }

  async query(q: NotificationQuery): Promise<Page<Notification>> {
    const filter = filterOf(q);
    const [docs, total] = await Promise.all([
      openCollection(this.notifications)
        .find<NotificationDocument>(filter)
        .sort({ createdAt: -1, _id: -1 })
        .skip(Math.max(0, (q.page - 1) * q.limit))
        .limit(q.limit)
        .toArray(),
      this.notifications.collection.countDocuments(filter),
    ]);
    return { items: await this.readAll(docs), total, page: q.page, limit: q.limit };
  }

  async queryAfter(filter: NotificationFilter, request: CursorRequest): Promise<CursorPage<Notification>> {
    const query = filterOf(filter);
    const [docs, total] = await Promise.all([
      openCollection(this.notifications)
        .find<NotificationDocument>(afterPosition(query, NOTIFICATION_KEYSET, request.after))
        .sort(keysetSort(NOTIFICATION_KEYSET))
        .limit(request.limit + 1)
        .toArray(),
      this.notifications.collection.countDocuments(query),
    ]);
    return pageFrom(await this.readAll(docs), NOTIFICATION_KEYSET, request.limit, total);
  }

  /**
   * One read over the bulk's documents on an index whose key never changes (`metadata.bulkId`),
   * tallied here: each document is seen once, with one status. Three counts by status could see
   * a message twice (pending, then sent a moment later) while its delivery runs.
   */
  async countByBulk(bulkId: string): Promise<BulkCounts> {
    const docs = await openCollection(this.notifications)
      .find<{ status: NotificationStatus }>({ 'metadata.bulkId': bulkId } as never, {
        projection: { status: 1 },
      })
      .toArray();
    const counts = { pending: 0, sent: 0, failed: 0 };
    for (const d of docs) counts[d.status] += 1;
    return counts;
  }

  async listPending(olderThan: Date, limit: number): Promise<Notification[]> {
    const docs = await openCollection(this.notifications)
      .find<NotificationDocument>({ status: 'pending', createdAt: { $lt: olderThan } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return this.readAll(docs);
  }
}
