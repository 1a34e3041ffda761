import { expect } from 'chai';
import type { Connection } from 'mongoose';
import {
  AUDIT_GENESIS_HASH,
  auditEntryHash,
  VerifyAuditChain,
} from '../../../application/identity/audit-chain.js';
import { Sha256Digest } from '../../../adapters/security/sha256-digest.js';
import type {
  AuditEntry,
  AuditFilter,
  AuditLog,
  ChainedAuditEntry,
  PasswordResetStore,
  TokenRevocationStore,
} from '../../../application/identity/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryAuditLog } from '../../../adapters/persistence/memory/identity-audit-log.js';
import {
  MemoryPasswordResetStore,
  MemoryTokenRevocationStore,
} from '../../../adapters/persistence/memory/identity-tokens.js';
import { MongoAuditLog } from '../../../adapters/persistence/mongo/identity-audit-log.js';
import {
  MongoPasswordResetStore,
  MongoTokenRevocationStore,
} from '../../../adapters/persistence/mongo/identity-tokens.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { revocationGraceContract } from './revocation-grace.js';

/** Raw changes to the stored audit entries, below the port (which offers no update or delete). */
interface Tamper {
  set(seq: number, patch: Record<string, unknown>): Promise<void>;
  remove(seq: number): Promise<void>;
  /** Stores a copy of the entry with another id under the same seq. */
  duplicate(seq: number): Promise<void>;
  /** Swaps two entries' seq. */
  swap(a: number, b: number): Promise<void>;
}

interface Subject {
  audit: AuditLog;
  /** A second store object on the same storage (another instance). */
  second: AuditLog;
  tamper: Tamper;
  revocations: TokenRevocationStore;
  resets: PasswordResetStore;
}

const verify = (audit: AuditLog, batchSize = 3) =>
  new VerifyAuditChain(audit, new Sha256Digest()).execute({ batchSize });

function memoryTamper(db: MemoryDatabase): Tamper {
  const raw = db.collection<ChainedAuditEntry>('audit_log');
  const keyOf = (seq: number) => [...raw.entries()].find(([, e]) => e.seq === seq)![0];
  return {
    set: async (seq, patch) => void raw.set(keyOf(seq), { ...raw.get(keyOf(seq))!, ...patch }),
    remove: async (seq) => void raw.delete(keyOf(seq)),
    duplicate: async (seq) => void raw.set(`copy:${seq}`, { ...raw.get(keyOf(seq))!, id: testId() }),
    swap: async (a, b) => {
      const [ka, kb] = [keyOf(a), keyOf(b)];
      const [ea, eb] = [raw.get(ka)!, raw.get(kb)!];
      raw.set(ka, { ...ea, seq: b });
      raw.set(kb, { ...eb, seq: a });
    },
  };
}

function mongoTamper(c: Connection): Tamper {
  const raw = () => c.db!.collection<Record<string, unknown>>('audit_log');
  return {
    set: async (seq, patch) => void (await raw().updateOne({ seq }, { $set: patch })),
    remove: async (seq) => void (await raw().deleteOne({ seq })),
    duplicate: async (seq) => {
      const doc = (await raw().findOne({ seq }))!;
      await raw().insertOne({ ...doc, _id: `copy:${seq}` as never, entryId: testId() });
    },
    swap: async (a, b) => {
      const [da, db] = [(await raw().findOne({ seq: a }))!, (await raw().findOne({ seq: b }))!];
      await raw().updateOne({ _id: da._id as never }, { $set: { seq: b } });
      await raw().updateOne({ _id: db._id as never }, { $set: { seq: a } });
    },
  };
}

const at = (ms: number) => new Date(FIXED_NOW.getTime() + ms);

function entry(n: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: `a0${n.toString(16).padStart(22, '0')}`,
    userId: n % 2 ? testId() : null,
    action: 'update',
    resource: 'product',
    ...(n % 3 === 0 ? { resourceId: testId() } : {}),
    success: n % 4 !== 0,
    ip: '127.0.0.1',
    userAgent: 'mocha',
    details: { endpoint: `/api/admin/products/${n}`, method: 'PUT', statusCode: 200, extra: { n } },
    errorMessage: n % 4 === 0 ? 'failed' : null,
    timestamp: at(n * 1000),
    ...overrides,
  };
}

function contract(make: () => Promise<Subject>): void {
  describe('AuditLog', () => {
    it('lists newest first, paged, with the total, round-tripping every field with its place in the chain', async () => {
      const { audit } = await make();
      const entries = Array.from({ length: 7 }, (_, i) => entry(i + 1));
      const stored: ChainedAuditEntry[] = [];
      for (const e of entries) stored.push(await audit.record(e));
      expect(stored.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
      expect(stored[0]!.prevHash).to.equal(AUDIT_GENESIS_HASH);
      for (let i = 1; i < stored.length; i += 1) expect(stored[i]!.prevHash).to.equal(stored[i - 1]!.hash);
      stored.forEach((s, i) => expect(s).to.deep.include(entries[i]!));
      const newestFirst = [...stored].reverse();
      const first = await audit.list(1, 3);
      expect(first.total).to.equal(7);
      expect(first.items).to.deep.equal(newestFirst.slice(0, 3));
      expect((await audit.list(2, 3)).items).to.deep.equal(newestFirst.slice(3, 6));
      expect((await audit.list(3, 3)).items).to.deep.equal(newestFirst.slice(6));
      expect(await audit.list(4, 3)).to.deep.equal({ items: [], total: 7 });
      expect(await audit.chain(0, 100)).to.deep.equal(stored);
      expect(await audit.chain(5, 1)).to.deep.equal([stored[5]]);
      expect(await audit.chainSize()).to.equal(7);
    });

    it('an empty log answers no items and total 0', async () => {
      const { audit } = await make();
      expect(await audit.list(1, 10)).to.deep.equal({ items: [], total: 0 });
      expect(await verify(audit)).to.deep.equal({ checked: 0, total: 0 });
    });

    it('parallel appends keep ONE chain: seq 1..n without gap or repeat, each linked to the one before', async () => {
      const { audit, second } = await make();
      // two store objects on one storage: two instances of the API
      const n = 24;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => (i % 2 ? second : audit).record(entry(i + 1))),
      );
      expect(results.map((r) => r.seq).sort((a, b) => a - b)).to.deep.equal(
        Array.from({ length: n }, (_, i) => i + 1),
      );
      const chain = await audit.chain(0, 1000);
      expect(chain).to.have.length(n);
      expect(new Set(chain.map((e) => e.id)).size).to.equal(n);
      expect(await verify(audit)).to.deep.equal({ checked: n, total: n });
    });

    it('filters (user, API key, action, resource and id, success, time range) combine, newest first, paged with the total', async () => {
      const { audit } = await make();
      const keyed = { role: 'admin', apiKeyId: 'key-1', apiKeyName: 'erp' };
      await audit.record(entry(1, { userId: 'u1', resourceId: 'p1', success: true, actor: keyed }));
      await audit.record(entry(2, { userId: 'u1', resourceId: 'p2', success: false, action: 'delete' }));
      await audit.record(entry(3, { userId: 'u2', resourceId: 'p1', success: true, resource: 'order' }));
      await audit.record(entry(4, { userId: 'u1', resourceId: 'p1', success: true, actor: keyed }));
      const ids = async (f: AuditFilter, page = 1, limit = 10) => {
        const r = await audit.search(f, page, limit);
        return { ids: r.items.map((e) => e.id), total: r.total };
      };
      const id = (n: number) => entry(n).id;
      expect(await ids({ userId: 'u1' })).to.deep.equal({ ids: [id(4), id(2), id(1)], total: 3 });
      expect(await ids({ apiKeyId: 'key-1' })).to.deep.equal({ ids: [id(4), id(1)], total: 2 });
      expect(await ids({ action: 'delete' })).to.deep.equal({ ids: [id(2)], total: 1 });
      expect(await ids({ resource: 'order', resourceId: 'p1' })).to.deep.equal({ ids: [id(3)], total: 1 });
      expect(await ids({ resourceId: 'p1', success: true })).to.deep.equal({
        ids: [id(4), id(3), id(1)],
        total: 3,
      });
      expect(await ids({ success: false })).to.deep.equal({ ids: [id(2)], total: 1 });
      expect(await ids({ from: at(2000), to: at(3000) })).to.deep.equal({ ids: [id(3), id(2)], total: 2 });
      expect(await ids({ userId: 'u1' }, 2, 2)).to.deep.equal({ ids: [id(1)], total: 3 });
    });

    it('searchAfter walks by cursor in search order (one timestamp for all), stable while entries are recorded', async () => {
      const { audit } = await make();
      // Eleven of u1's at one instant (only seq orders them), three of someone else's between.
      for (let n = 1; n <= 14; n += 1) {
        await audit.record(entry(n, { userId: n % 4 === 0 ? 'u2' : 'u1', timestamp: at(0) }));
      }
      const listed = (await audit.search({ userId: 'u1' }, 1, 100)).items.map((e) => e.id);
      expect(listed).to.have.length(11);
      const walked: string[] = [];
      let page = await audit.searchAfter({ userId: 'u1' }, { after: null, limit: 4 });
      expect(page.total).to.equal(11);
      walked.push(...page.items.map((e) => e.id));
      // Recorded after the walk began: newest, before the position, so later pages do not shift.
      await audit.record(entry(20, { userId: 'u1', timestamp: at(0) }));
      while (page.next !== null) {
        page = await audit.searchAfter({ userId: 'u1' }, { after: page.next, limit: 4 });
        walked.push(...page.items.map((e) => e.id));
      }
      expect(walked).to.deep.equal(listed);
      const all = await audit.searchAfter({}, { after: null, limit: 50 });
      expect(all.items.map((e) => e.id)).to.deep.equal(
        (await audit.search({}, 1, 50)).items.map((e) => e.id),
      );
      expect([all.items.length, all.next]).to.deep.equal([15, null]);
    });

    describe('verification finds the first broken link of a tampered chain', () => {
      async function chainOf(n: number) {
        const subject = await make();
        for (let i = 1; i <= n; i += 1)
          await subject.audit.record(entry(i, { before: { price: i }, after: { price: i + 1 } }));
        expect(await verify(subject.audit)).to.deep.equal({ checked: n, total: n });
        return subject;
      }

      it('an entry modified (any field, even inside after)', async () => {
        const { audit, tamper } = await chainOf(6);
        await tamper.set(4, { after: { price: 1 } });
        expect((await verify(audit)).broken).to.deep.include({ seq: 4, reason: 'modified' });
      });

      it('an entry whose hash was recomputed is caught by the next link', async () => {
        const { audit, tamper } = await chainOf(6);
        const [third] = await audit.chain(2, 1);
        const forged = { ...third!, success: false };
        await tamper.set(3, {
          success: false,
          hash: auditEntryHash(forged, 3, third!.prevHash, new Sha256Digest()),
        });
        expect((await verify(audit)).broken).to.deep.include({ seq: 4, reason: 'relinked' });
      });

      it('an entry deleted', async () => {
        const { audit, tamper } = await chainOf(6);
        await tamper.remove(2);
        expect((await verify(audit, 2)).broken).to.deep.include({ seq: 2, reason: 'missing' });
      });

      it('an entry inserted (a copy under a seq already taken)', async () => {
        const { audit, tamper } = await chainOf(6);
        await tamper.duplicate(5);
        expect((await verify(audit)).broken).to.deep.include({ reason: 'out-of-order' });
        expect((await verify(audit, 5)).broken).to.not.equal(undefined);
      });

      it('two entries reordered (their seq swapped)', async () => {
        const { audit, tamper } = await chainOf(6);
        await tamper.swap(2, 3);
        const broken = (await verify(audit)).broken;
        expect(broken?.seq).to.equal(2);
      });
    });
  });

  describe('TokenRevocationStore', () => {
    it('a revoked token is revoked until its expiry, then no longer; others never were', async () => {
      const { revocations } = await make();
      await revocations.revoke('hash-1', at(60_000));
      expect(await revocations.isRevoked('hash-1', at(0))).to.equal(true);
      expect(await revocations.isRevoked('hash-1', at(59_999))).to.equal(true);
      expect(await revocations.isRevoked('hash-1', at(60_000))).to.equal(false);
      expect(await revocations.isRevoked('hash-2', at(0))).to.equal(false);
    });

    it('revoking twice (even concurrently) keeps it revoked, with the last expiry', async () => {
      const { revocations } = await make();
      await Promise.all(Array.from({ length: 4 }, () => revocations.revoke('hash-3', at(1000))));
      await revocations.revoke('hash-3', at(5000));
      expect(await revocations.isRevoked('hash-3', at(4000))).to.equal(true);
    });

    describe('logout grace for safe reads', () =>
      revocationGraceContract(
        async () => (await make()).revocations,
        () => FIXED_NOW.getTime(),
      ));
  });

  describe('PasswordResetStore', () => {
    it('consume answers the user once, before expiry only, and removes the token either way', async () => {
      const { resets } = await make();
      await resets.save('t1', 'user-1', at(1000));
      expect(await resets.consume('t1', at(999))).to.equal('user-1');
      expect(await resets.consume('t1', at(0))).to.equal(null);
      await resets.save('t2', 'user-2', at(1000));
      expect(await resets.consume('t2', at(1000))).to.equal(null);
      expect(await resets.consume('t2', at(0))).to.equal(null);
      expect(await resets.consume('unknown', at(0))).to.equal(null);
    });

    it('a new token replaces the user’s previous one; other users keep theirs', async () => {
      const { resets } = await make();
      await resets.save('old', 'user-1', at(1000));
      await resets.save('other', 'user-2', at(1000));
      await resets.save('new', 'user-1', at(2000));
      expect(await resets.consume('old', at(0))).to.equal(null);
      expect(await resets.consume('new', at(0))).to.equal('user-1');
      expect(await resets.consume('other', at(0))).to.equal('user-2');
    });

    it('concurrent consumers of one token: exactly one gets the user', async () => {
      const { resets } = await make();
      await resets.save('race', 'user-9', at(1000));
      const results = await Promise.all(Array.from({ length: 6 }, () => resets.consume('race', at(0))));
      expect(results.filter((r) => r === 'user-9')).to.have.length(1);
      expect(results.filter((r) => r === null)).to.have.length(5);
    });
  });
}

describe('contract/identity AuditLog, TokenRevocationStore, PasswordResetStore', () => {
  describe('memory', () => {
    contract(async () => {
      const db = new MemoryDatabase();
      return {
        audit: new MemoryAuditLog(db),
        second: new MemoryAuditLog(db),
        tamper: memoryTamper(db),
        revocations: new MemoryTokenRevocationStore(db),
        resets: new MemoryPasswordResetStore(db),
      };
    });
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('tokens');
    contract(async () => {
      const c = mongo.connection();
      const subject = {
        audit: new MongoAuditLog(c),
        second: new MongoAuditLog(c),
        tamper: mongoTamper(c),
        revocations: new MongoTokenRevocationStore(c),
        resets: new MongoPasswordResetStore(c),
      };
      await mongo.reset();
      return subject;
    });

    it('searchAfter walks entries written before the chain (no seq) after the chained ones, as search lists them', async () => {
      await mongo.reset();
      const c = mongo.connection();
      const audit = new MongoAuditLog(c);
      const legacy = Array.from({ length: 7 }, (_, i) => {
        const { id, ...rest } = entry(i + 1, { timestamp: at(i < 5 ? 0 : 1000) });
        return { ...rest, _id: id };
      });
      await c.db!.collection<Record<string, unknown>>('audit_log').insertMany(legacy as never[]);
      for (let n = 10; n < 15; n += 1) await audit.record(entry(n, { timestamp: at(0) }));
      const listed = (await audit.search({}, 1, 100)).items.map((e) => e.id);
      expect(listed).to.have.length(12);
      expect(listed.slice(5)).to.have.members(legacy.map((d) => d._id));
      for (const limit of [1, 3, 5]) {
        const walked: string[] = [];
        let page = await audit.searchAfter({}, { after: null, limit });
        walked.push(...page.items.map((e) => e.id));
        while (page.next !== null) {
          page = await audit.searchAfter({}, { after: page.next, limit });
          walked.push(...page.items.map((e) => e.id));
        }
        expect(walked).to.deep.equal(listed);
      }
    });
  });
});
