import type { Connection } from 'mongoose';
import { expect } from 'chai';
import { DocumentLock, DocumentLockTimeoutError } from '../../../adapters/persistence/mongo/document-lock.js';
import { isMongoUnavailable } from '../../../adapters/persistence/mongo/unavailable.js';
import { describeWith } from '../../support/services.js';
import { useMongo } from '../../support/mongo.js';

/** Counts the lock documents inserted on `connection` (server-side lock acquisitions) until restored. */
function countLockInserts(connection: Connection): { count(): number; restore(): void } {
  const collection = connection.models.DocumentLock!.collection;
  const insertOne = collection.insertOne.bind(collection);
  let inserts = 0;
  collection.insertOne = ((...args: Parameters<typeof insertOne>) => {
    inserts += 1;
    return insertOne(...args);
  }) as typeof collection.insertOne;
  return { count: () => inserts, restore: () => void (collection.insertOne = insertOne) };
}

describeWith(['mongo'], 'adapters/mongo DocumentLock', function () {
  this.timeout(30_000);
  const mongo = useMongo('locks');
  const locks = () => mongo.connection().db!.collection('document_locks');
  const counters = () => mongo.connection().db!.collection('counters');

  beforeEach(async () => {
    new DocumentLock(mongo.connection()); // registers its model
    await mongo.reset();
  });

  it('makes a read-then-write exclusive: 25 concurrent increments lose none', async () => {
    const lock = new DocumentLock(mongo.connection(), { mode: 'always' });
    await counters().insertOne({ _id: 'c' as never, n: 0 });
    await Promise.all(
      Array.from({ length: 25 }, () =>
        lock.exclusive('counters:c', async () => {
          const doc = await counters().findOne({ _id: 'c' as never });
          await new Promise((resolve) => setImmediate(resolve));
          await counters().updateOne({ _id: 'c' as never }, { $set: { n: (doc!.n as number) + 1 } });
        }),
      ),
    );
    expect((await counters().findOne({ _id: 'c' as never }))!.n).to.equal(25);
    expect(await locks().countDocuments({})).to.equal(0);
  });

  it('queues callers of one process for a key before the server and hands the lock down the queue: one lock insert for the burst, no polling; two lockers (processes) still exclude each other', async () => {
    const a = new DocumentLock(mongo.connection(), { mode: 'always' });
    const b = new DocumentLock(mongo.connection(), { mode: 'always' });
    await counters().insertOne({ _id: 'q' as never, n: 0 });
    const lockInserts = countLockInserts(mongo.connection());
    try {
      const increment = () => async () => {
        const doc = await counters().findOne({ _id: 'q' as never });
        await new Promise((resolve) => setImmediate(resolve));
        await counters().updateOne({ _id: 'q' as never }, { $set: { n: (doc!.n as number) + 1 } });
      };
      await Promise.all(Array.from({ length: 20 }, () => a.exclusive('counters:q', increment())));
      // One insert for the whole burst (a handed-over lease is released after a quarter of its
      // lease at the latest: a very slow machine may insert it again once or twice).
      expect(lockInserts.count()).to.be.at.least(1).and.at.most(3);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).exclusive('counters:q', increment())),
      );
    } finally {
      lockInserts.restore();
    }
    expect((await counters().findOne({ _id: 'q' as never }))!.n).to.equal(40);
    expect(await locks().countDocuments({})).to.equal(0);
  });

  it('releases the lock when the work throws, and answers what the work answers', async () => {
    const lock = new DocumentLock(mongo.connection(), { mode: 'always' });
    const failed = await lock
      .exclusive('k', async () => {
        throw new Error('work failed');
      })
      .catch((error: unknown) => error);
    expect((failed as Error).message).to.equal('work failed');
    expect(await locks().countDocuments({})).to.equal(0);
    expect(await lock.exclusive('k', async () => 42)).to.equal(42);
  });

  it('takes over a lock whose holder died (lease expired), and times out on a live one', async () => {
    const lock = new DocumentLock(mongo.connection(), { mode: 'always', waitMs: 100 });
    await locks().insertOne({ _id: 'dead' as never, token: 'x', expiresAt: new Date(Date.now() - 1000) });
    expect(await lock.exclusive('dead', async () => 'taken over')).to.equal('taken over');
    await locks().insertOne({ _id: 'live' as never, token: 'y', expiresAt: new Date(Date.now() + 60_000) });
    const timedOut = await lock.exclusive('live', async () => 'never').catch((error: unknown) => error);
    expect((timedOut as Error).message).to.equal('Timed out waiting for the lock on live');
    // A stable answer, not a 500: the HTTP edge answers it 503 DATABASE_UNAVAILABLE.
    expect(timedOut).to.be.instanceOf(DocumentLockTimeoutError);
    expect(isMongoUnavailable(timedOut)).to.equal(true);
  });

  it('hands a lock over at most MAX_HANDOVERS (64) times in a row, then releases it for other processes', async () => {
    const lock = new DocumentLock(mongo.connection(), { mode: 'always' });
    const lockInserts = countLockInserts(mongo.connection());
    try {
      const done = await Promise.all(
        Array.from({ length: 130 }, (_, i) => lock.exclusive('burst', async () => i)),
      );
      expect(done).to.have.length(130);
    } finally {
      lockInserts.restore();
    }
    expect(lockInserts.count()).to.be.at.least(3); // 130 callers: 64 + 64 + 2
    expect(await locks().countDocuments({})).to.equal(0);
  });

  it('shares one lock per connection between the writers of products (stock store and repository)', () => {
    const a = DocumentLock.shared(mongo.connection());
    expect(DocumentLock.shared(mongo.connection())).to.equal(a);
    expect(new DocumentLock(mongo.connection())).to.not.equal(a);
  });

  it('auto mode locks on FerretDB only (whose updates are not atomic); never mode runs the work directly', async () => {
    const info = await mongo.connection().db!.admin().command({ buildInfo: 1 });
    const ferret = 'ferretdbVersion' in info;
    const auto = new DocumentLock(mongo.connection());
    const held = await auto.exclusive('auto', async () => locks().countDocuments({ _id: 'auto' as never }));
    expect(held).to.equal(ferret ? 1 : 0);
    const never = new DocumentLock(mongo.connection(), { mode: 'never' });
    expect(await never.exclusive('n', async () => locks().countDocuments({}))).to.equal(0);
  });
});
