import {
  AUDIT_KEYSET,
  type AuditEntry,
  type AuditFilter,
  type AuditLog,
  type ChainedAuditEntry,
} from '../../../application/identity/ports.js';
import { keysetPage, type CursorPage, type CursorRequest } from '../../../application/shared/cursor.js';
import { linkAuditEntry } from '../../../application/identity/audit-chain.js';
import { Sha256Digest } from '../../security/sha256-digest.js';
import type { MemoryDatabase } from './memory-database.js';

export function matchesAuditFilter(entry: AuditEntry, filter: AuditFilter): boolean {
  return (
    (filter.userId === undefined || entry.userId === filter.userId) &&
    (filter.apiKeyId === undefined || entry.actor?.apiKeyId === filter.apiKeyId) &&
    (filter.action === undefined || entry.action === filter.action) &&
    (filter.resource === undefined || entry.resource === filter.resource) &&
    (filter.resourceId === undefined || entry.resourceId === filter.resourceId) &&
    (filter.success === undefined || entry.success === filter.success) &&
    (filter.from === undefined || entry.timestamp.getTime() >= filter.from.getTime()) &&
    (filter.to === undefined || entry.timestamp.getTime() <= filter.to.getTime())
  );
}

/**
 * The admin audit log, a hash chain in recording order, listed newest first. Appends are
 * serialized (one promise queue), so concurrent callers each get the next seq.
 */
export class MemoryAuditLog implements AuditLog {
  private readonly entries: Map<string, ChainedAuditEntry>;
  private readonly digest = new Sha256Digest();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(db: MemoryDatabase) {
    this.entries = db.collection<ChainedAuditEntry>('audit_log');
  }

  record(entry: AuditEntry): Promise<ChainedAuditEntry> {
    const appended = this.queue.then(() => {
      const head = this.head();
      const linked = linkAuditEntry(entry, head, this.digest);
      this.entries.set(`chain:${linked.seq}`, linked);
      return linked;
    });
    this.queue = appended.catch(() => undefined);
    return appended;
  }

  private head(): ChainedAuditEntry | null {
    let head: ChainedAuditEntry | null = null;
    for (const e of this.entries.values()) if (e.seq !== undefined && (!head || e.seq > head.seq)) head = e;
    return head;
  }

  private newestFirst(): ChainedAuditEntry[] {
    return [...this.entries.values()].sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
  }

  async list(page: number, limit: number): Promise<{ items: AuditEntry[]; total: number }> {
    return this.search({}, page, limit);
  }

  async search(
    filter: AuditFilter,
    page: number,
    limit: number,
  ): Promise<{ items: AuditEntry[]; total: number }> {
    const all = this.newestFirst().filter((e) => matchesAuditFilter(e, filter));
    const start = Math.max(0, (page - 1) * limit);
    return { items: limit < 1 ? [] : all.slice(start, start + limit), total: all.length };
  }

  async searchAfter(filter: AuditFilter, request: CursorRequest): Promise<CursorPage<AuditEntry>> {
    const matching = [...this.entries.values()].filter((e) => matchesAuditFilter(e, filter));
    return keysetPage<AuditEntry>(matching, AUDIT_KEYSET, request);
  }

  async chain(afterSeq: number, limit: number): Promise<ChainedAuditEntry[]> {
    return [...this.entries.values()]
      .filter((e) => e.seq !== undefined && e.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
  }

  async chainSize(): Promise<number> {
    return [...this.entries.values()].filter((e) => e.seq !== undefined).length;
  }
}
