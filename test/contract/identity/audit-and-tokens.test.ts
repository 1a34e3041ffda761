import { expect } from 'chai';
import type {
  AuditEntry,
  AuditLog,
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

interface Subject {
  audit: AuditLog;
  revocations: TokenRevocationStore;
  resets: PasswordResetStore;
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
    it('lists newest first, paged, with the total, round-tripping every field', async () => {
      const { audit } = await make();
      const entries = Array.from({ length: 7 }, (_, i) => entry(i + 1));
      for (const e of entries) await audit.record(e);
      const newestFirst = [...entries].reverse();
      const first = await audit.list(1, 3);
      expect(first.total).to.equal(7);
      expect(first.items).to.deep.equal(newestFirst.slice(0, 3));
      expect((await audit.list(2, 3)).items).to.deep.equal(newestFirst.slice(3, 6));
      expect((await audit.list(3, 3)).items).to.deep.equal(newestFirst.slice(6));
      expect(await audit.list(4, 3)).to.deep.equal({ items: [], total: 7 });
    });

    it('an empty log answers no items and total 0', async () => {
      const { audit } = await make();
      expect(await audit.list(1, 10)).to.deep.equal({ items: [], total: 0 });
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
        revocations: new MongoTokenRevocationStore(c),
        resets: new MongoPasswordResetStore(c),
      };
      await mongo.reset();
      return subject;
    });
  });
});
