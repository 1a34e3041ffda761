import { expect } from 'chai';
import type { Container } from 'inversify';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { AUDIT_LOG, type AuditLog, type ChainedAuditEntry } from '../../../application/identity/ports.js';
import { VerifyAuditChain } from '../../../application/identity/audit-chain.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct, testId } from '../../support/kit.js';
import { cli } from '../../support/cli.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';

/** Issue 13, "Audit log": who, what, resource and id, before and after, IP, request id, result. */
describe('http/admin: the tamper-evident audit log', () => {
  let t: TestApp;
  let log: AuditLog;
  let admin: string;
  let adminId: string;

  before(async () => {
    t = await buildTestApp();
    log = t.container.get<AuditLog>(AUDIT_LOG);
    admin = await loginAdmin(t);
    adminId = (await t.request({ method: 'GET', url: '/api/auth/me', token: admin })).json().user._id;
  });
  after(async () => t.close());

  /** The entry a request left (found by its request id), once the after-response hook wrote it. */
  async function entryOf(requestId: string): Promise<ChainedAuditEntry> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const found = (await log.list(1, 1000)).items.find((e) => e.requestId === requestId);
      if (found) return found as ChainedAuditEntry;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no audit entry for request ${requestId}`);
  }

  it('a product update by an admin records who, what, resource and id, before and after, IP, request id and result', async () => {
    const product = await t.container
      .get<ProductRepository>(PRODUCT_REPOSITORY)
      .create(aProduct({ name: 'Audited Roses', price: 150_000 }));
    for (const url of [`/api/products/${product.id}`, `/api/api/admin/products/${product.id}`]) {
      const before = (
        await t.request({ method: 'GET', url: `/api/products/${product.id}`, token: admin })
      ).json().data.product;
      const newName = `Audited Lilies ${testId()}`;
      const res = await t.app.inject({
        method: 'PUT',
        url,
        headers: {
          authorization: `Bearer ${admin}`,
          'user-agent': 'audit-suite',
          'x-request-id': `req-${testId()}`,
        },
        payload: { name: newName },
        remoteAddress: '203.0.113.7',
      });
      expect(res.statusCode, res.body).to.equal(200);
      const entry = await entryOf(res.headers['x-request-id'] as string);
      expect(entry).to.deep.include({
        userId: adminId,
        action: 'update',
        resource: 'product',
        resourceId: product.id,
        success: true,
        ip: '203.0.113.7',
        userAgent: 'audit-suite',
        errorMessage: null,
      });
      expect(entry.actor).to.deep.equal({ role: 'admin' });
      expect(entry.details).to.include({ method: 'PUT', statusCode: 200 });
      const was = (entry.before as { product: { name: string; price: number } }).product;
      const now = (entry.after as { product: { name: string; price: number } }).product;
      expect(was.name).to.equal(before.name);
      expect(now.name).to.equal(newName);
      expect(was.price).to.equal(now.price);
      expect(entry.seq).to.be.a('number');
    }
  });

  it('a refused admin mutation is recorded with its result (failure, status code)', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/products/${testId()}`,
      headers: { authorization: `Bearer ${admin}` },
      payload: { price: -5 },
    });
    expect(res.statusCode).to.equal(400);
    const entry = await entryOf(res.headers['x-request-id'] as string);
    expect(entry).to.deep.include({ success: false, action: 'update', resource: 'product', userId: adminId });
    expect(entry.details.statusCode).to.equal(400);
    expect(entry.errorMessage).to.equal('HTTP 400');
  });

  it('a shopper reading the audit log is refused', async () => {
    const shopper = await registerUser(t);
    const res = await t.request({ method: 'GET', url: '/api/admin/audit-logs', token: shopper.token });
    expect(res.statusCode).to.equal(403);
  });

  describe('GET /api/admin/audit-logs and /export', () => {
    let resourceId: string;
    before(async () => {
      const product = await t.container
        .get<ProductRepository>(PRODUCT_REPOSITORY)
        .create(aProduct({ name: 'Filtered Tulips' }));
      resourceId = product.id;
      for (let i = 0; i < 3; i += 1) {
        await t.app.inject({
          method: 'PUT',
          url: `/api/products/${resourceId}`,
          headers: { authorization: `Bearer ${admin}`, 'x-request-id': `-cmd.${i}` },
          payload: { name: `Filtered Tulips ${i}` },
        });
      }
      await t.app.inject({
        method: 'PUT',
        url: `/api/products/${resourceId}`,
        headers: { authorization: `Bearer ${admin}` },
        payload: { price: -1 },
      });
      // the after-response hook writes the entries: wait for the four
      for (let attempt = 0; attempt < 200; attempt += 1) {
        if ((await log.search({ resourceId }, 1, 10)).total >= 4) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });

    const list = async (query: string) => {
      const res = await t.request({ method: 'GET', url: `/api/admin/audit-logs?${query}`, token: admin });
      return { status: res.statusCode, body: res.json() };
    };

    it('filters by resource id and success, newest first, paged with the total', async () => {
      const all = await list(`resourceId=${resourceId}&limit=10`);
      expect(all.status).to.equal(200);
      expect(all.body.data.pagination).to.deep.equal({ page: 1, limit: 10, total: 4, pages: 1 });
      const seqs = all.body.data.entries.map((e: { seq: number }) => e.seq);
      expect(seqs).to.deep.equal([...seqs].sort((a, b) => b - a));
      const failed = await list(`resourceId=${resourceId}&success=false`);
      expect(failed.body.data.entries).to.have.length(1);
      expect(failed.body.data.entries[0]).to.deep.include({
        success: false,
        statusCode: 400,
        resource: 'product',
      });
      const page2 = await list(`resourceId=${resourceId}&success=true&page=2&limit=2`);
      expect(page2.body.data.pagination).to.deep.equal({ page: 2, limit: 2, total: 3, pages: 2 });
      expect(page2.body.data.entries).to.have.length(1);
      const mine = await list(`userId=${adminId}&action=update&resource=product&resourceId=${resourceId}`);
      expect(mine.body.data.pagination.total).to.equal(4);
      expect((await list(`userId=${testId()}`)).body.data.pagination.total).to.equal(0);
      const future = new Date(Date.now() + 86_400_000).toISOString();
      expect((await list(`resourceId=${resourceId}&from=${future}`)).body.data.pagination.total).to.equal(0);
      expect((await list(`resourceId=${resourceId}&to=${future}`)).body.data.pagination.total).to.equal(4);
      const viaDouble = await t.request({
        method: 'GET',
        url: `/api/api/admin/audit-logs?resourceId=${resourceId}`,
        token: admin,
      });
      expect(viaDouble.json().data.pagination.total).to.equal(4);
    });

    it('refuses bad filters and unbounded pages with a 400 naming the field', async () => {
      for (const [query, field] of [
        ['limit=100000', 'limit'],
        ['success=maybe', 'success'],
        ['from=yesterday', 'from'],
        ['action=explode', 'action'],
        ['resource=planet', 'resource'],
        ['colour=red', 'colour'],
      ] as const) {
        const { status, body } = await list(query);
        expect(status, query).to.equal(400);
        expect(JSON.stringify(body), query).to.include(field);
      }
    });

    it('exports CSV with a header row, filtered, formulas escaped', async () => {
      const res = await t.request({
        method: 'GET',
        url: `/api/admin/audit-logs/export?resourceId=${resourceId}`,
        token: admin,
      });
      expect(res.statusCode).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/csv/);
      expect(res.headers['x-audit-export-truncated']).to.equal('false');
      const lines = res.body.trim().split('\n');
      expect(lines[0]).to.equal(
        'seq,id,timestamp,userId,role,apiKeyId,apiKeyName,action,resource,resourceId,success,statusCode,ip,requestId,method,endpoint,errorMessage,before,after,prevHash,hash',
      );
      expect(lines).to.have.length(5);
      expect(lines.slice(1).every((l) => l.includes(resourceId))).to.equal(true);
      // the client-chosen request id starting with '-' is escaped, so a spreadsheet shows it as text
      expect(res.body).to.include(",'-cmd.0,").and.not.match(/,-cmd/);
      const shopper = await registerUser(t);
      const refused = await t.request({
        method: 'GET',
        url: '/api/admin/audit-logs/export',
        token: shopper.token,
      });
      expect(refused.statusCode).to.equal(403);
    });
  });

  describe('the chain over real traffic, and audit:verify', () => {
    it('parallel admin mutations keep one verifiable chain', async () => {
      const product = await t.container.get<ProductRepository>(PRODUCT_REPOSITORY).create(aProduct());
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          t.app.inject({
            method: 'PUT',
            url: `/api/products/${product.id}`,
            headers: { authorization: `Bearer ${admin}` },
            payload: { name: `Parallel ${i}` },
          }),
        ),
      );
      for (const a of answers) await entryOf(a.headers['x-request-id'] as string);
      const report = await t.container.get(VerifyAuditChain).execute({ batchSize: 7 });
      expect(report.broken).to.equal(undefined);
      expect(report.checked).to.equal(report.total).and.to.be.greaterThan(12);
    });

    it('audit:verify exits 0 on an intact chain and 1 naming the first broken link after tampering', async () => {
      const container = t.container as unknown as Container;
      const ok = await cli(container, 'audit:verify', '--batch', '5');
      expect(ok.code, ok.err).to.equal(0);
      expect(ok.out).to.match(/Audit chain OK: \d+ entries/);
      // tamper with the stored entry seq 3 below the port (the memory store's raw collection)
      const db = container.get(MemoryDatabase);
      const raw = db.collection<ChainedAuditEntry>('audit_log');
      const [key, third] = [...raw.entries()].find(([, e]) => e.seq === 3)!;
      raw.set(key, { ...third, success: !third.success });
      const broken = await cli(container, 'audit:verify');
      expect(broken.code).to.equal(1);
      expect(broken.out).to.include('BROKEN at seq 3 (modified)');
      raw.set(key, third);
      expect((await cli(container, 'audit:verify')).code).to.equal(0);
    });
  });
});
