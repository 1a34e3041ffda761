import { expect } from 'chai';
import type { PiiDataKeyStore } from '../../../application/shared/pii.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryPiiDataKeyStore } from '../../../adapters/persistence/memory/pii-data-keys.js';
import { MongoPiiDataKeyStore } from '../../../adapters/persistence/mongo/pii-data-keys.js';
import {
  EnvelopePiiCipher,
  LocalMasterKeyProvider,
  parseMasterKey,
} from '../../../adapters/security/pii-cipher.js';
import { describeWith } from '../../support/services.js';
import { useMongo } from '../../support/mongo.js';
import { TestClock } from '../../support/kit.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

function cipherOn(store: PiiDataKeyStore, masterKey = KEY_A, masterKeyId = 'm1'): EnvelopePiiCipher {
  return new EnvelopePiiCipher(
    new LocalMasterKeyProvider(parseMasterKey(masterKey), masterKeyId),
    store,
    new TestClock(),
  );
}

/** Swaps one base64url character of a part for another. */
function flip(part: string): string {
  return (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
}

function piiCipherContract(makeStore: () => Promise<PiiDataKeyStore>): void {
  it('seals AES-256-GCM values carrying key id, iv and tag, and opens them; the ciphertext hides the value', async () => {
    const cipher = cipherOn(await makeStore());
    await cipher.ready();
    const sealed = cipher.seal('+1 555 0100');
    expect(sealed).to.match(/^enc:v1:k1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.to.contain('555');
    expect(cipher.seal('+1 555 0100')).not.to.equal(sealed); // a fresh IV each time
    expect(cipher.open(sealed)).to.equal('+1 555 0100');
    expect(cipher.seal(sealed)).to.equal(sealed); // never sealed twice
    expect(cipher.open('plain, written before encryption')).to.equal('plain, written before encryption');
  });

  it('refuses a tampered value (ciphertext, iv or tag)', async () => {
    const cipher = cipherOn(await makeStore());
    await cipher.ready();
    const [e, v, id, iv, ct, tag] = cipher.seal('12 Rose Lane').split(':') as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    for (const bad of [
      [e, v, id, iv, flip(ct), tag],
      [e, v, id, flip(iv), ct, tag],
      [e, v, id, iv, ct, flip(tag)],
    ]) {
      expect(() => cipher.open(bad.join(':'))).to.throw();
    }
  });

  it('refuses data keys under another master key (a wrong PII_MASTER_KEY stops the start)', async () => {
    const store = await makeStore();
    const first = cipherOn(store);
    await first.ready();
    const sealed = first.seal('Meera');
    const sameIdOtherKey = cipherOn(store, KEY_B, 'm1');
    let refused: unknown = null;
    await sameIdOtherKey.ready().catch((e: unknown) => (refused = e));
    expect(refused).to.be.instanceOf(Error);
    const otherId = cipherOn(store, KEY_A, 'm2');
    refused = null;
    await otherId.ready().catch((e: unknown) => (refused = e));
    expect(String(refused)).to.contain('m1');
    // The right key still reads it (a fresh process).
    const again = cipherOn(store);
    expect(await again.openAll({ name: sealed })).to.deep.equal({ name: 'Meera' });
  });

  it('rotation adds a version that writes while the old one stays readable; another process picks it up on read', async () => {
    const store = await makeStore();
    const here = cipherOn(store);
    const elsewhere = cipherOn(store);
    await here.ready();
    await elsewhere.ready();
    const old = here.seal('1990-04-01');
    expect(await here.addVersion(new Date())).to.equal('k2');
    const fresh = here.seal('1990-04-01');
    expect(here.keyIdOf(fresh)).to.equal('k2');
    expect(here.open(old)).to.equal('1990-04-01');
    // elsewhere loaded k1 only: a k2 value makes it reload the versions.
    expect(await elsewhere.openAll({ birthday: fresh, at: new Date(0) })).to.deep.equal({
      birthday: '1990-04-01',
      at: new Date(0),
    });
    expect(elsewhere.activeKeyId()).to.equal('k2');
    expect((await store.list()).map((k) => k.id)).to.deep.equal(['k1', 'k2']);
    expect(JSON.stringify(await store.list())).not.to.contain(KEY_A);
  });

  it('two processes starting on an empty store settle on one first version', async () => {
    const store = await makeStore();
    const [a, b] = [cipherOn(store), cipherOn(store)];
    await Promise.all([a.ready(), b.ready()]);
    expect(b.open(a.seal('x'))).to.equal('x');
    expect(await store.list()).to.have.length(1);
  });

  it('the blind index is stable, ignores phone formatting, and depends on the master key', async () => {
    const a = cipherOn(await makeStore());
    // Another deployment (its own master key and store).
    const b = cipherOn(new MemoryPiiDataKeyStore(new MemoryDatabase()), KEY_B);
    await Promise.all([a.ready(), b.ready()]);
    expect(a.blindIndex('+1 (555) 010-0100')).to.equal(a.blindIndex('+15550100100'));
    expect(a.blindIndex('+15550100100')).not.to.equal(a.blindIndex('+15550100101'));
    expect(a.blindIndex('+15550100100')).not.to.equal(b.blindIndex('+15550100100'));
    expect(a.blindIndex('+15550100100')).not.to.contain('555');
  });
}

describe('contract: PiiDataKeyStore + EnvelopePiiCipher (memory)', () => {
  piiCipherContract(async () => new MemoryPiiDataKeyStore(new MemoryDatabase()));
});

describeWith(['mongo'], 'contract: PiiDataKeyStore + EnvelopePiiCipher (mongo)', function () {
  this.timeout(30_000);
  const mongo = useMongo('pii-keys');
  piiCipherContract(async () => {
    await mongo.reset();
    return new MongoPiiDataKeyStore(mongo.connection());
  });
});
