import { expect } from 'chai';
import { AUDIT_LOG, type AuditLog } from '../../../application/identity/ports.js';
import { AUDIT_FIELD_LIMITS } from '../../../application/identity/audit-trail.js';
import { buildTestApp, loginAdmin, type TestApp } from '../../support/harness.js';

/** The issue: every anonymous /api/admin request was stored whole (12 KB User-Agent) and without bound. */
describe('http/admin: the audit log of rejected requests is bounded', () => {
  const PER_IP = 5;
  const MAX = 12;
  let t: TestApp;
  let log: AuditLog;

  before(async () => {
    t = await buildTestApp({
      AUDIT_REJECTED_PER_IP_MAX: String(PER_IP),
      AUDIT_REJECTED_MAX: String(MAX),
      AUDIT_REJECTED_WINDOW_MS: String(3_600_000),
    });
    log = t.container.get<AuditLog>(AUDIT_LOG);
  });
  after(async () => t.close());

  const anonymous = (ip: string, userAgent: string, url = '/api/admin/test') =>
    t.app.inject({ method: 'GET', url, remoteAddress: ip, headers: { 'user-agent': userAgent } });

  it('stores a 12 KB User-Agent (and a long URL) truncated', async () => {
    const ua = `Mozilla/5.0 ${'A'.repeat(12 * 1024)}`;
    const url = `/api/admin/test?${'q'.repeat(6000)}`;
    const res = await anonymous('10.0.0.1', ua, url);
    expect(res.statusCode).to.equal(401);
    const { items } = await log.list(1, 5);
    const entry = items.find((e) => e.ip === '10.0.0.1')!;
    expect(entry, 'the rejected request is recorded').to.not.equal(undefined);
    expect(entry.userAgent.length).to.be.at.most(AUDIT_FIELD_LIMITS.userAgent);
    expect(entry.userAgent.startsWith('Mozilla/5.0 AAAA')).to.equal(true);
    expect(entry.details.endpoint.length).to.be.at.most(AUDIT_FIELD_LIMITS.detail);
    expect(entry.details.endpoint.startsWith('/api/admin/test?qqq')).to.equal(true);
    expect(JSON.stringify(entry).length).to.be.below(4096);
  });

  it('a flood of anonymous rejected requests stores a bounded number of entries; an admin is still audited', async () => {
    const before = (await log.list(1, 1)).total;
    // one address floods: its budget, then one "budget exhausted" entry, then nothing
    for (let i = 0; i < 40; i += 1) {
      expect((await anonymous('10.0.0.2', `flood-${i}`)).statusCode).to.equal(401);
    }
    const fromFlooder = (await log.list(1, 500)).items.filter((e) => e.ip === '10.0.0.2');
    expect(fromFlooder).to.have.length(PER_IP + 1);
    const marker = fromFlooder[0]!;
    expect(marker.details.reason).to.equal('Audit budget exhausted');
    expect(marker.errorMessage).to.match(/not recorded until/);

    // a quiet address is still recorded while the overall budget lasts
    expect((await anonymous('10.0.0.3', 'quiet')).statusCode).to.equal(401);
    expect((await log.list(1, 500)).items.some((e) => e.ip === '10.0.0.3')).to.equal(true);

    // many addresses: the overall budget caps everything
    for (let i = 0; i < 60; i += 1) await anonymous(`10.1.${i}.1`, `spread-${i}`);
    const stored = (await log.list(1, 1)).total;
    expect(stored, 'the whole window: the overall budget and its one summary').to.equal(MAX + 1);
    expect((await log.list(1, 1)).items[0]!.details).to.include({ reason: 'Audit budget exhausted' });
    expect(stored - before).to.be.below(100);

    // admins are never limited
    const admin = await loginAdmin(t);
    const ok = await t.request({ method: 'GET', url: '/api/admin/test', token: admin });
    expect(ok.statusCode).to.equal(200);
    const newest = (await log.list(1, 1)).items[0]!;
    expect(newest).to.deep.include({ success: true, action: 'read' });
  });
});
