import { expect } from 'chai';
import { AUDIT_LOG, type AuditEntry, type AuditLog } from '../../../application/identity/ports.js';
import { buildTestApp, loginAdmin, type TestApp } from '../../support/harness.js';
import { FIXED_NOW, testId } from '../../support/kit.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

describe('http/admin GET /api/admin/audit-logs with a cursor (beside page/limit)', () => {
  let t: TestApp;
  let log: AuditLog;
  let admin: string;
  const resourceId = testId();

  const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
    id: testId(),
    userId: null,
    action: 'update',
    resource: 'product',
    resourceId,
    success: true,
    ip: '127.0.0.1',
    userAgent: 'mocha',
    details: { endpoint: '/api/admin/products', method: 'PUT' },
    errorMessage: null,
    // one instant for all: only the chain's order tells them apart
    timestamp: FIXED_NOW,
    ...overrides,
  });

  const get = async (query: string) => {
    const res = await t.request({ method: 'GET', url: `/api/admin/audit-logs?${query}`, token: admin });
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    t = await buildTestApp();
    log = t.container.get<AuditLog>(AUDIT_LOG);
    admin = await loginAdmin(t);
    for (let i = 0; i < 9; i += 1) await log.record(entry({ success: i % 3 !== 0 }));
  });
  after(async () => t.close());

  it('walks every entry once, in the page/limit order, while entries are recorded; page/limit answers unchanged', async () => {
    const paged = await get(`resourceId=${resourceId}&limit=100`);
    expect(paged.status).to.equal(200);
    expect(paged.body.data).to.have.all.keys('entries', 'pagination');
    expect(paged.body.data.pagination).to.deep.equal({ page: 1, limit: 100, total: 9, pages: 1 });
    const all = paged.body.data.entries.map((e: any) => e.id);
    const walked: string[] = [];
    let cursor = '';
    for (let n = 0; n < 10; n += 1) {
      const { status, body } = await get(`resourceId=${resourceId}&limit=2&cursor=${cursor}`);
      expect(status).to.equal(200);
      expect(body.data.entries.length).to.be.at.most(2);
      expect(body.data.pagination).to.deep.equal({ page: 0, limit: 2, total: 9 + Math.min(n, 1), pages: 5 });
      walked.push(...body.data.entries.map((e: any) => e.id));
      // recorded mid-walk: the newest entry, before the position, so later pages do not shift
      if (n === 0) await log.record(entry());
      if (body.data.nextCursor === null) break;
      cursor = body.data.nextCursor;
    }
    expect(walked).to.deep.equal(all);
    const alsoUnder = await get(`resourceId=${resourceId}&limit=9&cursor=`);
    expect(alsoUnder.body.data.entries.map((e: any) => e.id)).to.deep.equal(
      (
        await t.request({
          method: 'GET',
          url: `/api/api/admin/audit-logs?resourceId=${resourceId}&limit=9&cursor=`,
          token: admin,
        })
      )
        .json()
        .data.entries.map((e: any) => e.id),
    );
  });

  it('a tampered cursor, one made for other filters, and page with cursor answer 400', async () => {
    const first = (await get(`resourceId=${resourceId}&limit=2&cursor=`)).body.data.nextCursor as string;
    expect(first).to.be.a('string');
    const tampered = await get(`resourceId=${resourceId}&limit=2&cursor=${first.slice(1)}`);
    expect([tampered.status, tampered.body.code]).to.deep.equal([400, 'INVALID_CURSOR']);
    const otherFilter = await get(`resourceId=${resourceId}&success=true&limit=2&cursor=${first}`);
    expect([otherFilter.status, otherFilter.body.code]).to.deep.equal([400, 'INVALID_CURSOR']);
    const both = await get(`resourceId=${resourceId}&page=1&cursor=`);
    expect(both.status).to.equal(400);
    expect(JSON.stringify(both.body)).to.include('cursor');
  });

  it('the CSV export still answers every matching entry', async () => {
    const res = await t.request({
      method: 'GET',
      url: `/api/admin/audit-logs/export?resourceId=${resourceId}`,
      token: admin,
    });
    expect(res.statusCode).to.equal(200);
    expect(res.body.trim().split('\n')).to.have.length(1 + (await log.search({ resourceId }, 1, 100)).total);
  });
});
