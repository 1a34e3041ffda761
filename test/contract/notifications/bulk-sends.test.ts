import { expect } from 'chai';
import type { BulkNotification, BulkNotificationStore } from '../../../application/notifications/bulk.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryBulkNotificationStore } from '../../../adapters/persistence/memory/notifications-bulk-sends.js';
import { MongoBulkNotificationStore } from '../../../adapters/persistence/mongo/notifications-bulk-sends.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

function bulk(overrides: Partial<BulkNotification> = {}): BulkNotification {
  return {
    id: testId(),
    segment: { kind: 'users', ids: ['a1', 'b2'] },
    channel: 'email',
    template: 'newsletter',
    variables: { headline: 'Spring', body: 'Tulips', nested: { list: [1, 2] } },
    requestedBy: 'admin-1',
    estimated: 2,
    createdAt: FIXED_NOW,
    ...overrides,
  };
}

function contract(make: () => Promise<BulkNotificationStore>): void {
  it('creates and reads back equal (segment, variables, custom); a repeated create keeps the first; missing is null', async () => {
    const store = await make();
    const b = bulk();
    await store.create(b);
    await store.create({ ...b, estimated: 99 });
    expect(await store.findById(b.id)).to.deep.equal(b);
    const custom = bulk({ segment: { kind: 'tier', tier: 'gold' }, custom: { subject: 'S', body: 'B' } });
    const { template: _t, variables: _v, ...withoutTemplate } = custom;
    await store.create(withoutTemplate);
    expect(await store.findById(custom.id)).to.deep.equal(withoutTemplate);
    expect(await store.findById(testId())).to.equal(null);
  });

  it('finish records the walk once: a later (retried) finish changes nothing', async () => {
    const store = await make();
    const b = bulk();
    await store.create(b);
    const at = new Date(FIXED_NOW.getTime() + 1000);
    await store.finish(b.id, 2, at);
    await store.finish(b.id, 5, new Date(FIXED_NOW.getTime() + 2000));
    expect(await store.findById(b.id)).to.deep.equal({ ...b, walked: 2, finishedAt: at });
    await store.finish(testId(), 1, at);
  });
}

describe('contract/notifications BulkNotificationStore', () => {
  describe('memory', () => contract(async () => new MemoryBulkNotificationStore(new MemoryDatabase())));
  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('bulk-sends');
    contract(async () => {
      const store = new MongoBulkNotificationStore(mongo.connection());
      await mongo.reset();
      return store;
    });
  });
});
