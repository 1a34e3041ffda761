import { expect } from 'chai';
import type { UserRepository } from '../../../application/identity/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { MemoryWishlistRepository } from '../../../adapters/persistence/memory/wishlist-repository.js';
import { MongoUserRepository } from '../../../adapters/persistence/mongo/identity-user-repository.js';
import { MongoWishlistRepository } from '../../../adapters/persistence/mongo/wishlist-repository.js';
import type { WishlistRepository } from '../../../application/wishlist/ports.js';
import { describeWith } from '../../support/services.js';
import { aUser, FIXED_NOW, TestClock, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { testPiiCipher } from '../../support/pii.js';

interface Subject {
  users: UserRepository;
  /** The wishlist port over the same store, to show `update` keeps its `favorites`. */
  wishlist: WishlistRepository;
}

const clock = new TestClock();

function userRepositoryContract(make: () => Promise<Subject>): void {
  it('creates, finds by id and by email case-insensitively, storing the email lowercased', async () => {
    const { users } = await make();
    const user = aUser({ email: '  Mixed.Case@Example.COM ', phone: '+91 98765 43210' });
    const created = await users.create(user);
    expect(created.isOk() && created.value).to.deep.equal({ ...user, email: 'mixed.case@example.com' });
    expect(await users.findById(user.id)).to.deep.equal({ ...user, email: 'mixed.case@example.com' });
    expect((await users.findByEmail('MIXED.case@example.com'))?.id).to.equal(user.id);
    expect(await users.findByEmail('nobody@example.com')).to.equal(null);
    expect(await users.findById('f00000000000000000000000')).to.equal(null);
  });

  it('round-trips every field, including addresses, dates and optional ones', async () => {
    const { users } = await make();
    const user = aUser({
      birthday: '1990-01-01',
      phone: '123',
      role: 'admin',
      avatar: 'https://img/a.png',
      isActive: false,
      lastLogin: new Date('2026-05-01T00:00:00.000Z'),
      passwordChangedAt: new Date('2026-05-02T00:00:00.000Z'),
      preferences: {
        emailNotifications: false,
        smsNotifications: true,
        newsletter: false,
        favoriteOccasions: ['wedding', 'birthday'],
        priceRange: { min: 5000, max: 250000 },
      },
      loyaltyPoints: 120,
      lifetimePoints: 6000,
      membershipTier: 'silver',
      loyaltySeq: 3,
      searchHistory: [{ query: 'red roses', timestamp: new Date('2026-05-03T00:00:00.000Z') }],
      lastActiveAt: new Date('2026-05-04T00:00:00.000Z'),
      deviceInfo: [{ deviceId: 'd1', lastUsed: new Date('2026-05-05T00:00:00.000Z'), platform: 'android' }],
      addresses: [
        {
          id: testId(),
          type: 'work',
          street: '1 MG Road',
          city: 'Mumbai',
          state: 'MH',
          zipCode: '400001',
          country: 'India',
          isDefault: true,
        },
      ],
    });
    await users.create(user);
    expect(await users.findById(user.id)).to.deep.equal(user);
  });

  it('refuses a taken email (any case) with EMAIL_TAKEN and a taken id with CONFLICT', async () => {
    const { users } = await make();
    const user = aUser({ email: 'taken@example.com' });
    await users.create(user);
    const again = await users.create(aUser({ email: 'TAKEN@example.com' }));
    expect(again.isErr() && again.error).to.deep.equal({
      code: 'EMAIL_TAKEN',
      message: 'User already exists with this email',
    });
    const sameId = await users.create(aUser({ id: user.id }));
    expect(sameId.isErr() && sameId.error.code).to.equal('CONFLICT');
  });

  it('concurrent registrations of one email: exactly one succeeds', async () => {
    const { users } = await make();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => users.create(aUser({ email: i % 2 ? 'race@x.io' : 'RACE@x.io' }))),
    );
    expect(results.filter((r) => r.isOk())).to.have.length(1);
    expect(results.filter((r) => r.isErr() && r.error.code === 'EMAIL_TAKEN')).to.have.length(5);
  });

  it('update is optimistic: stores version + 1, a stale version is a CONFLICT, a gone user NOT_FOUND', async () => {
    const { users } = await make();
    const user = aUser();
    await users.create(user);
    const first = await users.update({ ...user, fullName: 'Asha R.' });
    expect(first.isOk() && first.value.version).to.equal(1);
    expect((await users.findById(user.id))?.fullName).to.equal('Asha R.');
    const stale = await users.update({ ...user, fullName: 'Stale' });
    expect(stale.isErr() && stale.error.code).to.equal('CONFLICT');
    expect((await users.findById(user.id))?.fullName).to.equal('Asha R.');
    const missing = await users.update(aUser());
    expect(missing.isErr() && missing.error.code).to.equal('NOT_FOUND');
  });

  it('parallel updates at one version: exactly one wins', async () => {
    const { users } = await make();
    const user = aUser();
    await users.create(user);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => users.update({ ...user, fullName: `Name ${i}` })),
    );
    expect(results.filter((r) => r.isOk())).to.have.length(1);
    expect(results.filter((r) => r.isErr() && r.error.code === 'CONFLICT')).to.have.length(4);
    expect((await users.findById(user.id))?.version).to.equal(1);
  });

  it('update lowercases a new email, refuses another user’s email, and removes cleared optional fields', async () => {
    const { users } = await make();
    const a = aUser({ phone: '555', birthday: 'May' });
    const b = aUser({ email: 'b@example.com' });
    await users.create(a);
    await users.create(b);
    const taken = await users.update({ ...a, email: 'B@Example.com' });
    expect(taken.isErr() && taken.error.code).to.equal('EMAIL_TAKEN');
    const { phone: _p, birthday: _b, ...withoutOptional } = a;
    const saved = await users.update({ ...withoutOptional, email: 'New@Example.com' });
    expect(saved.isOk() && saved.value).to.deep.equal({
      ...withoutOptional,
      email: 'new@example.com',
      version: 1,
    });
    expect(await users.findById(a.id)).to.deep.equal({
      ...withoutOptional,
      email: 'new@example.com',
      version: 1,
    });
    expect((await users.findByEmail('new@example.com'))?.id).to.equal(a.id);
  });

  it('update never writes favorites: a wishlist change in between survives a profile save', async () => {
    const { users, wishlist } = await make();
    const user = aUser();
    await users.create(user);
    expect(await wishlist.add(user.id, 'p1')).to.equal(true);
    const saved = await users.update({ ...user, fullName: 'Still here', favorites: ['zzz'] });
    expect(saved.isOk() && saved.value.favorites).to.deep.equal(['p1']);
    const stored = await users.findById(user.id);
    expect(stored?.favorites).to.deep.equal(['p1']);
    expect(stored?.version).to.equal(1);
  });

  it('syncLoyalty mirrors a later ledger standing only (tier from lifetime points), not a stale one', async () => {
    const { users } = await make();
    const user = aUser();
    await users.create(user);
    expect(await users.syncLoyalty(user.id, { points: 300, lifetimePoints: 21_000, seq: 2 })).to.equal(true);
    expect(await users.syncLoyalty(user.id, { points: 100, lifetimePoints: 100, seq: 1 })).to.equal(false);
    expect(await users.syncLoyalty(user.id, { points: 999, lifetimePoints: 999, seq: 2 })).to.equal(false);
    expect(await users.syncLoyalty(aUser().id, { points: 1, lifetimePoints: 1, seq: 1 })).to.equal(false);
    expect(await users.findById(user.id)).to.deep.include({
      loyaltyPoints: 300,
      lifetimePoints: 21_000,
      membershipTier: 'gold',
      loyaltySeq: 2,
      version: 0,
    });
  });

  it('parallel syncLoyalty calls end at the highest standing', async () => {
    const { users } = await make();
    const user = aUser();
    await users.create(user);
    await Promise.all(
      [3, 1, 5, 2, 4].map((seq) =>
        users.syncLoyalty(user.id, { points: seq * 10, lifetimePoints: seq * 10, seq }),
      ),
    );
    expect(await users.findById(user.id)).to.deep.include({ loyaltyPoints: 50, loyaltySeq: 5 });
  });

  it('touchActivity writes only when lastActiveAt is at or before notBefore; parallel touches write once', async () => {
    const { users } = await make();
    const user = aUser();
    await users.create(user);
    const t0 = new Date('2026-06-01T10:00:00.000Z');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => users.touchActivity(user.id, t0, new Date(t0.getTime() - 300_000))),
    );
    expect(results.filter(Boolean)).to.have.length(1);
    const t1 = new Date(t0.getTime() + 60_000);
    expect(await users.touchActivity(user.id, t1, new Date(t1.getTime() - 300_000))).to.equal(false);
    expect((await users.findById(user.id))?.lastActiveAt).to.deep.equal(t0);
    const t2 = new Date(t0.getTime() + 300_000);
    expect(await users.touchActivity(user.id, t2, new Date(t2.getTime() - 300_000))).to.equal(true);
    expect((await users.findById(user.id))?.lastActiveAt).to.deep.equal(t2);
  });

  it('update never writes the loyalty mirror or lastActiveAt (a stale copy cannot undo them)', async () => {
    const { users } = await make();
    const user = aUser();
    await users.create(user);
    await users.syncLoyalty(user.id, { points: 70, lifetimePoints: 70, seq: 1 });
    await users.touchActivity(user.id, FIXED_NOW, FIXED_NOW);
    const saved = await users.update({
      ...user,
      fullName: 'Profile',
      loyaltyPoints: 1_000_000,
      role: 'user',
    });
    expect(saved.isOk() && saved.value).to.deep.include({
      loyaltyPoints: 70,
      loyaltySeq: 1,
      fullName: 'Profile',
    });
    const stored = (await users.findById(user.id))!;
    expect(stored).to.deep.include({ loyaltyPoints: 70, membershipTier: 'bronze', loyaltySeq: 1 });
    expect(stored.lastActiveAt).to.deep.equal(FIXED_NOW);
  });

  it('pageBySegment walks a segment by id in keyset pages (active users only); countBySegment agrees', async () => {
    const { users } = await make();
    const made: string[] = [];
    const add = async (overrides: Parameters<typeof aUser>[0]) => {
      const u = aUser(overrides);
      await users.create(u);
      made.push(u.id);
      return u;
    };
    const prefs = (p: object) => ({ preferences: { ...aUser().preferences, ...p } });
    const noNews = await add(prefs({ newsletter: false }));
    const sms = await add(prefs({ smsNotifications: true }));
    const gold = await add({});
    await users.syncLoyalty(gold.id, { points: 10, lifetimePoints: 25_000, seq: 1 });
    const silver = await add({});
    await users.syncLoyalty(silver.id, { points: 10, lifetimePoints: 6_000, seq: 1 });
    const plain = await add({});
    await add({ isActive: false });
    const sorted = (ids: string[]) => [...ids].sort();
    const walk = async (segment: Parameters<UserRepository['pageBySegment']>[0]) => {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await users.pageBySegment(segment, after, 2);
        if (page.length === 0) return seen;
        expect(page.length).to.be.at.most(2);
        seen.push(...page.map((u) => u.id));
        after = page[page.length - 1]!.id;
      }
    };
    const active = [noNews.id, sms.id, gold.id, silver.id, plain.id];
    expect(await walk({ kind: 'all' })).to.deep.equal(sorted(active));
    expect(await users.countBySegment({ kind: 'all' })).to.equal(5);
    expect(await walk({ kind: 'preference', preference: 'newsletter' })).to.deep.equal(
      sorted(active.filter((id) => id !== noNews.id)),
    );
    expect(await walk({ kind: 'preference', preference: 'smsNotifications' })).to.deep.equal([sms.id]);
    expect(await users.countBySegment({ kind: 'preference', preference: 'smsNotifications' })).to.equal(1);
    expect(await walk({ kind: 'tier', tier: 'gold' })).to.deep.equal([gold.id]);
    expect(await walk({ kind: 'tier', tier: 'silver' })).to.deep.equal([silver.id]);
    expect(await walk({ kind: 'tier', tier: 'bronze' })).to.deep.equal(sorted([noNews.id, sms.id, plain.id]));
    expect(
      await walk({ kind: 'users', ids: [plain.id, gold.id, made[5]!, 'f00000000000000000000000'] }),
    ).to.deep.equal(sorted([plain.id, gold.id]));
    expect(await users.countBySegment({ kind: 'users', ids: [plain.id, made[5]!] })).to.equal(1);
  });

  it('delete removes; count filters by role and active flag', async () => {
    const { users } = await make();
    const a = aUser();
    await users.create(a);
    await users.create(aUser({ role: 'admin' }));
    await users.create(aUser({ isActive: false }));
    expect(await users.count()).to.equal(3);
    expect(await users.count({ role: 'admin' })).to.equal(1);
    expect(await users.count({ role: 'user' })).to.equal(2);
    expect(await users.count({ isActive: false })).to.equal(1);
    expect(await users.count({ role: 'user', isActive: true })).to.equal(1);
    await users.delete(a.id);
    await users.delete(a.id);
    expect(await users.findById(a.id)).to.equal(null);
    expect(await users.count()).to.equal(2);
  });
}

describe('contract/identity UserRepository', () => {
  describe('memory', () => {
    userRepositoryContract(async () => {
      const db = new MemoryDatabase();
      return { users: new MemoryUserRepository(db), wishlist: new MemoryWishlistRepository(db, clock) };
    });
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('users');
    userRepositoryContract(async () => {
      const subject = {
        users: new MongoUserRepository(mongo.connection(), testPiiCipher(mongo.connection())),
        wishlist: new MongoWishlistRepository(mongo.connection(), clock),
      };
      await mongo.reset();
      return subject;
    });

    it('reads a legacy document lacking version, favorites and preferences with defaults, and updates it', async () => {
      const users = new MongoUserRepository(mongo.connection(), testPiiCipher(mongo.connection()));
      await mongo.reset();
      const id = testId();
      await mongo
        .connection()
        .db!.collection('users')
        .insertOne({
          _id: id,
          fullName: 'Old',
          email: 'old@example.com',
          passwordHash: 'h',
          createdAt: FIXED_NOW,
        } as never);
      const user = (await users.findById(id))!;
      expect(user).to.deep.include({ version: 0, favorites: [], role: 'user', isActive: true, avatar: null });
      expect(user.preferences).to.deep.equal({
        emailNotifications: true,
        smsNotifications: false,
        newsletter: true,
        favoriteOccasions: [],
        priceRange: null,
      });
      expect(user).to.deep.include({
        loyaltyPoints: 0,
        lifetimePoints: 0,
        membershipTier: 'bronze',
        loyaltySeq: 0,
        searchHistory: [],
        deviceInfo: [],
      });
      expect(user.lastActiveAt).to.equal(undefined);
      const saved = await users.update({ ...user, fullName: 'New' });
      expect(saved.isOk() && saved.value.version).to.equal(1);
    });
  });
});
