import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { DomainEvent } from '../../../domain/shared/events.js';
import { stockChanged, type StockChanged } from '../../../domain/catalog/events.js';
import { EventDispatcher } from '../../../application/shared/event-dispatcher.js';
import type { EventHandler } from '../../../application/shared/ports.js';
import { RedisEventFanout } from '../../../adapters/cache/redis-event-fanout.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryHandledEventStore } from '../../../adapters/persistence/memory/events-handled.js';
import { MemoryStagedEventOutbox } from '../../../adapters/persistence/memory/events-outbox.js';
import { describeWith, serviceUrl } from '../../support/services.js';
import { readyClient, silentLogger } from '../../contract/cache/redis-support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(read: () => T | undefined, ms = 2000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

function recorder(
  name: string,
  scope: 'fleet' | 'instance',
  seen: DomainEvent[],
): EventHandler<StockChanged> {
  return { name, scope, handle: async (e) => void seen.push(e) };
}

/** Two instances: their own dispatchers and Redis connections, one shared handled-event store. */
describeWith(['redis'], 'events across instances: Redis fan-out and once-per-fleet handlers', () => {
  let ra: Redis;
  let rb: Redis;
  let fa: RedisEventFanout;
  let fb: RedisEventFanout;
  let a: EventDispatcher;
  let b: EventDispatcher;

  beforeEach(async () => {
    ra = await readyClient(serviceUrl('redis'));
    rb = await readyClient(serviceUrl('redis'));
    const channel = `af:test-${randomUUID()}:events`;
    fa = new RedisEventFanout(ra, channel, silentLogger);
    fb = new RedisEventFanout(rb, channel, silentLogger);
    await Promise.all([fa.ready(), fb.ready()]);
    const shared = new MemoryHandledEventStore(new MemoryDatabase());
    const clock = { now: () => new Date() };
    const staged = new MemoryStagedEventOutbox(new MemoryDatabase());
    a = new EventDispatcher([], staged, shared, fa, clock, { claimLeaseMs: 60_000 }, silentLogger);
    b = new EventDispatcher([], staged, shared, fb, clock, { claimLeaseMs: 60_000 }, silentLogger);
  });
  afterEach(() => {
    fa.close();
    fb.close();
    ra.disconnect();
    rb.disconnect();
  });

  it("runs per-instance handlers on every instance, with another instance's events' Dates intact", async () => {
    const onA: DomainEvent[] = [];
    const onB: DomainEvent[] = [];
    a.subscribe('catalog.stock-changed', recorder('Local', 'instance', onA));
    b.subscribe('catalog.stock-changed', recorder('Local', 'instance', onB));
    const at = new Date('2024-05-06T07:08:09.123Z');
    const event = stockChanged('p1', 7, at, 'v3:0>7');
    await a.publish([event]);
    const got = await until(() => onB[0]);
    expect(got).to.deep.equal(event);
    expect(got.occurredAt).to.be.instanceOf(Date);
    await sleep(100);
    expect(onA).to.deep.equal([event]); // its own event once, never again from Redis
  });

  it('runs a fleet handler once in the fleet, whichever instances deliver the event', async () => {
    const ran: DomainEvent[] = [];
    a.subscribe('catalog.stock-changed', recorder('Once', 'fleet', ran));
    b.subscribe('catalog.stock-changed', recorder('Once', 'fleet', ran));
    const event = stockChanged('p2', 1, new Date(), 'v2:0>1');
    // The writer delivers it, another instance's sweeper delivers it at the same time, then again.
    await Promise.all([a.publish([event]), b.publish([event])]);
    await b.publish([event]);
    await sleep(100);
    expect(ran).to.have.length(1);
  });

  it('keeps delivering locally when Redis is away, and a failing handler does not stop the others', async () => {
    const seen: DomainEvent[] = [];
    a.subscribe('catalog.stock-changed', {
      name: 'Boom',
      scope: 'instance',
      handle: async () => {
        throw new Error('boom');
      },
    });
    a.subscribe('catalog.stock-changed', recorder('Fine', 'instance', seen));
    a.subscribe('catalog.stock-changed', recorder('FineOnce', 'fleet', seen));
    ra.disconnect();
    await a.publish([stockChanged('p4', 0, new Date(), 'v5:1>0')]);
    expect(seen.map((e) => e.type)).to.deep.equal(['catalog.stock-changed', 'catalog.stock-changed']);
  });
});
