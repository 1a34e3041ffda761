import { expect } from 'chai';
import type { MfaChallengeStore } from '../../../application/identity/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryMfaChallengeStore } from '../../../adapters/persistence/memory/identity-mfa-challenges.js';
import { MongoMfaChallengeStore } from '../../../adapters/persistence/mongo/identity-mfa-challenges.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

function contract(make: () => Promise<MfaChallengeStore>) {
  let store: MfaChallengeStore;
  beforeEach(async () => {
    store = await make();
  });
  const later = (ms: number) => new Date(FIXED_NOW.getTime() + ms);

  it('finds a live challenge by its digest until it expires', async () => {
    const [hash, user] = [testId(), testId()];
    await store.save(hash, user, later(300_000));
    expect(await store.find(hash, FIXED_NOW)).to.equal(user);
    expect(await store.find(hash, later(299_999))).to.equal(user);
    expect(await store.find(hash, later(300_000))).to.equal(null);
    expect(await store.find(testId(), FIXED_NOW)).to.equal(null);
  });

  it('is consumed once: of parallel consumers exactly one wins, and it is gone', async () => {
    const hash = testId();
    await store.save(hash, testId(), later(300_000));
    const wins = await Promise.all(Array.from({ length: 5 }, () => store.consume(hash)));
    expect(wins.filter(Boolean)).to.have.length(1);
    expect(await store.find(hash, FIXED_NOW)).to.equal(null);
    expect(await store.consume(testId())).to.equal(false);
  });
}

describe('contract/identity MfaChallengeStore', () => {
  describe('memory', () => {
    const db = new MemoryDatabase();
    contract(async () => new MemoryMfaChallengeStore(db));
  });
  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('mfa_challenges');
    contract(async () => {
      const store = new MongoMfaChallengeStore(mongo.connection());
      await mongo.reset();
      return store;
    });
  });
});
