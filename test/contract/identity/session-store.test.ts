import { expect } from 'chai';
import {
  RETIRED_DIGESTS_KEPT,
  type SessionStore,
  type StoredSession,
} from '../../../application/identity/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemorySessionStore } from '../../../adapters/persistence/memory/identity-sessions.js';
import { MongoSessionStore } from '../../../adapters/persistence/mongo/identity-sessions.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

const at = (ms: number) => new Date(FIXED_NOW.getTime() + ms);

function aSession(userId: string, overrides: Partial<StoredSession> = {}): StoredSession {
  return {
    id: testId(),
    userId,
    deviceId: '0123456789abcdef',
    deviceName: 'Firefox',
    platform: 'linux',
    ip: '10.0.0.1',
    createdAt: at(0),
    lastUsedAt: at(0),
    refreshGeneration: 0,
    retiredDigests: [],
    ...overrides,
  };
}

function contract(make: () => Promise<SessionStore>): void {
  it('round-trips every field; an unknown id is null', async () => {
    const store = await make();
    const session = aSession('u1', { refreshDigest: 'd0' });
    await store.create(session);
    expect(await store.find(session.id)).to.deep.equal(session);
    const bare = aSession('u1', {});
    const { deviceId: _d, deviceName: _n, platform: _p, ip: _i, ...minimal } = bare;
    await store.create(minimal);
    expect(await store.find(bare.id)).to.deep.equal(minimal);
    expect(await store.find(testId())).to.equal(null);
  });

  it("lists the user's live sessions only, most recently used first, bounded", async () => {
    const store = await make();
    const old = aSession('u1', { lastUsedAt: at(1) });
    const recent = aSession('u1', { lastUsedAt: at(5) });
    const ended = aSession('u1', { lastUsedAt: at(9) });
    await Promise.all([old, recent, ended, aSession('u2')].map((s) => store.create(s)));
    expect(await store.revoke('u1', ended.id, at(10))).to.equal(true);
    expect((await store.listLive('u1', 10)).map((s) => s.id)).to.deep.equal([recent.id, old.id]);
    expect((await store.listLive('u1', 1)).map((s) => s.id)).to.deep.equal([recent.id]);
  });

  it("revoke: only the owner's, only once (the first time stands), with an optional read grace", async () => {
    const store = await make();
    const s = aSession('u1');
    await store.create(s);
    expect(await store.revoke('u2', s.id, at(1))).to.equal(false);
    expect((await store.find(s.id))!.revokedAt).to.equal(undefined);
    expect(await store.revoke('u1', s.id, at(2), at(7))).to.equal(true);
    expect(await store.revoke('u1', s.id, at(3))).to.equal(false);
    expect(await store.find(s.id)).to.deep.include({ revokedAt: at(2), readsUntil: at(7) });
    expect(await store.revoke('u1', testId(), at(3))).to.equal(false);
  });

  it('revokeAll: every live session of the user but the one kept; counts them; others untouched', async () => {
    const store = await make();
    const [a, b, c, d] = [aSession('u1'), aSession('u1'), aSession('u1'), aSession('u2')];
    await Promise.all([a, b, c, d].map((s) => store.create(s)));
    await store.revoke('u1', c.id, at(1));
    expect(await store.revokeAll('u1', at(2), a.id)).to.equal(1);
    expect((await store.listLive('u1', 10)).map((s) => s.id)).to.deep.equal([a.id]);
    expect((await store.find(c.id))!.revokedAt).to.deep.equal(at(1));
    expect(await store.revokeAll('u1', at(3))).to.equal(1);
    expect(await store.listLive('u1', 10)).to.deep.equal([]);
    expect((await store.listLive('u2', 10)).map((s) => s.id)).to.deep.equal([d.id]);
  });

  it('touch writes lastUsedAt at most once per interval, whatever the number of parallel callers', async () => {
    const store = await make();
    const s = aSession('u1', { lastUsedAt: at(0) });
    await store.create(s);
    expect(await store.touch(s.id, at(500), at(-1))).to.equal(false);
    const wins = await Promise.all(Array.from({ length: 8 }, () => store.touch(s.id, at(1000), at(500))));
    expect(wins.filter(Boolean)).to.have.length(1);
    expect((await store.find(s.id))!.lastUsedAt).to.deep.equal(at(1000));
  });

  it('rotate: parallel rotations of one token, exactly one wins; the losers change nothing', async () => {
    const store = await make();
    const s = aSession('u1', { refreshDigest: 'd0' });
    await store.create(s);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.rotate(s.id, 'd0', `d1-${i}`, at(10), at(0))),
    );
    const winners = outcomes.filter((o) => o.kind === 'rotated');
    expect(winners).to.have.length(1);
    expect(outcomes.filter((o) => o.kind === 'refused')).to.have.length(5);
    const stored = (await store.find(s.id))!;
    expect(stored.revokedAt).to.equal(undefined);
    expect(stored.refreshGeneration).to.equal(1);
    expect(stored.retiredDigests).to.deep.equal(['d0']);
    expect(stored.refreshDigest).to.match(/^d1-\d$/);
    expect(stored.lastUsedAt).to.deep.equal(at(10));
  });

  it('rotate: a retired digest presented after the duplicate window revokes the session; unknown ones do not', async () => {
    const store = await make();
    const s = aSession('u1', { refreshDigest: 'd0' });
    await store.create(s);
    expect((await store.rotate(s.id, 'd0', 'd1', at(10), at(0))).kind).to.equal('rotated');
    expect((await store.rotate(s.id, 'd1', 'd2', at(20), at(10))).kind).to.equal('rotated');
    expect((await store.rotate(s.id, 'made-up', 'x', at(30), at(25))).kind).to.equal('refused');
    expect((await store.find(s.id))!.revokedAt).to.equal(undefined);
    // d0 is two rotations old: theft, whenever it comes back.
    const reused = await store.rotate(s.id, 'd0', 'x', at(31), at(0));
    expect(reused.kind).to.equal('reused');
    expect((await store.find(s.id))!.revokedAt).to.deep.equal(at(31));
    // Even the live one is refused now.
    expect((await store.rotate(s.id, 'd2', 'd3', at(32), at(0))).kind).to.equal('refused');
  });

  it('rotate: the last retired digest is a duplicate inside the window, a reuse after it', async () => {
    const store = await make();
    const s = aSession('u1', { refreshDigest: 'd0' });
    await store.create(s);
    await store.rotate(s.id, 'd0', 'd1', at(10), at(0));
    expect((await store.rotate(s.id, 'd0', 'x', at(12), at(5))).kind).to.equal('refused');
    expect((await store.find(s.id))!.revokedAt).to.equal(undefined);
    expect((await store.rotate(s.id, 'd0', 'x', at(30), at(20))).kind).to.equal('reused');
  });

  it(`rotate: keeps the newest ${RETIRED_DIGESTS_KEPT} retired digests; an older one is refused without revoking`, async () => {
    const store = await make();
    const old = Array.from({ length: RETIRED_DIGESTS_KEPT }, (_, i) => `old-${i}`);
    const s = aSession('u1', { refreshDigest: 'live-0', retiredDigests: old });
    await store.create(s);
    expect((await store.rotate(s.id, 'live-0', 'live-1', at(10), at(0))).kind).to.equal('rotated');
    expect((await store.rotate(s.id, 'live-1', 'live-2', at(20), at(10))).kind).to.equal('rotated');
    const stored = (await store.find(s.id))!;
    expect(stored.retiredDigests).to.have.length(RETIRED_DIGESTS_KEPT);
    expect(stored.retiredDigests.slice(-2)).to.deep.equal(['live-0', 'live-1']);
    expect(stored.retiredDigests[0]).to.equal('old-2');
    expect((await store.rotate(s.id, 'old-0', 'x', at(30), at(25))).kind).to.equal('refused');
    expect((await store.find(s.id))!.revokedAt).to.equal(undefined);
    expect((await store.rotate(s.id, 'old-2', 'x', at(31), at(25))).kind).to.equal('reused');
  });

  it('rotate: a session without a refresh token is never rotated', async () => {
    const store = await make();
    const s = aSession('u1');
    await store.create(s);
    expect((await store.rotate(s.id, 'anything', 'x', at(1), at(0))).kind).to.equal('refused');
    expect((await store.rotate(testId(), 'anything', 'x', at(1), at(0))).kind).to.equal('refused');
  });
}

describe('contract/identity SessionStore', () => {
  describe('memory', () => {
    contract(async () => new MemorySessionStore(new MemoryDatabase()));
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('session-store');
    contract(async () => {
      const store = new MongoSessionStore(mongo.connection());
      await mongo.reset();
      return store;
    });
  });
});
