import { expect } from 'chai';
import type { StagedEventOutbox } from '../../../application/shared/event-ports.js';
import { productEvent, stockChanged } from '../../../domain/catalog/events.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryStagedEventOutbox } from '../../../adapters/persistence/memory/events-outbox.js';
import { MongoStagedEventOutbox } from '../../../adapters/persistence/mongo/events-outbox.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

const later = (ms: number) => new Date(FIXED_NOW.getTime() + ms);
const FOREVER = new Date(8.64e15);

/** The catalog notices' write-ahead outbox: staged before the write, gone once dispatched or discarded. */
function contract(make: () => Promise<StagedEventOutbox>): void {
  it('owns the catalog notices only', async () => {
    const outbox = await make();
    expect(outbox.owns('catalog.stock-changed')).to.equal(true);
    expect(outbox.owns('catalog.product-updated')).to.equal(true);
    expect(outbox.owns('ordering.order-placed')).to.equal(false);
  });

  it('keeps staged events, whole, until they are dispatched or discarded; oldest first', async () => {
    const outbox = await make();
    const p = testId();
    const updated = productEvent('catalog.product-updated', p, later(2000), testId());
    const stock = stockChanged(p, 7, later(1000), testId());
    const other = productEvent('catalog.product-deleted', testId(), later(3000), testId());
    await outbox.stage([updated, stock]);
    await outbox.stage([other, updated]); // staging again keeps one
    expect(await outbox.pending(FOREVER, 10)).to.deep.equal([stock, updated, other]);
    expect(await outbox.pending(later(2000), 10)).to.deep.equal([stock, updated]);
    expect(await outbox.pending(FOREVER, 1)).to.deep.equal([stock]);
    expect(await outbox.pending(FOREVER, 0)).to.deep.equal([]);

    await outbox.discard([updated]);
    await outbox.markDispatched([stock, productEvent('catalog.product-created', p, FIXED_NOW, 'missing')]);
    expect(await outbox.pending(FOREVER, 10)).to.deep.equal([other]);
    await outbox.discard([other, other]);
    await outbox.discard([]);
    expect(await outbox.pending(FOREVER, 10)).to.deep.equal([]);
  });

  it('keeps dates as dates and payloads as given', async () => {
    const outbox = await make();
    const event = stockChanged(testId(), 0, later(5), testId());
    await outbox.stage([event]);
    const [back] = await outbox.pending(FOREVER, 10);
    expect(back!.occurredAt).to.be.instanceOf(Date);
    expect(back).to.deep.equal(event);
    await outbox.discard([event]);
  });
}

describe('contract/events StagedEventOutbox', () => {
  describe('memory', () => {
    contract(async () => new MemoryStagedEventOutbox(new MemoryDatabase()));
  });
  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('event_outbox');
    beforeEach(() => mongo.reset());
    contract(async () => new MongoStagedEventOutbox(mongo.connection()));
  });
});
