import { expect } from 'chai';
import { stockChanged, type StockChanged } from '../../../domain/catalog/events.js';
import { EventDispatcher } from '../../../application/shared/event-dispatcher.js';
import type { EventHandler } from '../../../application/shared/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryHandledEventStore } from '../../../adapters/persistence/memory/events-handled.js';
import { MemoryStagedEventOutbox } from '../../../adapters/persistence/memory/events-outbox.js';
import { LocalEventFanout } from '../../../adapters/system/local-event-fanout.js';

const silent = { info() {}, warn() {}, error() {} };

function dispatcher(): EventDispatcher {
  const db = new MemoryDatabase();
  const staged = new MemoryStagedEventOutbox(db);
  return new EventDispatcher(
    [],
    staged,
    new MemoryHandledEventStore(db),
    new LocalEventFanout(),
    { now: () => new Date() },
    { claimLeaseMs: 60_000 },
    silent,
  );
}

function handler(name: string, log: string[], background: boolean, fail = false): EventHandler<StockChanged> {
  return {
    name,
    background,
    handle: async () => {
      log.push(name);
      if (fail) throw new Error('boom');
    },
  };
}

describe('EventDispatcher: background handlers', () => {
  it('starts a background handler only after the publisher has answered (a mail never delays the response)', async () => {
    const bus = dispatcher();
    const log: string[] = [];
    bus.subscribe('catalog.stock-changed', handler('Mail', log, true));
    bus.subscribe('catalog.stock-changed', handler('Sale', log, false));
    // What a route does: publish, then answer in the same chain of microtasks.
    await bus.publish([stockChanged('p1', 3, new Date(), 'v1:0>3')]);
    log.push('answered');
    await bus.drain();
    expect(log).to.deep.equal(['Sale', 'answered', 'Mail']);
  });

  it('still runs each background handler once, after a failed foreground one too', async () => {
    const bus = dispatcher();
    const log: string[] = [];
    bus.subscribe('catalog.stock-changed', handler('Mail', log, true));
    bus.subscribe('catalog.stock-changed', handler('Broken', log, false, true));
    const event = stockChanged('p1', 3, new Date(), 'v1:0>3');
    await bus.publish([event]);
    await bus.drain();
    await bus.publish([event]); // a redelivery: the mail is done, the broken handler tries again
    await bus.drain();
    expect(log).to.deep.equal(['Broken', 'Mail', 'Broken']);
  });
});
