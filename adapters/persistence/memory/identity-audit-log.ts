import type { AuditEntry, AuditLog } from '../../../application/identity/ports.js';
import type { MemoryDatabase } from './memory-database.js';

/** The admin activity log; entries kept in recording order, listed newest first. */
export class MemoryAuditLog implements AuditLog {
  private readonly entries: Map<string, AuditEntry>;

  constructor(db: MemoryDatabase) {
    this.entries = db.collection<AuditEntry>('audit_log');
  }

  async record(entry: AuditEntry): Promise<void> {
    this.entries.set(entry.id, entry);
  }

  async list(page: number, limit: number): Promise<{ items: AuditEntry[]; total: number }> {
    const all = [...this.entries.values()];
    const total = all.length;
    const end = total - (page - 1) * limit;
    const start = Math.max(0, end - limit);
    const items = end > 0 ? all.slice(start, end).reverse() : [];
    return { items, total };
  }
}
