import { expect } from 'chai';
import type { Container } from 'inversify';
import type { Connection } from 'mongoose';
import { AUDIT_LOG, type AuditEntry, type AuditLog } from '../../../application/identity/ports.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { cli, cliContainer } from '../../support/cli.js';
import { describeWith, mongoTestUri } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';

function entry(n: number): AuditEntry {
  return {
    id: testId(),
    userId: 'admin-1',
    action: 'update',
    resource: 'product',
    resourceId: `p${n}`,
    success: true,
    ip: '127.0.0.1',
    userAgent: 'cli-suite',
    details: { endpoint: `/api/products/p${n}`, method: 'PUT', statusCode: 200 },
    errorMessage: null,
    timestamp: new Date(FIXED_NOW.getTime() + n),
    before: { product: { price: n } },
    after: { product: { price: n + 1 } },
  };
}

describeWith(['mongo'], 'CLI audit:verify on MongoDB (raw documents tampered)', () => {
  let container: Container;
  let raw: ReturnType<NonNullable<Connection['db']>['collection']>;

  before(async () => {
    container = await cliContainer({ MONGODB_URI: mongoTestUri('audit-verify') });
    const connection = container.get<Connection>(MONGO_CONNECTION);
    await connection.asPromise();
    raw = connection.db!.collection('audit_log');
  });
  after(async () => {
    if (!container) return;
    await container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await container.get<Connection>(MONGO_CONNECTION).close();
  });

  beforeEach(async () => {
    await raw.deleteMany({});
    // an entry from before the chain existed: not part of it, never reported
    await raw.insertOne({ _id: testId() as never, ...entry(0), id: undefined });
    const log = container.get<AuditLog>(AUDIT_LOG);
    await Promise.all(Array.from({ length: 12 }, (_, i) => log.record(entry(i + 1))));
  });

  it('an intact chain: exit 0 with the count', async () => {
    const r = await cli(container, 'audit:verify', '--batch', '5');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('Audit chain OK: 12 entries');
  });

  it('a modified document: exit 1 naming it', async () => {
    await raw.updateOne({ seq: 7 }, { $set: { 'after.product.price': 1 } });
    const r = await cli(container, 'audit:verify', '--batch', '5');
    expect(r.code).to.equal(1);
    expect(r.out).to.include('BROKEN at seq 7 (modified)');
    expect(r.err).to.include('audit chain broken at seq 7 after 6 good entries');
  });

  it('a deleted document: exit 1 naming the gap', async () => {
    await raw.deleteOne({ seq: 5 });
    const r = await cli(container, 'audit:verify');
    expect(r.code).to.equal(1);
    expect(r.out).to.include('BROKEN at seq 5 (missing)');
  });

  it('a document inserted with a forged link: exit 1', async () => {
    const doc = (await raw.findOne({ seq: 4 }))!;
    await raw.insertOne({ ...doc, _id: 'forged' as never, resourceId: 'p999' });
    const r = await cli(container, 'audit:verify', '--batch', '4');
    expect(r.code).to.equal(1);
    expect(r.out).to.include('BROKEN at seq 4');
  });

  it('two documents reordered: exit 1 at the first', async () => {
    await raw.updateOne({ seq: 9 }, { $set: { seq: -9 } });
    await raw.updateOne({ seq: 8 }, { $set: { seq: 9 } });
    await raw.updateOne({ seq: -9 }, { $set: { seq: 8 } });
    const r = await cli(container, 'audit:verify');
    expect(r.code).to.equal(1);
    expect(r.out).to.include('BROKEN at seq 8 (relinked)');
  });

  it('rejects a bad batch size as usage (exit 2)', async () => {
    expect((await cli(container, 'audit:verify', '--batch', '0')).code).to.equal(2);
  });
});
