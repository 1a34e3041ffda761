import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { LoginThrottle, TokenRevocationStore } from '../../../application/identity/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryTokenRevocationStore } from '../../../adapters/persistence/memory/identity-tokens.js';
import { MemoryLoginThrottle } from '../../../adapters/persistence/memory/identity-login-throttle.js';
import { RedisTokenRevocationStore } from '../../../adapters/cache/redis-token-revocation-store.js';
import { RedisLoginThrottle } from '../../../adapters/cache/redis-login-throttle.js';
import { describeWith, serviceUrl } from '../../support/services.js';
import type { ThrottlePolicy } from '../../../domain/identity/login-throttle.js';
import { readyClient, reconnect, silentLogger } from './redis-support.js';
import { revocationGraceContract } from '../identity/revocation-grace.js';

const POLICY = { maxFailures: 3, windowMs: 60_000 };
const EXP_POLICY = { maxFailures: 2, windowMs: 60_000, lockMs: 10_000, maxLockMs: 40_000 };

function revocationContract(make: () => Promise<TokenRevocationStore>): void {
  let store: TokenRevocationStore;
  beforeEach(async () => {
    store = await make();
  });
  const now = () => new Date();

  it('a token never revoked is not revoked', async () => {
    expect(await store.isRevoked(randomUUID(), now())).to.equal(false);
  });

  it('a revoked token is revoked until `until`, then no longer', async () => {
    const t = Date.now();
    await store.revoke('tok-1', new Date(t + 60_000));
    expect(await store.isRevoked('tok-1', new Date(t))).to.equal(true);
    expect(await store.isRevoked('tok-1', new Date(t + 59_999))).to.equal(true);
    expect(await store.isRevoked('tok-1', new Date(t + 60_000))).to.equal(false);
    expect(await store.isRevoked('tok-2', new Date(t))).to.equal(false);
  });

  it('revoking twice keeps the later expiry', async () => {
    const t = Date.now();
    await store.revoke('tok-3', new Date(t + 1000));
    await store.revoke('tok-3', new Date(t + 5000));
    expect(await store.isRevoked('tok-3', new Date(t + 3000))).to.equal(true);
  });

  describe('logout grace for safe reads', () => revocationGraceContract(make, () => Date.now()));
}

function throttleContract(makeWith: (policy: ThrottlePolicy) => Promise<LoginThrottle>): void {
  let throttle: LoginThrottle;
  beforeEach(async () => {
    throttle = await makeWith(POLICY);
  });
  const t0 = Date.now();
  const at = (ms: number) => new Date(t0 + ms);

  it('allows maxFailures attempts in a window; the last one locks the key for lockMs', async () => {
    for (let i = 0; i < POLICY.maxFailures; i += 1) {
      expect(await throttle.attempt('k', at(i))).to.deep.equal({ allowed: true });
    }
    const until = at(POLICY.maxFailures - 1 + POLICY.windowMs);
    expect(await throttle.attempt('k', at(10))).to.deep.equal({ allowed: false, retryAt: until });
    expect(await throttle.attempt('k', at(until.getTime() - t0 - 1))).to.deep.equal({
      allowed: false,
      retryAt: until,
    });
    expect(await throttle.attempt('k', until)).to.deep.equal({ allowed: true });
  });

  it('each further lock doubles (exponential backoff), up to maxLockMs; a success starts over', async () => {
    const failTwice = async (ms: number) => {
      expect(await exp.attempt('e', at(ms))).to.deep.equal({ allowed: true });
      expect(await exp.attempt('e', at(ms + 1))).to.deep.equal({ allowed: true });
      return (await exp.attempt('e', at(ms + 2))) as { allowed: false; retryAt: Date };
    };
    const exp = await makeWith(EXP_POLICY);
    expect((await failTwice(0)).retryAt).to.deep.equal(at(1 + 10_000));
    expect((await failTwice(10_001)).retryAt).to.deep.equal(at(10_002 + 20_000));
    expect((await failTwice(30_002)).retryAt).to.deep.equal(at(30_003 + 40_000));
    expect((await failTwice(70_003)).retryAt).to.deep.equal(at(70_004 + 40_000)); // capped
    await exp.reset('e');
    expect((await failTwice(110_004)).retryAt).to.deep.equal(at(110_005 + 10_000));
  });

  it('keys are independent', async () => {
    for (let i = 0; i < POLICY.maxFailures; i += 1) await throttle.attempt('a', at(i));
    expect((await throttle.attempt('a', at(5))).allowed).to.equal(false);
    expect((await throttle.attempt('b', at(5))).allowed).to.equal(true);
  });

  it('reset forgets the failures', async () => {
    for (let i = 0; i < POLICY.maxFailures; i += 1) await throttle.attempt('r', at(i));
    await throttle.reset('r');
    expect(await throttle.attempt('r', at(10))).to.deep.equal({ allowed: true });
  });

  it('parallel attempts never let more than maxFailures through', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => throttle.attempt('p', at(1))));
    expect(results.filter((r) => r.allowed)).to.have.length(POLICY.maxFailures);
  });
}

/**
 * LoginUser runs two throttles on one store: per email + IP (`email|ip`) and per account
 * (`email|*`) with a larger maximum. Each applies its own policy; keys never mix.
 */
function twoPoliciesContract(make: (policy: typeof POLICY) => Promise<LoginThrottle>): void {
  it('two throttles on one store: each its own maximum, keys kept apart', async () => {
    const perIp = await make(POLICY);
    const perAccount = await make({ ...POLICY, maxFailures: 5 });
    const now = new Date();
    const allowed = async (t: LoginThrottle, key: string, n: number) => {
      let count = 0;
      for (let i = 0; i < n; i += 1) if ((await t.attempt(key, now)).allowed) count += 1;
      return count;
    };
    expect(await allowed(perIp, 'rose@x.co|1.1.1.1', 10)).to.equal(POLICY.maxFailures);
    expect(await allowed(perAccount, 'rose@x.co|*', 10)).to.equal(5);
    expect((await perIp.attempt('rose@x.co|2.2.2.2', now)).allowed).to.equal(true);
    await perAccount.reset('rose@x.co|*');
    expect((await perIp.attempt('rose@x.co|1.1.1.1', now)).allowed).to.equal(false);
    expect((await perAccount.attempt('rose@x.co|*', now)).allowed).to.equal(true);
  });
}

describe('contract: TokenRevocationStore and LoginThrottle (memory)', () => {
  describe('revocation', () =>
    revocationContract(async () => new MemoryTokenRevocationStore(new MemoryDatabase())));
  describe('throttle', () =>
    throttleContract(async (policy) => new MemoryLoginThrottle(new MemoryDatabase(), policy)));
  describe('two throttles', () => {
    const db = new MemoryDatabase();
    twoPoliciesContract(async (policy) => new MemoryLoginThrottle(db, policy));
  });
});

describeWith(['redis'], 'contract: TokenRevocationStore and LoginThrottle (redis)', () => {
  let redis: Redis;
  let other: Redis;
  before(async () => {
    redis = await readyClient(serviceUrl('redis'));
    other = await readyClient(serviceUrl('redis'));
  });
  after(() => {
    redis?.disconnect();
    other?.disconnect();
  });
  const prefix = () => `af:test-${randomUUID()}:`;

  describe('revocation', () =>
    revocationContract(async () => new RedisTokenRevocationStore(redis, prefix(), silentLogger)));
  describe('throttle', () =>
    throttleContract(async (policy) => new RedisLoginThrottle(redis, prefix(), policy, silentLogger)));
  describe('two throttles', () => {
    const p = prefix();
    twoPoliciesContract(async (policy) => new RedisLoginThrottle(redis, p, policy, silentLogger));
  });

  it('a revocation on one instance is honoured by another on the same Redis', async () => {
    const p = prefix();
    const a = new RedisTokenRevocationStore(redis, p, silentLogger);
    const b = new RedisTokenRevocationStore(other, p, silentLogger);
    expect(await b.isRevoked('shared', new Date())).to.equal(false);
    await a.revoke('shared', new Date(Date.now() + 60_000));
    expect(await b.isRevoked('shared', new Date())).to.equal(true);
  });

  it('a logout grace set on one instance holds on another, and cannot be extended from either', async () => {
    const p = prefix();
    const a = new RedisTokenRevocationStore(redis, p, silentLogger);
    const b = new RedisTokenRevocationStore(other, p, silentLogger);
    const t = Date.now();
    await a.revoke('graced', new Date(t + 60_000), new Date(t + 5000));
    expect(await b.isRevoked('graced', new Date(t), true)).to.equal(false);
    expect(await b.isRevoked('graced', new Date(t), false)).to.equal(true);
    await b.revoke('graced', new Date(t + 60_000), new Date(t + 30_000));
    expect(await a.isRevoked('graced', new Date(t + 6000), true)).to.equal(true);
    // A fresh instance that knows nothing locally reads the same from Redis.
    const c = new RedisTokenRevocationStore(other, p, silentLogger);
    expect(await c.isRevoked('graced', new Date(t + 6000), true)).to.equal(true);
    expect(await c.isRevoked('graced', new Date(t + 1000), true)).to.equal(false);
  });

  it('failed logins are counted across instances', async () => {
    const p = prefix();
    const a = new RedisLoginThrottle(redis, p, POLICY, silentLogger);
    const b = new RedisLoginThrottle(other, p, POLICY, silentLogger);
    const now = new Date();
    await a.attempt('x', now);
    await b.attempt('x', now);
    await a.attempt('x', now);
    expect((await b.attempt('x', now)).allowed).to.equal(false);
  });

  it('Redis away: revocations made here are still honoured, others fail open, and reach Redis on return', async () => {
    const p = prefix();
    const lost = await readyClient(serviceUrl('redis'));
    try {
      const a = new RedisTokenRevocationStore(lost, p, silentLogger);
      const b = new RedisTokenRevocationStore(other, p, silentLogger);
      const until = new Date(Date.now() + 60_000);
      await b.revoke('seen-before', until);
      expect(await a.isRevoked('seen-before', new Date())).to.equal(true); // seen, and remembered
      await b.revoke('unseen', until);
      lost.disconnect();
      expect(await a.isRevoked('seen-before', new Date())).to.equal(true);
      expect(await a.isRevoked('unseen', new Date())).to.equal(false); // fail-open, documented
      await a.revoke('during-outage', until);
      expect(await a.isRevoked('during-outage', new Date())).to.equal(true);
      expect(await b.isRevoked('during-outage', new Date())).to.equal(false);
      await reconnect(lost);
      expect(await a.isRevoked('unseen', new Date())).to.equal(true); // flushes, then asks Redis
      expect(await b.isRevoked('during-outage', new Date())).to.equal(true);
    } finally {
      lost.disconnect();
    }
  });

  it('Redis away with a durable store: checks go to the durable store (nothing fails open)', async () => {
    const p = prefix();
    const lost = await readyClient(serviceUrl('redis'));
    try {
      const durable = new MemoryTokenRevocationStore(new MemoryDatabase());
      const a = new RedisTokenRevocationStore(lost, p, silentLogger, durable);
      const b = new RedisTokenRevocationStore(other, p, silentLogger, durable);
      await b.revoke('elsewhere', new Date(Date.now() + 60_000));
      lost.disconnect();
      expect(await a.isRevoked('elsewhere', new Date())).to.equal(true);
      expect(await a.isRevoked('never', new Date())).to.equal(false);
    } finally {
      lost.disconnect();
    }
  });

  it('Redis away: the login throttle keeps braking in this instance', async () => {
    const lost = await readyClient(serviceUrl('redis'));
    const t = new RedisLoginThrottle(lost, prefix(), POLICY, silentLogger);
    lost.disconnect();
    const now = new Date();
    for (let i = 0; i < POLICY.maxFailures; i += 1)
      expect((await t.attempt('o', now)).allowed).to.equal(true);
    expect((await t.attempt('o', now)).allowed).to.equal(false);
  });
});
