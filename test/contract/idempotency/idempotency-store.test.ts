import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { IdempotencyStore, StoredResponse } from '../../../application/idempotency/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryIdempotencyStore } from '../../../adapters/persistence/memory/idempotency-store.js';
import { MongoIdempotencyStore } from '../../../adapters/persistence/mongo/idempotency-store.js';
import { RedisIdempotencyStore } from '../../../adapters/cache/redis-idempotency-store.js';
import { describeWith, serviceUrl } from '../../support/services.js';
import { useMongo } from '../../support/mongo.js';
import { readyClient } from '../cache/redis-support.js';
import { TEST_PII_MASTER_KEY, TEST_PII_MASTER_KEY_ID, testPiiCipher } from '../../support/pii.js';
import {
  EnvelopePiiCipher,
  LocalMasterKeyProvider,
  parseMasterKey,
} from '../../../adapters/security/pii-cipher.js';
import { MemoryPiiDataKeyStore } from '../../../adapters/persistence/memory/pii-data-keys.js';
import { SystemClock } from '../../../adapters/system/system.js';

const LEASE = 60_000;
const DAY = 24 * 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CREATED: StoredResponse = {
  statusCode: 201,
  body: '{"status":"success","data":{"order":{"_id":"abc"}}}',
  contentType: 'application/json; charset=utf-8',
};
const REFUSED: StoredResponse = {
  statusCode: 400,
  body: '{"status":"error","message":"Insufficient stock","code":"INSUFFICIENT_STOCK"}',
  contentType: 'application/json; charset=utf-8',
};

/** Written once, run against every adapter: they must be indistinguishable to it. */
function idempotencyStoreContract(make: () => Promise<IdempotencyStore>): void {
  let store: IdempotencyStore;
  beforeEach(async () => {
    store = await make();
  });
  const claim = (key: string, token: string, fingerprint = 'fp-1', leaseMs = LEASE) =>
    store.claim({ key, fingerprint, token, now: new Date(), leaseMs });

  it('the first claim wins; a second sees it in progress with its fingerprint', async () => {
    const key = randomUUID();
    expect(await claim(key, 't1')).to.deep.equal({ kind: 'claimed' });
    expect(await claim(key, 't2', 'fp-2')).to.deep.equal({ kind: 'in_progress', fingerprint: 'fp-1' });
    expect(await claim(key, 't3')).to.deep.equal({ kind: 'in_progress', fingerprint: 'fp-1' });
  });

  it('a completed key answers its stored response (2xx and 4xx alike), exactly', async () => {
    const a = randomUUID();
    const b = randomUUID();
    await claim(a, 'ta');
    await claim(b, 'tb', 'fp-b');
    await store.complete(a, 'ta', CREATED, new Date(), DAY);
    await store.complete(b, 'tb', REFUSED, new Date(), DAY);
    expect(await claim(a, 'tx')).to.deep.equal({ kind: 'completed', fingerprint: 'fp-1', response: CREATED });
    expect(await claim(b, 'ty', 'other')).to.deep.equal({
      kind: 'completed',
      fingerprint: 'fp-b',
      response: REFUSED,
    });
  });

  it('a response without a content type round-trips without one', async () => {
    const key = randomUUID();
    await claim(key, 't');
    await store.complete(key, 't', { statusCode: 200, body: 'ok' }, new Date(), DAY);
    expect(await claim(key, 'u')).to.deep.equal({
      kind: 'completed',
      fingerprint: 'fp-1',
      response: { statusCode: 200, body: 'ok' },
    });
  });

  it('keys are independent', async () => {
    const a = randomUUID();
    await claim(a, 't1');
    expect(await claim(randomUUID(), 't2')).to.deep.equal({ kind: 'claimed' });
    expect(await claim(`${a}x`, 't3')).to.deep.equal({ kind: 'claimed' });
  });

  it('release frees the key (a 5xx may be retried); only the holder can release or complete', async () => {
    const key = randomUUID();
    await claim(key, 'holder');
    await store.release(key, 'intruder');
    await store.complete(key, 'intruder', CREATED, new Date(), DAY);
    expect(await claim(key, 'x')).to.deep.equal({ kind: 'in_progress', fingerprint: 'fp-1' });
    await store.release(key, 'holder');
    expect(await claim(key, 'next', 'fp-2')).to.deep.equal({ kind: 'claimed' });
    expect(await claim(key, 'y')).to.deep.equal({ kind: 'in_progress', fingerprint: 'fp-2' });
  });

  it('release never drops a completed answer', async () => {
    const key = randomUUID();
    await claim(key, 'holder');
    await store.complete(key, 'holder', CREATED, new Date(), DAY);
    await store.release(key, 'holder');
    expect((await claim(key, 'again')).kind).to.equal('completed');
  });

  it('an abandoned claim (lease over) frees the key; the late holder can no longer complete it', async () => {
    const key = randomUUID();
    expect(await claim(key, 'dead', 'fp-1', 80)).to.deep.equal({ kind: 'claimed' });
    await sleep(150);
    expect(await claim(key, 'alive', 'fp-1')).to.deep.equal({ kind: 'claimed' });
    await store.complete(key, 'dead', REFUSED, new Date(), DAY);
    expect(await claim(key, 'x')).to.deep.equal({ kind: 'in_progress', fingerprint: 'fp-1' });
    await store.complete(key, 'alive', CREATED, new Date(), DAY);
    expect(await claim(key, 'y')).to.deep.equal({
      kind: 'completed',
      fingerprint: 'fp-1',
      response: CREATED,
    });
  });

  it('an answer is kept for its retention, then the key is usable again', async () => {
    const key = randomUUID();
    await claim(key, 't');
    await store.complete(key, 't', CREATED, new Date(), 100);
    expect((await claim(key, 'u')).kind).to.equal('completed');
    await sleep(180);
    expect(await claim(key, 'v', 'fp-new')).to.deep.equal({ kind: 'claimed' });
  });

  it('20 concurrent claims of one key: exactly one wins', async () => {
    const key = randomUUID();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(key, `t${i}`)));
    expect(outcomes.filter((o) => o.kind === 'claimed')).to.have.length(1);
    expect(outcomes.filter((o) => o.kind === 'in_progress')).to.have.length(19);
  });

  it('20 concurrent takers of an abandoned claim: exactly one wins', async () => {
    const key = randomUUID();
    await claim(key, 'dead', 'fp-1', 50);
    await sleep(120);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(key, `t${i}`)));
    expect(outcomes.filter((o) => o.kind === 'claimed')).to.have.length(1);
  });
}

describe('contract: IdempotencyStore (memory)', () => {
  idempotencyStoreContract(async () => new MemoryIdempotencyStore(new MemoryDatabase()));
});

describeWith(['mongo'], 'contract: IdempotencyStore (mongo)', function () {
  this.timeout(30_000);
  const mongo = useMongo('idempotency');
  before(async () => {
    new MongoIdempotencyStore(mongo.connection(), testPiiCipher(mongo.connection())); // registers its model (and its TTL index)
    await mongo.reset();
  });
  idempotencyStoreContract(
    async () => new MongoIdempotencyStore(mongo.connection(), testPiiCipher(mongo.connection())),
  );

  it('keeps records in idempotency_keys with a TTL index on expiresAt declared', async () => {
    const store = new MongoIdempotencyStore(mongo.connection(), testPiiCipher(mongo.connection()));
    const key = randomUUID();
    await store.claim({ key, fingerprint: 'f', token: 't', now: new Date(), leaseMs: LEASE });
    const doc = await mongo
      .connection()
      .db!.collection('idempotency_keys')
      .findOne({ _id: key as never });
    expect(doc).to.include({ fingerprint: 'f', token: 't', state: 'in_progress' });
    const declared = mongo.connection().models.IdempotencyKey!.schema.indexes();
    expect(declared).to.deep.include([
      { expiresAt: 1 },
      { name: 'idempotency_keys_ttl', expireAfterSeconds: 0 },
    ]);
  });
});

describeWith(['redis'], 'contract: IdempotencyStore (redis)', function () {
  this.timeout(30_000);
  let client: Redis;
  const prefix = `af:test-idem-${randomUUID().slice(0, 8)}:`;
  before(async () => {
    client = await readyClient(serviceUrl('redis'));
  });
  after(async () => {
    if (!client) return;
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });
  idempotencyStoreContract(async () => new RedisIdempotencyStore(client, prefix));

  describe('with a PII cipher (MongoDB holds the data keys)', () => {
    const cipher = () =>
      new EnvelopePiiCipher(
        new LocalMasterKeyProvider(parseMasterKey(TEST_PII_MASTER_KEY), TEST_PII_MASTER_KEY_ID),
        new MemoryPiiDataKeyStore(new MemoryDatabase()),
        new SystemClock(),
      );
    const shared = cipher();
    idempotencyStoreContract(async () => new RedisIdempotencyStore(client, prefix, shared));

    it('stores the answer body sealed and answers it plain; a body stored plain before still replays', async () => {
      const store = new RedisIdempotencyStore(client, prefix, shared);
      const key = randomUUID();
      await store.claim({ key, fingerprint: 'f', token: 't', now: new Date(), leaseMs: LEASE });
      await store.complete(key, 't', CREATED, new Date(), DAY);
      const raw = (await client.get(`${prefix}idem:${key}`))!;
      expect(raw).not.to.contain('abc');
      expect(shared.isSealed((JSON.parse(raw) as { response: StoredResponse }).response.body)).to.equal(true);
      const replay = await store.claim({
        key,
        fingerprint: 'f',
        token: 't2',
        now: new Date(),
        leaseMs: LEASE,
      });
      expect(replay).to.deep.equal({ kind: 'completed', fingerprint: 'f', response: CREATED });

      const plainKey = randomUUID();
      const plain = new RedisIdempotencyStore(client, prefix);
      await plain.claim({ key: plainKey, fingerprint: 'f', token: 't', now: new Date(), leaseMs: LEASE });
      await plain.complete(plainKey, 't', CREATED, new Date(), DAY);
      expect(await client.get(`${prefix}idem:${plainKey}`)).to.contain('abc');
      const old = await store.claim({
        key: plainKey,
        fingerprint: 'f',
        token: 't2',
        now: new Date(),
        leaseMs: LEASE,
      });
      expect(old).to.deep.equal({ kind: 'completed', fingerprint: 'f', response: CREATED });
    });
  });

  it('keys expire on Redis with their lease', async () => {
    const store = new RedisIdempotencyStore(client, prefix);
    const key = randomUUID();
    await store.claim({ key, fingerprint: 'f', token: 't', now: new Date(), leaseMs: LEASE });
    const ttl = await client.pttl(`${prefix}idem:${key}`);
    expect(ttl).to.be.within(LEASE - 5000, LEASE);
  });
});
