import { Schema, type Connection, type Model } from 'mongoose';
import {
  AUDIT_KEYSET,
  type AuditEntry,
  type AuditFilter,
  type AuditLog,
  type ChainedAuditEntry,
} from '../../../application/identity/ports.js';
import {
  pageFrom,
  type CursorPage,
  type CursorPosition,
  type CursorRequest,
} from '../../../application/shared/cursor.js';
import { afterPosition, keysetSort } from './keyset.js';
import { linkAuditEntry } from '../../../application/identity/audit-chain.js';
import { Sha256Digest } from '../../security/sha256-digest.js';
import { isDuplicateKey } from './duplicate-key.js';
import { openCollection } from './open-collection.js';

interface AuditDocument {
  /** `chain:<seq, zero-padded>` for chained entries (so _id is the unique index on seq); the entry id before the chain. */
  _id: string;
  entryId?: string;
  seq?: number;
  prevHash?: string;
  hash?: string;
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
  actor?: AuditEntry['actor'] | null;
  requestId?: string | null;
  before?: unknown;
  after?: unknown;
}

export const AUDIT_SCHEMA = new Schema<AuditDocument>(
  {
    _id: { type: String, required: true },
    entryId: String,
    seq: Number,
    prevHash: String,
    hash: String,
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
    actor: { type: Schema.Types.Mixed },
    requestId: String,
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
  },
  { versionKey: false, collection: 'audit_log', minimize: false, id: false },
);
AUDIT_SCHEMA.index({ timestamp: -1, _id: -1 });
AUDIT_SCHEMA.index({ userId: 1, timestamp: -1 });
AUDIT_SCHEMA.index({ seq: -1 });
AUDIT_SCHEMA.index({ resource: 1, resourceId: 1, seq: -1 });
AUDIT_SCHEMA.index({ 'actor.apiKeyId': 1, seq: -1 });

function auditModel(connection: Connection): Model<AuditDocument> {
  return (connection.models.AuditEntry ??
    connection.model('AuditEntry', AUDIT_SCHEMA)) as unknown as Model<AuditDocument>;
}

const chainId = (seq: number) => `chain:${String(seq).padStart(12, '0')}`;

function fromDocument(doc: AuditDocument): AuditEntry {
  return {
    id: doc.entryId ?? doc._id,
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
    ...(doc.actor != null ? { actor: doc.actor } : {}),
    ...(doc.requestId != null ? { requestId: doc.requestId } : {}),
    ...(doc.before != null ? { before: doc.before } : {}),
    ...(doc.after != null ? { after: doc.after } : {}),
    ...(doc.seq != null ? { seq: doc.seq, prevHash: doc.prevHash ?? '', hash: doc.hash ?? '' } : {}),
  };
}

function toDocument(entry: ChainedAuditEntry): AuditDocument {
  const { id, seq, ...rest } = entry;
  return { ...rest, _id: chainId(seq), entryId: id, seq } as AuditDocument;
}

function query(filter: AuditFilter): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (filter.userId !== undefined) q.userId = filter.userId;
  if (filter.apiKeyId !== undefined) q['actor.apiKeyId'] = filter.apiKeyId;
  if (filter.action !== undefined) q.action = filter.action;
  if (filter.resource !== undefined) q.resource = filter.resource;
  if (filter.resourceId !== undefined) q.resourceId = filter.resourceId;
  if (filter.success !== undefined) q.success = filter.success;
  if (filter.from !== undefined || filter.to !== undefined) {
    q.timestamp = {
      ...(filter.from !== undefined ? { $gte: filter.from } : {}),
      ...(filter.to !== undefined ? { $lte: filter.to } : {}),
    };
  }
  return q;
}

/** The keyset of the entries written before the chain (no seq): AUDIT_KEYSET without its seq. */
const LEGACY_KEYSET = AUDIT_KEYSET.slice(1);

/**
 * What follows `after` in AUDIT_KEYSET. Not the shared `$or` of keysetFilter: a chained entry's
 * `_id` is `chain:<seq>`, not its id, and entries without seq match no range on it. A chained
 * position (seq >= 1, unique) is followed by the lower seqs and every entry without one; an
 * entry without seq by those without one past it in (timestamp, _id) descending.
 */
function afterAuditPosition(
  q: Record<string, unknown>,
  after: CursorPosition | null,
): Record<string, unknown> {
  if (after === null) return q;
  const [seq, ...legacy] = after.values as [number, number, string];
  if (seq >= 1) {
    const range = { $or: [{ seq: { $lt: seq } }, { seq: null }] };
    return Object.keys(q).length === 0 ? range : { $and: [q, range] };
  }
  return afterPosition({ ...q, seq: null }, LEGACY_KEYSET, { values: legacy, id: after.id });
}

/** Appends lost to another writer this many times in a row give up (an error, logged by the caller). */
const APPEND_ATTEMPTS = 100;

/**
 * The admin audit log in `audit_log`, a hash chain. Appending reads the head (highest seq) and
 * INSERTs the next entry with `_id` = `chain:<seq>`: of concurrent appends of one seq, on any
 * number of instances, exactly one lands (the `_id` index is the unique index on seq, on MongoDB
 * and FerretDB alike); the others read the new head and try again. No update or delete here.
 * Documents written before the chain existed (their `_id` the entry id, no seq) are listed after
 * the chained ones and are not part of the chain.
 */
export class MongoAuditLog implements AuditLog {
  private readonly entries: Model<AuditDocument>;
  private readonly digest = new Sha256Digest();

  constructor(connection: Connection) {
    this.entries = auditModel(connection);
  }

  private async head(): Promise<ChainedAuditEntry | null> {
    const docs = (await openCollection(this.entries)
      .find({ seq: { $gte: 1 } })
      .sort({ seq: -1 })
      .limit(1)
      .toArray()) as unknown as AuditDocument[];
    return docs[0] ? (fromDocument(docs[0]) as ChainedAuditEntry) : null;
  }

  async record(entry: AuditEntry): Promise<ChainedAuditEntry> {
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt += 1) {
      const linked = linkAuditEntry(entry, await this.head(), this.digest);
      try {
        await this.entries.collection.insertOne(toDocument(linked) as never);
        return linked;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new Error(`audit entry ${entry.id} not appended: the chain's head kept moving`);
  }

  async list(page: number, limit: number): Promise<{ items: AuditEntry[]; total: number }> {
    return this.search({}, page, limit);
  }

  async search(
    filter: AuditFilter,
    page: number,
    limit: number,
  ): Promise<{ items: AuditEntry[]; total: number }> {
    const q = query(filter);
    if (limit < 1) return { items: [], total: await this.entries.countDocuments(q).exec() };
    const [docs, total] = await Promise.all([
      openCollection(this.entries)
        .find(q)
        .sort({ seq: -1, timestamp: -1, _id: -1 })
        .skip(Math.max(0, (page - 1) * limit))
        .limit(limit)
        .toArray() as unknown as Promise<AuditDocument[]>,
      this.entries.countDocuments(q).exec(),
    ]);
    return { items: docs.map(fromDocument), total };
  }

  async searchAfter(filter: AuditFilter, request: CursorRequest): Promise<CursorPage<AuditEntry>> {
    const q = query(filter);
    const [docs, total] = await Promise.all([
      openCollection(this.entries)
        .find(afterAuditPosition(q, request.after))
        .sort(keysetSort(AUDIT_KEYSET))
        .limit(request.limit + 1)
        .toArray() as unknown as Promise<AuditDocument[]>,
      this.entries.countDocuments(q).exec(),
    ]);
    return pageFrom(docs.map(fromDocument), AUDIT_KEYSET, request.limit, total);
  }

  async chain(afterSeq: number, limit: number): Promise<ChainedAuditEntry[]> {
    const docs = (await openCollection(this.entries)
      .find({ seq: { $gt: afterSeq } })
      .sort({ seq: 1, _id: 1 })
      .limit(limit)
      .toArray()) as unknown as AuditDocument[];
    return docs.map((d) => fromDocument(d) as ChainedAuditEntry);
  }

  async chainSize(): Promise<number> {
    return this.entries.countDocuments({ seq: { $gte: 1 } }).exec();
  }
}
