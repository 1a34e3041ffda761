import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { createMongoConnection } from '../../../../adapters/persistence/mongo/connection.js';
import {
  MIGRATIONS_COLLECTION,
  MIGRATIONS_LOCK_COLLECTION,
  MigrationLockedError,
  MigrationRunner,
  type Db,
  type Migration,
} from '../../../../adapters/persistence/mongo/migrations.js';
import { defaultOrderNumber } from '../../../../adapters/persistence/mongo/ordering-order-repository.js';
import { describeWith, mongoTestUri } from '../../../support/services.js';

/** Two toy migrations that log what ran, to see exactly what the runner calls. */
function toyMigrations(log: string[]): Migration[] {
  const make = (version: number, name: string): Migration => ({
    version,
    name,
    async up(db: Db) {
      log.push(`up ${version}`);
      await db.collection('toys').insertOne({ _id: version as never, name });
    },
    async down(db: Db) {
      log.push(`down ${version}`);
      await db.collection('toys').deleteOne({ _id: version as never });
    },
  });
  return [make(2, 'second'), make(1, 'first')];
}

describeWith(['mongo'], 'migrations runner (on the test server)', () => {
  let connection: Connection;
  let db: Db;

  before(async () => {
    connection = createMongoConnection(mongoTestUri('migrations'));
    await connection.asPromise();
    db = connection.db!;
  });
  beforeEach(async () => {
    for (const c of await db.collections()) await c.deleteMany({});
  });
  after(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('up applies the pending migrations in version order and records them; a second up applies nothing', async () => {
    const log: string[] = [];
    const runner = new MigrationRunner(db, toyMigrations(log));
    expect((await runner.up()).map((m) => m.version)).to.deep.equal([1, 2]);
    expect(await runner.up()).to.deep.equal([]);
    expect(log).to.deep.equal(['up 1', 'up 2']);
    const records = await db.collection(MIGRATIONS_COLLECTION).find({}).sort({ _id: 1 }).toArray();
    expect(records.map((r) => [r._id, r.name])).to.deep.equal([
      [1, 'first'],
      [2, 'second'],
    ]);
    expect(await db.collection(MIGRATIONS_LOCK_COLLECTION).countDocuments()).to.equal(0);
  });

  it('down reverts only the last applied one; status tells applied from pending', async () => {
    const log: string[] = [];
    const runner = new MigrationRunner(db, toyMigrations(log));
    expect(await runner.down()).to.equal(null);
    await runner.up();
    expect((await runner.down())?.version).to.equal(2);
    expect(log).to.deep.equal(['up 1', 'up 2', 'down 2']);
    const status = await runner.status();
    expect(status.map((s) => [s.version, s.name, s.appliedAt !== null])).to.deep.equal([
      [1, 'first', true],
      [2, 'second', false],
    ]);
    expect(await db.collection('toys').countDocuments()).to.equal(1);
    expect((await runner.up()).map((m) => m.version)).to.deep.equal([2]);
  });

  it('two runners at once: each migration runs exactly once', async () => {
    const log: string[] = [];
    const a = new MigrationRunner(db, toyMigrations(log));
    const b = new MigrationRunner(db, toyMigrations(log));
    const [ra, rb] = await Promise.all([a.up(), b.up()]);
    expect(ra.length + rb.length).to.equal(2);
    expect(log.sort()).to.deep.equal(['up 1', 'up 2']);
  });

  it('a held lock makes another runner fail after its wait; an abandoned one is taken over', async () => {
    await db
      .collection(MIGRATIONS_LOCK_COLLECTION)
      .insertOne({ _id: 'migrations' as never, owner: 'other', expiresAt: new Date(Date.now() + 60_000) });
    const runner = new MigrationRunner(db, toyMigrations([]), { waitMs: 100 });
    let failure: unknown;
    await runner.up().catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(MigrationLockedError);
    expect(await db.collection(MIGRATIONS_COLLECTION).countDocuments()).to.equal(0);
    await db
      .collection(MIGRATIONS_LOCK_COLLECTION)
      .updateOne({ _id: 'migrations' as never }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    expect(await runner.up()).to.have.length(2);
  });

  it('a failing migration stops the run, is not recorded, and the lock is released', async () => {
    const broken: Migration = {
      version: 3,
      name: 'broken',
      up: async () => {
        throw new Error('boom');
      },
      down: async () => undefined,
    };
    const runner = new MigrationRunner(db, [...toyMigrations([]), broken]);
    let failure: unknown;
    await runner.up().catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('boom');
    expect((await runner.status()).map((s) => s.appliedAt !== null)).to.deep.equal([true, true, false]);
    expect(await db.collection(MIGRATIONS_LOCK_COLLECTION).countDocuments()).to.equal(0);
  });

  it('the real migrations: indexes created and dropped, order defaults backfilled and reverted, twice-safe', async () => {
    const runner = new MigrationRunner(db);
    const createdAt = new Date('2026-01-02T03:04:05.678Z');
    await db.collection('orders').insertMany([
      { _id: 'o1' as never, userId: 'u', status: 'delivered', total: 1500, createdAt },
      {
        _id: 'o2' as never,
        orderNumber: 'AF-123456789',
        total: 900,
        totalAmount: 900,
        version: 3,
        createdAt,
      },
    ]);
    expect((await runner.up()).map((m) => m.name)).to.deep.equal([
      'create-indexes',
      'order-defaults',
      'order-gateway-ids',
    ]);
    expect(await runner.up()).to.deep.equal([]);
    const names = (await db.collection('users').listIndexes().toArray()).map((i) => i.name);
    expect(names).to.include('email_1');
    const orderIndexes = (await db.collection('orders').listIndexes().toArray()).map((i) => i.name);
    expect(orderIndexes).to.include.members([
      'orderNumber_1',
      'userId_1_createdAt_-1',
      'status_1_createdAt_-1',
    ]);
    const o1 = await db.collection('orders').findOne({ _id: 'o1' as never });
    expect([o1?.orderNumber, o1?.totalAmount, o1?.version]).to.deep.equal([
      defaultOrderNumber('o1', createdAt),
      1500,
      0,
    ]);
    const o2 = await db.collection('orders').findOne({ _id: 'o2' as never });
    expect([o2?.orderNumber, o2?.totalAmount, o2?.version, o2?.backfilledBy002]).to.deep.equal([
      'AF-123456789',
      900,
      3,
      undefined,
    ]);

    expect((await runner.down())?.name).to.equal('order-gateway-ids');
    expect((await runner.down())?.name).to.equal('order-defaults');
    const reverted = await db.collection('orders').findOne({ _id: 'o1' as never });
    expect(Object.keys(reverted!).sort()).to.deep.equal(['_id', 'createdAt', 'status', 'total', 'userId']);
    expect((await runner.down())?.name).to.equal('create-indexes');
    expect((await db.collection('users').listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_']);
    expect((await runner.status()).every((s) => s.appliedAt === null)).to.equal(true);
  });
});
