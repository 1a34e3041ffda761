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

  it('forget: completed pairs done before the date go (then a delivery would run again); claims in progress and newer ones stay', async () => {
    const store = await make();
    const day = 86_400_000;
    const longAgo = later(-30 * day);
    const [oldA, oldB, oldC, recent, running] = [testId(), testId(), testId(), testId(), testId()];
    for (const id of [oldA, oldB, oldC]) {
      await store.claim('H', id, longAgo, 1000);
      await store.complete('H', id, longAgo);
    }
    await store.claim('H', recent, later(-day), 1000);
    await store.complete('H', recent, later(-day));
    await store.claim('H', running, longAgo, 100 * day); // a claim still held, taken long ago
    const cutoff = later(-7 * day);
    expect(await store.forget(cutoff, 2)).to.equal(2); // bounded by the limit
    expect(await store.forget(cutoff, 10)).to.equal(1);
    expect(await store.forget(cutoff, 10)).to.equal(0);
    for (const id of [oldA, oldB, oldC])
      expect(await store.claim('H', id, FIXED_NOW, 1000)).to.equal('claimed');
    expect(await store.claim('H', recent, FIXED_NOW, 1000)).to.equal('done');
    expect(await store.claim('H', running, FIXED_NOW, 1000)).to.equal('busy');
  });

  it("the handlers of one event are separate pairs: forgetting or releasing one leaves the others' state", async () => {
    const store = await make();
    const day = 86_400_000;
    const id = testId();
    for (const h of ['A', 'B']) {
      await store.claim(h, id, later(-30 * day), 1000);
      await store.complete(h, id, later(-30 * day));
    }
    await store.claim('C', id, later(-30 * day), 100 * day); // still running
    expect(await store.claim('D', id, FIXED_NOW, 1000)).to.equal('claimed');
    await store.release('D', id);
    expect(await store.forget(later(-7 * day), 1)).to.equal(1);
    expect(await store.forget(later(-7 * day), 10)).to.equal(1);
    for (const h of ['A', 'B', 'D']) expect(await store.claim(h, id, FIXED_NOW, 1000)).to.equal('claimed');
    expect(await store.claim('C', id, FIXED_NOW, 1000)).to.equal('busy');
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
