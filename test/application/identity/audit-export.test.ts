import { expect } from 'chai';
import { ExportAuditLog } from '../../../application/identity/audit-listing.js';
import type { AuditEntry, AuditFilter } from '../../../application/identity/ports.js';
import type { CursorPage, CursorRequest } from '../../../application/shared/cursor.js';
import { MemoryAuditLog } from '../../../adapters/persistence/memory/identity-audit-log.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { FIXED_NOW } from '../../support/kit.js';

let n = 0;
function entry(resource: AuditEntry['resource'] = 'product'): AuditEntry {
  n += 1;
  return {
    id: `x${String(n).padStart(6, '0')}`,
    userId: 'admin-1',
    action: 'update',
    resource,
    resourceId: `p${n}`,
    success: true,
    ip: '10.0.0.1',
    userAgent: 'ua',
    details: { endpoint: '/api/admin/products', method: 'PATCH' },
    errorMessage: null,
    timestamp: new Date(FIXED_NOW.getTime() + n * 1000),
  };
}

/** Records a new entry after every batch read: an admin working while the export runs. */
class BusyAuditLog extends MemoryAuditLog {
  busy = false;
  override async searchAfter(filter: AuditFilter, request: CursorRequest): Promise<CursorPage<AuditEntry>> {
    const page = await super.searchAfter(filter, request);
    if (this.busy) await this.record(entry());
    return page;
  }
  override async search(filter: AuditFilter, page: number, limit: number) {
    const found = await super.search(filter, page, limit);
    if (this.busy) await this.record(entry());
    return found;
  }
}

describe('application: ExportAuditLog', () => {
  it('holds what matched when it began, each entry once, while entries are recorded between its batches', async () => {
    const log = new BusyAuditLog(new MemoryDatabase());
    for (let i = 0; i < 25; i += 1) await log.record(entry());
    const before = (await log.search({}, 1, 1000)).items.map((e) => e.id);
    log.busy = true;
    const { rows, truncated } = await new ExportAuditLog(log).execute({}, 1000, 4);
    const ids = rows.map((e) => e.id);
    expect(new Set(ids).size, 'no entry repeated').to.equal(ids.length);
    expect(ids).to.deep.equal(before);
    expect(truncated).to.equal(false);
  });

  it('stops at maxRows, newest first, and says it was truncated', async () => {
    const log = new MemoryAuditLog(new MemoryDatabase());
    for (let i = 0; i < 12; i += 1) await log.record(entry(i % 2 === 0 ? 'order' : 'product'));
    const newest = (await log.search({ resource: 'order' }, 1, 5)).items.map((e) => e.id);
    const capped = await new ExportAuditLog(log).execute({ resource: 'order' }, 5, 2);
    expect(capped.rows.map((e) => e.id)).to.deep.equal(newest);
    expect(capped.truncated).to.equal(true);
    const whole = await new ExportAuditLog(log).execute({ resource: 'order' }, 6, 4);
    expect(whole.rows).to.have.length(6);
    expect(whole.truncated).to.equal(false);
  });
});
