import { expect } from 'chai';
import type { ApiKeyStore } from '../../../application/identity/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryApiKeyStore } from '../../../adapters/persistence/memory/identity-api-keys.js';
import { MongoApiKeyStore } from '../../../adapters/persistence/mongo/identity-api-keys.js';
import type { ApiKey } from '../../../domain/identity/api-key.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

const at = (ms: number) => new Date(FIXED_NOW.getTime() + ms);
let n = 0;
function aKey(overrides: Partial<ApiKey> = {}): ApiKey {
  n += 1;
  return {
    id: testId(),
    name: `key ${n}`,
    prefix: `${n.toString(16).padStart(12, '0')}`,
    secretHash: 'ab'.repeat(32),
    scopes: ['catalog:read'],
    createdBy: 'admin-1',
    createdAt: at(n),
    ...overrides,
  };
}

function apiKeyContract(make: () => Promise<ApiKeyStore>): void {
  it('stores a key and finds it by prefix and id, every field as given; prefixes are unique', async () => {
    const store = await make();
    const key = aKey({ expiresAt: at(1e9), scopes: ['orders:read', 'inventory:write'] });
    await store.create(key);
    expect(await store.findByPrefix(key.prefix)).to.deep.equal(key);
    expect(await store.findById(key.id)).to.deep.equal(key);
    expect(await store.findByPrefix('ffffffffffff')).to.equal(null);
    let failed = false;
    await store.create(aKey({ prefix: key.prefix })).catch(() => (failed = true));
    expect(failed).to.equal(true);
  });

  it('lists newest first, at most the limit', async () => {
    const store = await make();
    const a = aKey({ createdAt: at(1) });
    const b = aKey({ createdAt: at(3) });
    const c = aKey({ createdAt: at(2) });
    for (const k of [a, b, c]) await store.create(k);
    expect((await store.list(10)).map((k) => k.id)).to.deep.equal([b.id, c.id, a.id]);
    expect(await store.list(2)).to.have.length(2);
  });

  it('revokes once: the first revocation time stands; unknown ids answer null', async () => {
    const store = await make();
    const key = aKey();
    await store.create(key);
    expect((await store.revoke(key.id, at(10)))!.revokedAt!.getTime()).to.equal(at(10).getTime());
    expect((await store.revoke(key.id, at(20)))!.revokedAt!.getTime()).to.equal(at(10).getTime());
    expect((await store.findByPrefix(key.prefix))!.revokedAt!.getTime()).to.equal(at(10).getTime());
    expect(await store.revoke(testId(), at(30))).to.equal(null);
  });

  it('records a use only over one older than the interval, once among parallel touches', async () => {
    const store = await make();
    const key = aKey();
    await store.create(key);
    const first = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.touch(key.id, at(100), `10.0.0.${i}`, at(100 - 60_000))),
    );
    expect(first.filter(Boolean)).to.have.length(1);
    expect((await store.findById(key.id))!.lastUsedAt!.getTime()).to.equal(at(100).getTime());
    expect(await store.touch(key.id, at(30_000), '10.0.1.1', at(30_000 - 60_000))).to.equal(false);
    expect(await store.touch(key.id, at(60_100), '10.0.2.2', at(100))).to.equal(true);
    expect(await store.findById(key.id)).to.deep.include({ lastUsedIp: '10.0.2.2' });
    expect(await store.touch(testId(), at(1), 'x', at(0))).to.equal(false);
  });
}

describe('contract/identity ApiKeyStore', () => {
  describe('memory', () => {
    apiKeyContract(async () => new MemoryApiKeyStore(new MemoryDatabase()));
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('api-keys');
    apiKeyContract(async () => {
      const store = new MongoApiKeyStore(mongo.connection());
      await mongo.reset();
      await mongo.connection().model('ApiKey').syncIndexes();
      return store;
    });
  });
});
