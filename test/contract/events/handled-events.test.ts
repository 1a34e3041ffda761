import { expect } from 'chai';
import type { HandledEventStore } from '../../../application/shared/event-ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryHandledEventStore } from '../../../adapters/persistence/memory/events-handled.js';
import { MongoHandledEventStore } from '../../../adapters/persistence/mongo/events-handled.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

const later = (ms: number) => new Date(FIXED_NOW.getTime() + ms);

function contract(make: () => Promise<HandledEventStore>): void {
  it('a claim is taken once; done stays done; a failed run gives it back', async () => {
    const store = await make();
    const id = testId();
    expect(await store.claim('H', id, FIXED_NOW, 1000)).to.equal('claimed');
    expect(await store.claim('H', id, FIXED_NOW, 1000)).to.equal('busy');
    expect(await store.claim('Other', id, FIXED_NOW, 1000)).to.equal('claimed'); // per handler
    await store.release('H', id);
    expect(await store.claim('H', id, FIXED_NOW, 1000)).to.equal('claimed');
    await store.complete('H', id, FIXED_NOW);
    expect(await store.claim('H', id, later(10_000), 1000)).to.equal('done');
    await store.release('H', id); // a completed pair is never given back
    expect(await store.claim('H', id, later(20_000), 1000)).to.equal('done');
  });

  it('a claim whose process died lapses after its lease and may be taken again, by one', async () => {
    const store = await make();
    const id = testId();
    expect(await store.claim('H', id, FIXED_NOW, 1000)).to.equal('claimed');
    expect(await store.claim('H', id, later(999), 1000)).to.equal('busy');
    const takers = await Promise.all(
      Array.from({ length: 5 }, () => store.claim('H', id, later(1500), 1000)),
    );
    expect(takers.filter((c) => c === 'claimed')).to.have.length(1);
  });

  it('parallel first claims: exactly one wins', async () => {
    const store = await make();
    const id = testId();
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.claim('H', id, FIXED_NOW, 1000)));
    expect(claims.filter((c) => c === 'claimed')).to.have.length(1);
  });
}

describe('contract/events HandledEventStore', () => {
  describe('memory', () => {
    contract(async () => new MemoryHandledEventStore(new MemoryDatabase()));
  });
  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('handled_events');
    contract(async () => new MongoHandledEventStore(mongo.connection()));
  });
});
