import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { USER_REPOSITORY, type UserRepository } from '../../application/identity/ports.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { MongoUserRepository } from '../../adapters/persistence/mongo/identity-user-repository.js';
import { MongoOrderRepository } from '../../adapters/persistence/mongo/ordering-order-repository.js';
import { PiiKeyRotation, PII_ROTATION_COLLECTION } from '../../adapters/persistence/mongo/pii-rotation.js';
import { cli, cliContainer } from '../support/cli.js';
import { useMongo } from '../support/mongo.js';
import { testPiiCipher } from '../support/pii.js';
import { describeWith, mongoTestUri } from '../support/services.js';
import { anOrder, aUser } from '../support/kit.js';

/** The key ids of every sealed value in a collection's raw documents. */
async function keyIds(connection: Connection, collection: string): Promise<string[]> {
  const raw = JSON.stringify(await connection.db!.collection(collection).find({}).toArray());
  return [...new Set([...raw.matchAll(/enc:v1:(k\d+):/g)].map((m) => m[1]!))].sort();
}

describeWith(['mongo'], 'pii:rotate-keys: re-encryption in batches, resumable after a crash', function () {
  this.timeout(60_000);
  const mongo = useMongo('pii-rotation');
  beforeEach(() => mongo.reset());

  it('interrupted after N documents, a second run resumes from its checkpoint towards the same version, skips what is done, and everything ends on it, still readable', async () => {
    const c = mongo.connection();
    const cipher = testPiiCipher(c);
    const users = new MongoUserRepository(c, cipher);
    const orders = new MongoOrderRepository(c, testPiiCipher(c));
    const made = [];
    for (let i = 0; i < 7; i++) {
      const u = aUser({ phone: `+91 90000 0000${i}`, birthday: `1990-01-0${i + 1}` });
      expect((await users.create(u)).isOk()).to.equal(true);
      made.push(u);
    }
    const order = anOrder({ userId: made[0]!.id });
    expect((await orders.create(order, [])).isOk()).to.equal(true);
    // A document written before encryption existed: plain fields.
    await c.db!.collection('users').insertOne({
      _id: 'legacy-user' as never,
      fullName: 'Old Timer',
      email: 'old@example.com',
      passwordHash: 'x',
      phone: '+91 91111 22222',
      createdAt: new Date(),
    });
    expect(await keyIds(c, 'users')).to.deep.equal(['k1']);

    let seen = 0;
    const crash = new Error('crash');
    const first = new PiiKeyRotation(c, testPiiCipher(c));
    let thrown: unknown = null;
    await first
      .run({
        batchSize: 3,
        now: new Date(),
        afterDocument: () => {
          seen += 1;
          if (seen === 5) throw crash; // mid-way through the second batch of users
        },
      })
      .catch((e: unknown) => (thrown = e));
    expect(thrown).to.equal(crash);
    const checkpoint = await c.db!.collection(PII_ROTATION_COLLECTION).findOne({ _id: 'users' as never });
    expect(checkpoint).to.include({ target: 'k2', done: false, rewritten: 3 });
    // Old and new versions side by side: both readable meanwhile.
    expect(await keyIds(c, 'users')).to.deep.equal(['k1', 'k2']);
    for (const u of made) expect((await users.findById(u.id))?.phone).to.equal(u.phone);

    const progress: Array<[string, number, number]> = [];
    const second = await new PiiKeyRotation(c, testPiiCipher(c)).run({
      batchSize: 3,
      now: new Date(),
      onProgress: (collection, done, total) => progress.push([collection, done, total]),
    });
    expect(second.target).to.equal('k2');
    expect(second.resumed).to.equal(true);
    const usersReport = second.collections.find((r) => r.collection === 'users')!;
    // 8 users: 3 were checkpointed, so 5 examined; of those, 2 (4th and 5th) were rewritten before the crash.
    expect(usersReport).to.deep.equal({ collection: 'users', examined: 5, rewritten: 3 });
    expect(second.collections.find((r) => r.collection === 'orders')).to.include({
      examined: 1,
      rewritten: 1,
    });
    expect(progress.filter(([col]) => col === 'users').at(-1)).to.deep.equal(['users', 8, 8]);

    expect(await keyIds(c, 'users')).to.deep.equal(['k2']);
    expect(await keyIds(c, 'orders')).to.deep.equal(['k2']);
    const legacyRaw = JSON.stringify(
      await c.db!.collection('users').findOne({ _id: 'legacy-user' as never }),
    );
    expect(legacyRaw).not.to.contain('91111');
    for (const u of made) expect((await users.findById(u.id))?.birthday).to.equal(u.birthday);
    expect((await users.findById('legacy-user'))?.phone).to.equal('+91 91111 22222');
    expect((await users.findByPhone('+919111122222')).map((u) => u.id)).to.deep.equal(['legacy-user']);
    expect((await orders.findById(order.id))?.shippingAddress.street).to.equal(order.shippingAddress.street);

    // Done: the next run is a new rotation (k3), not a resume.
    const third = await new PiiKeyRotation(c, testPiiCipher(c)).run({ batchSize: 100, now: new Date() });
    expect(third).to.include({ target: 'k3', resumed: false });
    expect(await keyIds(c, 'users')).to.deep.equal(['k3']);
  });

  it('the CLI command shows progress per collection and a summary; without MongoDB it says so (exit 2)', async () => {
    const container = await cliContainer({ MONGODB_URI: mongoTestUri('pii-rotation-cli') });
    const connection = container.get<Connection>(MONGO_CONNECTION);
    try {
      await connection.asPromise();
      await connection.dropDatabase();
      const users = container.get<UserRepository>(USER_REPOSITORY);
      for (let i = 0; i < 3; i++) await users.create(aUser({ phone: `+91 93333 0000${i}` }));
      const r = await cli(container, 'pii:rotate-keys', '--batch-size', '2');
      expect(r.code, r.err).to.equal(0);
      expect(r.out).to.match(/users\s+\[.*\] 100% \| 3\/3 documents/);
      expect(r.out).to.contain('Rotated to data key k2');
      expect(r.out).to.contain('users: 3 examined, 3 re-encrypted');
      expect(await keyIds(connection, 'users')).to.deep.equal(['k2']);
    } finally {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    }
    const embedded = await cli(await cliContainer(), 'pii:rotate-keys');
    expect(embedded.code).to.equal(2);
    expect(embedded.err).to.contain('MONGODB_URI');
  });
});
