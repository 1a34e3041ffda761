import { expect } from 'chai';
import type { UserRepository } from '../../../application/identity/ports.js';
import type { WishlistRepository } from '../../../application/wishlist/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { MemoryWishlistRepository } from '../../../adapters/persistence/memory/wishlist-repository.js';
import { MongoUserRepository } from '../../../adapters/persistence/mongo/identity-user-repository.js';
import { MongoWishlistRepository } from '../../../adapters/persistence/mongo/wishlist-repository.js';
import { describeWith } from '../../support/services.js';
import { aUser, FIXED_NOW, TestClock } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { testPiiCipher } from '../../support/pii.js';

interface Subject {
  wishlist: WishlistRepository;
  users: UserRepository;
}

const LATER = new Date(FIXED_NOW.getTime() + 60_000);
const clock = new TestClock(LATER);

function contract(make: () => Promise<Subject>): void {
  it('keeps insertion order, refuses duplicates, removes and clears', async () => {
    const { wishlist, users } = await make();
    const user = aUser();
    await users.create(user);
    expect(await wishlist.get(user.id)).to.deep.equal([]);
    expect(await wishlist.add(user.id, 'p3')).to.equal(true);
    expect(await wishlist.add(user.id, 'p1')).to.equal(true);
    expect(await wishlist.add(user.id, 'p2')).to.equal(true);
    expect(await wishlist.add(user.id, 'p1')).to.equal(false);
    expect(await wishlist.get(user.id)).to.deep.equal(['p3', 'p1', 'p2']);
    expect(await wishlist.remove(user.id, 'p1')).to.equal(true);
    expect(await wishlist.remove(user.id, 'p1')).to.equal(false);
    expect(await wishlist.get(user.id)).to.deep.equal(['p3', 'p2']);
    expect(await wishlist.add(user.id, 'p1')).to.equal(true);
    expect(await wishlist.get(user.id)).to.deep.equal(['p3', 'p2', 'p1']);
    await wishlist.clear(user.id);
    expect(await wishlist.get(user.id)).to.deep.equal([]);
    await wishlist.clear(user.id);
    expect(await wishlist.get(user.id)).to.deep.equal([]);
  });

  it('an unknown user has an empty wishlist and nothing is added or removed', async () => {
    const { wishlist, users } = await make();
    expect(await wishlist.get('f00000000000000000000000')).to.deep.equal([]);
    expect(await wishlist.add('f00000000000000000000000', 'p1')).to.equal(false);
    expect(await wishlist.remove('f00000000000000000000000', 'p1')).to.equal(false);
    await wishlist.clear('f00000000000000000000000');
    expect(await users.findById('f00000000000000000000000')).to.equal(null);
  });

  it('changes favorites and updatedAt only, never the version; other users are untouched', async () => {
    const { wishlist, users } = await make();
    const user = aUser();
    const other = aUser();
    await users.create(user);
    await users.create(other);
    await wishlist.add(user.id, 'p1');
    const stored = await users.findById(user.id);
    expect(stored).to.deep.equal({ ...user, favorites: ['p1'], updatedAt: LATER });
    expect(await users.findById(other.id)).to.deep.equal(other);
    // A profile save at the version read before the wishlist change still succeeds.
    const saved = await users.update({ ...user, fullName: 'Renamed' });
    expect(saved.isOk() && saved.value.favorites).to.deep.equal(['p1']);
  });

  it('parallel adds of the same product never duplicate; parallel distinct adds all land', async () => {
    const { wishlist, users } = await make();
    const user = aUser();
    await users.create(user);
    const same = await Promise.all(Array.from({ length: 8 }, () => wishlist.add(user.id, 'dup')));
    expect(same.filter(Boolean)).to.have.length(1);
    const ids = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const distinct = await Promise.all(ids.map((id) => wishlist.add(user.id, id)));
    expect(distinct.every(Boolean)).to.equal(true);
    const list = await wishlist.get(user.id);
    expect(list).to.have.length(9);
    expect([...list].sort()).to.deep.equal(['dup', ...ids].sort());
  });

  it('parallel removes of one product: exactly one reports it; mixed adds and removes stay consistent', async () => {
    const { wishlist, users } = await make();
    const user = aUser();
    await users.create(user);
    await wishlist.add(user.id, 'x');
    await wishlist.add(user.id, 'y');
    const removed = await Promise.all(Array.from({ length: 6 }, () => wishlist.remove(user.id, 'x')));
    expect(removed.filter(Boolean)).to.have.length(1);
    await Promise.all([
      wishlist.add(user.id, 'z'),
      wishlist.remove(user.id, 'y'),
      wishlist.add(user.id, 'z'),
      wishlist.add(user.id, 'w'),
    ]);
    const list = await wishlist.get(user.id);
    expect([...list].sort()).to.deep.equal(['w', 'z']);
  });
  it('addMany appends the missing ids in order in one update and answers those it added', async () => {
    const { wishlist, users } = await make();
    const user = aUser();
    await users.create(user);
    await wishlist.add(user.id, 'b');
    expect(await wishlist.addMany(user.id, ['a', 'b', 'c', 'a'])).to.deep.equal(['a', 'c']);
    expect(await wishlist.get(user.id)).to.deep.equal(['b', 'a', 'c']);
    expect(await wishlist.addMany(user.id, ['a', 'c'])).to.deep.equal([]);
    expect(await wishlist.addMany('f00000000000000000000000', ['a'])).to.deep.equal([]);
    expect(await users.findById('f00000000000000000000000')).to.equal(null);
  });

  it('removeMany removes the ids in one update and answers those that were present', async () => {
    const { wishlist, users } = await make();
    const user = aUser();
    await users.create(user);
    await wishlist.addMany(user.id, ['a', 'b', 'c', 'd']);
    expect(await wishlist.removeMany(user.id, ['c', 'x', 'a', 'c'])).to.deep.equal(['c', 'a']);
    expect(await wishlist.get(user.id)).to.deep.equal(['b', 'd']);
    expect(await wishlist.removeMany(user.id, ['x'])).to.deep.equal([]);
    expect(await wishlist.removeMany('f00000000000000000000000', ['b'])).to.deep.equal([]);
  });

  it('parallel addMany / removeMany / add lose nothing, duplicate nothing, and each id is reported once', async () => {
    const { wishlist, users } = await make();
    const user = aUser();
    await users.create(user);
    await wishlist.addMany(user.id, ['r1', 'r2', 'r3']);
    const [a, b, c, d] = await Promise.all([
      wishlist.addMany(user.id, ['n1', 'n2', 'n3']),
      wishlist.addMany(user.id, ['n3', 'n4']),
      wishlist.removeMany(user.id, ['r1', 'r2']),
      wishlist.removeMany(user.id, ['r2', 'r3']),
      wishlist.add(user.id, 'n5'),
    ]);
    expect([...a!, ...b!].sort()).to.deep.equal(['n1', 'n2', 'n3', 'n4']);
    expect([...c!, ...d!].sort()).to.deep.equal(['r1', 'r2', 'r3']);
    expect([...(await wishlist.get(user.id))].sort()).to.deep.equal(['n1', 'n2', 'n3', 'n4', 'n5']);
  });
}

describe('contract/wishlist WishlistRepository', () => {
  describe('memory', () => {
    contract(async () => {
      const db = new MemoryDatabase();
      return { wishlist: new MemoryWishlistRepository(db, clock), users: new MemoryUserRepository(db) };
    });
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('wishlist');
    contract(async () => {
      const subject = {
        wishlist: new MongoWishlistRepository(mongo.connection(), clock),
        users: new MongoUserRepository(mongo.connection(), testPiiCipher(mongo.connection())),
      };
      await mongo.reset();
      return subject;
    });

    it('a legacy document with duplicate favorites reads them once, and remove drops every copy', async () => {
      const wishlist = new MongoWishlistRepository(mongo.connection(), clock);
      await mongo.reset();
      await mongo
        .connection()
        .db!.collection('users')
        .insertOne({ _id: 'legacy', email: 'l@x.io', favorites: ['a', 'b', 'a'] } as never);
      expect(await wishlist.get('legacy')).to.deep.equal(['a', 'b']);
      expect(await wishlist.remove('legacy', 'a')).to.equal(true);
      expect(await wishlist.get('legacy')).to.deep.equal(['b']);
    });
  });
});
