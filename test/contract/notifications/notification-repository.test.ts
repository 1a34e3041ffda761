import { expect } from 'chai';
import type { NotificationRepository } from '../../../application/notifications/ports.js';
import {
  markSent,
  newNotification,
  newSkippedNotification,
  recordFailure,
  type Notification,
  type NotificationType,
} from '../../../domain/notifications/notification.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryNotificationRepository } from '../../../adapters/persistence/memory/notifications-repository.js';
import { MongoNotificationRepository } from '../../../adapters/persistence/mongo/notifications-repository.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { testPiiCipher } from '../../support/pii.js';

const minutes = (n: number) => new Date(FIXED_NOW.getTime() + n * 60_000);

function notification(
  overrides: { userId?: string | null; type?: NotificationType; at?: Date; id?: string } = {},
): Notification {
  const userId = overrides.userId === null ? undefined : (overrides.userId ?? testId());
  return newNotification({
    id: overrides.id ?? testId(),
    ...(userId !== undefined ? { userId } : {}),
    type: overrides.type ?? 'email',
    template: 'welcome',
    subject: 'Welcome to Amour Florals',
    content: 'Hello Asha',
    html: '<p>Hello Asha</p>',
    recipient: 'asha@example.com',
    metadata: { category: 'transactional', eventId: 'evt-1', orderId: 'o-1' },
    now: overrides.at ?? FIXED_NOW,
  });
}

function contract(make: () => Promise<NotificationRepository>): void {
  it('countByBulk counts a bulk send’s notifications by status (skipped ones included), and only that bulk’s', async () => {
    const repo = await make();
    const bulkId = testId();
    const inBulk = (id: string) => {
      const n = notification({ id });
      return { ...n, metadata: { ...n.metadata, bulkId } };
    };
    const a = (await repo.create(inBulk(testId()))).notification;
    await repo.create(inBulk(testId()));
    const c = (await repo.create(inBulk(testId()))).notification;
    await repo.create(
      newSkippedNotification(
        {
          ...notification(),
          metadata: { category: 'marketing', bulkId },
          now: FIXED_NOW,
          id: testId(),
        } as never,
        'opted-out',
      ),
    );
    await repo.create({ ...notification(), metadata: { category: 'marketing', bulkId: testId() } });
    await repo.update(markSent(a, minutes(1))!);
    await repo.update(recordFailure(c, { error: 'x', final: true, at: minutes(1) })!);
    expect(await repo.countByBulk(bulkId)).to.deep.equal({ pending: 1, sent: 1, failed: 2 });
    expect(await repo.countByBulk(testId())).to.deep.equal({ pending: 0, sent: 0, failed: 0 });
    const skipped = (await repo.query({ page: 1, limit: 10, status: 'failed' })).items.find(
      (n) => n.metadata.skipped === 'opted-out',
    );
    expect(skipped).to.deep.include({ lastError: 'opted-out' });
  });

  it('creates (version 1) and reads back equal; a missing id is null', async () => {
    const repo = await make();
    const { notification: stored, created } = await repo.create(notification());
    expect(created).to.equal(true);
    expect(stored.version).to.equal(1);
    expect(await repo.findById(stored.id)).to.deep.equal(stored);
    const bare = (await repo.create(notification({ userId: null, type: 'sms' }))).notification;
    expect(await repo.findById(bare.id)).to.deep.equal(bare);
    expect(bare.userId).to.equal(undefined);
    expect(await repo.findById(testId())).to.equal(null);
  });

  it('create is idempotent by id: a repeat answers the stored record untouched', async () => {
    const repo = await make();
    const first = (await repo.create(notification())).notification;
    const sent = (await repo.update(markSent(first, minutes(1))!)).unwrap();
    const again = await repo.create({ ...notification(), id: first.id, content: 'other' });
    expect(again.created).to.equal(false);
    expect(again.notification).to.deep.equal(sent);
  });

  it('parallel creates of one id: one is created, all answer the same record', async () => {
    const repo = await make();
    const id = testId();
    const results = await Promise.all(Array.from({ length: 8 }, () => repo.create(notification({ id }))));
    expect(results.filter((r) => r.created)).to.have.length(1);
    for (const r of results) expect(r.notification.id).to.equal(id);
  });

  it('updates guarded by version: the stale writer gets CONFLICT; a missing one NOTIFICATION_NOT_FOUND', async () => {
    const repo = await make();
    const stored = (await repo.create(notification())).notification;
    const failed = recordFailure(stored, { error: 'smtp down', final: false, at: minutes(1) })!;
    const saved = (await repo.update(failed)).unwrap();
    expect(saved).to.deep.include({ version: 2, retryCount: 1, lastError: 'smtp down' });
    expect(await repo.findById(stored.id)).to.deep.equal(saved);
    expect((await repo.update(markSent(stored, minutes(2))!)).unwrapErr().code).to.equal('CONFLICT');
    const sent = (await repo.update(markSent(saved, minutes(2))!)).unwrap();
    expect(await repo.findById(stored.id)).to.deep.equal(sent);
    expect(sent.sentAt).to.deep.equal(minutes(2));
    expect((await repo.update({ ...notification(), version: 1 })).unwrapErr().code).to.equal(
      'NOTIFICATION_NOT_FOUND',
    );
  });

  it('concurrent updates of one version: exactly one wins', async () => {
    const repo = await make();
    const stored = (await repo.create(notification())).notification;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => repo.update(markSent(stored, minutes(i + 1))!)),
    );
    expect(results.filter((r) => r.isOk())).to.have.length(1);
  });

  it('queries newest first with filters and a total; pages do not overlap', async () => {
    const repo = await make();
    const user = testId();
    const a = (await repo.create(notification({ userId: user, at: minutes(1) }))).notification;
    const b = (await repo.create(notification({ userId: user, type: 'sms', at: minutes(2) }))).notification;
    const c = (await repo.create(notification({ userId: user, at: minutes(3) }))).notification;
    await repo.create(notification({ at: minutes(4) })); // another user
    await repo.update(markSent(c, minutes(5))!);

    const all = await repo.query({ userId: user, page: 1, limit: 10 });
    expect(all.total).to.equal(3);
    expect(all.items.map((n) => n.id)).to.deep.equal([c.id, b.id, a.id]);
    const page2 = await repo.query({ userId: user, page: 2, limit: 2 });
    expect(page2).to.deep.include({ total: 3, page: 2, limit: 2 });
    expect(page2.items.map((n) => n.id)).to.deep.equal([a.id]);
    expect(
      (await repo.query({ userId: user, type: 'sms', page: 1, limit: 10 })).items.map((n) => n.id),
    ).to.deep.equal([b.id]);
    expect(
      (await repo.query({ userId: user, status: 'sent', page: 1, limit: 10 })).items.map((n) => n.id),
    ).to.deep.equal([c.id]);
    const window = await repo.query({ userId: user, from: minutes(2), to: minutes(2), page: 1, limit: 10 });
    expect(window.items.map((n) => n.id)).to.deep.equal([b.id]);
    expect((await repo.query({ page: 1, limit: 10 })).total).to.equal(4);
  });

  it('queryAfter walks by cursor in query order (equal times newest id first), stable under inserts', async () => {
    const repo = await make();
    const user = testId();
    // Nine at one instant (only the id orders them), two later, one of someone else's.
    for (let i = 0; i < 11; i++) {
      await repo.create(
        notification({ userId: user, type: i % 2 ? 'sms' : 'email', at: minutes(i < 9 ? 0 : i) }),
      );
    }
    await repo.create(notification({ at: minutes(1) }));
    const listed = (await repo.query({ userId: user, page: 1, limit: 100 })).items.map((n) => n.id);
    expect(listed).to.have.length(11);
    const walked: string[] = [];
    let page = await repo.queryAfter({ userId: user }, { after: null, limit: 4 });
    expect(page.total).to.equal(11);
    walked.push(...page.items.map((n) => n.id));
    // Newer than every one: before the position, so the next pages do not shift.
    await repo.create(notification({ userId: user, at: minutes(60) }));
    while (page.next !== null) {
      page = await repo.queryAfter({ userId: user }, { after: page.next, limit: 4 });
      walked.push(...page.items.map((n) => n.id));
    }
    expect(walked).to.deep.equal(listed);
    const sms = await repo.queryAfter({ userId: user, type: 'sms' }, { after: null, limit: 50 });
    expect(sms.items.map((n) => n.id)).to.deep.equal(
      (await repo.query({ userId: user, type: 'sms', page: 1, limit: 50 })).items.map((n) => n.id),
    );
    expect([sms.items.length, sms.next]).to.deep.equal([5, null]);
  });

  it('listPending: pending records created before the given time, oldest first, bounded', async () => {
    const repo = await make();
    const old1 = (await repo.create(notification({ at: minutes(1) }))).notification;
    const old2 = (await repo.create(notification({ at: minutes(2) }))).notification;
    const sent = (await repo.create(notification({ at: minutes(1) }))).notification;
    await repo.update(markSent(sent, minutes(3))!);
    const failed = (await repo.create(notification({ at: minutes(1) }))).notification;
    await repo.update(recordFailure(failed, { error: 'x', final: true, at: minutes(3) })!);
    await repo.create(notification({ at: minutes(10) })); // too recent
    expect((await repo.listPending(minutes(5), 10)).map((n) => n.id)).to.deep.equal([old1.id, old2.id]);
    expect((await repo.listPending(minutes(5), 1)).map((n) => n.id)).to.deep.equal([old1.id]);
  });
}

describe('contract/notifications NotificationRepository', () => {
  describe('memory', () => {
    contract(async () => new MemoryNotificationRepository(new MemoryDatabase()));
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('notifications');
    contract(async () => {
      const repo = new MongoNotificationRepository(mongo.connection(), testPiiCipher(mongo.connection()));
      await mongo.reset();
      return repo;
    });
  });
});
