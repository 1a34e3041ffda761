import { Schema, type Connection, type Model } from 'mongoose';
import type { AuditEntry, AuditLog } from '../../../application/identity/ports.js';

interface AuditDocument {
  _id: string;
  userId: string | null;
  action: AuditEntry['action'];
  resource: AuditEntry['resource'];
  resourceId?: string;
  success: boolean;
  ip: string;
  userAgent: string;
  details: AuditEntry['details'];
  errorMessage: string | null;
  timestamp: Date;
}

export const AUDIT_SCHEMA = new Schema<AuditDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, default: null },
    action: { type: String, required: true },
    resource: { type: String, required: true },
    resourceId: String,
    success: { type: Boolean, required: true },
    ip: String,
    userAgent: String,
    details: { type: Schema.Types.Mixed, default: {} },
    errorMessage: { type: String, default: null },
    timestamp: { type: Date, required: true },
  },
  { versionKey: false, collection: 'audit_log', minimize: false, id: false },
);
AUDIT_SCHEMA.index({ timestamp: -1, _id: -1 });
AUDIT_SCHEMA.index({ userId: 1, timestamp: -1 });

function auditModel(connection: Connection): Model<AuditDocument> {
  return (connection.models.AuditEntry ??
    connection.model('AuditEntry', AUDIT_SCHEMA)) as unknown as Model<AuditDocument>;
}

function fromDocument(doc: AuditDocument): AuditEntry {
  return {
    id: doc._id,
    userId: doc.userId ?? null,
    action: doc.action,
    resource: doc.resource,
    ...(doc.resourceId != null ? { resourceId: doc.resourceId } : {}),
    success: doc.success,
    ip: doc.ip ?? '',
    userAgent: doc.userAgent ?? '',
    details: doc.details ?? { endpoint: '', method: '' },
    errorMessage: doc.errorMessage ?? null,
    timestamp: doc.timestamp,
  };
}

/**
 * The admin activity log in `audit_log`, listed newest first (timestamp, then id, descending:
 * entries are recorded with the clock's time and increasing ids, so this is recording order).
 */
export class MongoAuditLog implements AuditLog {
  private readonly entries: Model<AuditDocument>;

  constructor(connection: Connection) {
    this.entries = auditModel(connection);
  }

  async record(entry: AuditEntry): Promise<void> {
    const { id, ...rest } = entry;
    // Recording the same id twice replaces it, as the memory log's map does.
    await this.entries.collection.replaceOne({ _id: id } as never, { ...rest }, { upsert: true });
  }

  async list(page: number, limit: number): Promise<{ items: AuditEntry[]; total: number }> {
    if (limit < 1) return { items: [], total: await this.entries.countDocuments({}).exec() };
    const [docs, total] = await Promise.all([
      this.entries
        .find({})
        .sort({ timestamp: -1, _id: -1 })
        .skip(Math.max(0, (page - 1) * limit))
        .limit(limit)
        .lean<AuditDocument[]>()
        .exec(),
      this.entries.countDocuments({}).exec(),
    ]);
    return { items: docs.map(fromDocument), total };
  }
}
