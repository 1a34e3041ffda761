import { expect } from 'chai';
import sinon from 'sinon';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { CATALOG_CACHE } from '../../../application/catalog/cached-reads.js';
import { DispatchPendingEvents } from '../../../application/shared/dispatch-pending-events.js';
import { EventDispatcher } from '../../../application/shared/event-dispatcher.js';
import { STAGED_EVENT_OUTBOX, type StagedEventOutbox } from '../../../application/shared/event-ports.js';
import { CACHE, type Cache } from '../../../application/shared/ports.js';
import type { DomainEvent } from '../../../domain/shared/events.js';
import { aProduct } from '../../support/kit.js';
import { loginAdmin, type TestApp } from '../../support/harness.js';
import { useProcesses } from './processes.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

const FOREVER = new Date(8.64e15);

/**
 * Issue 9: catalog notices ("product X changed") are staged in a write-ahead outbox before their
 * write. A process that dies after the write and before the dispatch leaves them staged; the
 * outbox sweeper (on a restart, or the same process later) delivers them, so the catalog cache
 * is dropped. A refused write leaves nothing staged.
 */
function suite(label: string, env: () => Record<string, string>, restarts: boolean) {
  let admin: string;
  /** The notices the recovering process's handlers received. */
  const seen: DomainEvent[] = [];
  const processes = useProcesses(label, env, restarts, async ({ first, recovered }) => {
    admin = await loginAdmin(first);
    recovered.container.get(EventDispatcher).subscribe('catalog.product-updated', {
      name: 'RecordWhenProductUpdated',
      scope: 'instance',
      handle: async (event) => void seen.push(event),
    });
  });
  const { clock } = processes;

  const staged = async (t: TestApp = processes.first) =>
    t.container.get<StagedEventOutbox>(STAGED_EVENT_OUTBOX).pending(FOREVER, 100);
  const newProduct = () =>
    processes.first.container.get<ProductRepository>(PRODUCT_REPOSITORY).create(aProduct({ price: 100 }));
  const put = (id: string, body: unknown) =>
    processes.first.request({ method: 'PUT', url: `/api/admin/products/${id}`, token: admin, body });

  it('a price change dies after its write: the sweeper delivers the notice once and the cache is dropped', async () => {
    const p = await newProduct();
    processes.dieAfterNextWrite();
    expect((await put(p.id, { price: 250 })).statusCode).to.equal(500);
    const left = (await staged()).filter((e) => e.aggregateId === p.id);
    expect(left.map((e) => e.type)).to.deep.equal(['catalog.product-updated']);
    expect(seen.filter((e) => e.aggregateId === p.id)).to.deep.equal([]);

    const t = processes.recovered;
    const invalidate = sinon.spy(t.container.get<Cache>(CACHE), 'invalidate');
    clock.advance(t.config.events.redeliverAfterMs + 1);
    for (let i = 0; i < 2; i++) {
      await t.container.get(DispatchPendingEvents).execute();
      await t.container.get(EventDispatcher).drain();
    }
    expect(seen.filter((e) => e.aggregateId === p.id).map((e) => e.id)).to.deep.equal([left[0]!.id]);
    expect(invalidate.calledWith(CATALOG_CACHE.products)).to.equal(true); // InvalidateCatalogCache…
    expect(await staged(t)).to.deep.equal([]);
    const listed = (await t.request({ method: 'GET', url: '/api/products?limit=100' }))
      .json()
      .data.products.find((x: { _id: string }) => x._id === p.id);
    expect(listed.price).to.equal(250);
  });

  it('a refused or empty write leaves no staged notice; a delivered one leaves none either', async () => {
    const p = await newProduct();
    const missing = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    expect((await put(missing, { price: 5 })).statusCode).to.equal(404);
    expect((await put(p.id, { categoryId: missing })).statusCode).to.equal(400);
    expect((await put(p.id, { price: 100 })).statusCode).to.equal(200); // unchanged
    const stock = (body: unknown) =>
      processes.first.request({ method: 'POST', url: '/api/inventory/restock', token: admin, body });
    expect((await stock({ productId: missing, quantity: 2 })).statusCode).to.equal(404);
    expect(await staged()).to.deep.equal([]);

    expect((await put(p.id, { price: 120 })).statusCode).to.equal(200);
    expect((await stock({ productId: p.id, quantity: 2 })).statusCode).to.equal(200);
    await processes.first.container.get(EventDispatcher).drain();
    expect(await staged()).to.deep.equal([]);
  });
}

describe('events: a crash after a catalog write loses no notice', () => {
  describe('memory (the dispatch fails; the sweeper redelivers)', () => suite('memory', () => ({}), false));
  describeWith(['mongo'], 'mongo (a second process on the same database recovers)', () =>
    suite('mongo', () => ({ MONGODB_URI: mongoTestUri('catalog-crash') }), true),
  );
});
