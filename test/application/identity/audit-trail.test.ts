import { expect } from 'chai';
import {
  AuditTrail,
  boundAuditEntry,
  AUDIT_FIELD_LIMITS,
} from '../../../application/identity/audit-trail.js';
import type { AuditEntry } from '../../../application/identity/ports.js';
import { MemoryAuditLog } from '../../../adapters/persistence/memory/identity-audit-log.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { FIXED_NOW, TestClock } from '../../support/kit.js';

let n = 0;
function rejected(ip: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  n += 1;
  return {
    id: `e${String(n).padStart(6, '0')}`,
    userId: null,
    action: 'unauthorized_access',
    resource: 'auth',
    success: false,
    ip,
    userAgent: 'ua',
    details: { endpoint: '/api/admin/test', method: 'GET' },
    errorMessage: 'Not authorized',
    timestamp: FIXED_NOW,
    ...overrides,
  };
}

describe('application: AuditTrail', () => {
  it('cuts every client-controlled text and keeps short ones as they are', () => {
    const long = rejected('1.2.3.4', {
      userAgent: 'u'.repeat(12_000),
      ip: '9'.repeat(500),
      errorMessage: 'm'.repeat(5000),
      details: { endpoint: '/x'.repeat(5000), method: 'GET', nested: { deep: 'd'.repeat(5000) } },
    });
    const bounded = boundAuditEntry(long);
    expect(bounded.userAgent).to.have.length(AUDIT_FIELD_LIMITS.userAgent);
    expect(bounded.userAgent.endsWith('…')).to.equal(true);
    expect(bounded.ip).to.have.length(AUDIT_FIELD_LIMITS.ip);
    expect(bounded.errorMessage).to.have.length(AUDIT_FIELD_LIMITS.errorMessage);
    expect(bounded.details.endpoint).to.have.length(AUDIT_FIELD_LIMITS.detail);
    expect(String(bounded.details.nested)).to.have.length(AUDIT_FIELD_LIMITS.detail);
    const short = rejected('1.2.3.4');
    expect(boundAuditEntry(short)).to.deep.equal(short);
  });

  it('records rejected requests within a per-source and an overall budget per window, then starts again', async () => {
    const log = new MemoryAuditLog(new MemoryDatabase());
    const clock = new TestClock();
    const trail = new AuditTrail(log, clock, {
      rejectedPerSourceMax: 3,
      rejectedMax: 5,
      windowMs: 60_000,
    });
    const results: boolean[] = [];
    for (let i = 0; i < 10; i += 1) results.push(await trail.recordRejected(rejected('a')));
    expect(results).to.deep.equal([true, true, true, false, false, false, false, false, false, false]);
    expect((await log.list(1, 100)).total).to.equal(4); // 3 + the summary
    for (let i = 0; i < 10; i += 1) await trail.recordRejected(rejected(`b${i}`));
    expect((await log.list(1, 100)).total).to.equal(6); // overall 5 (summary of a included) + its summary
    clock.advance(60_000);
    expect(await trail.recordRejected(rejected('a')), 'a new window').to.equal(true);
    expect((await log.list(1, 100)).total).to.equal(7);
  });
});
