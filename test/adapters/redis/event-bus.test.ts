import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { DomainEvent } from '../../../domain/shared/events.js';
import { RedisEventBus } from '../../../adapters/cache/redis-event-bus.js';
import { stockChanged } from '../../../domain/catalog/events.js';
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

describeWith(['redis'], 'RedisEventBus: fan-out between instances', () => {
  let ra: Redis;
  let rb: Redis;
  let a: RedisEventBus;
  let b: RedisEventBus;

  beforeEach(async () => {
    ra = await readyClient(serviceUrl('redis'));
    rb = await readyClient(serviceUrl('redis'));
    const channel = `af:test-${randomUUID()}:events`;
    a = new RedisEventBus(ra, channel, silentLogger);
    b = new RedisEventBus(rb, channel, silentLogger);
    await Promise.all([a.ready(), b.ready()]);
  });
  afterEach(() => {
    a.close();
    b.close();
    ra.disconnect();
    rb.disconnect();
  });

  it('delivers another instance’s events, Dates intact, to handlers that asked for them', async () => {
    const seenOnB: DomainEvent[] = [];
    b.subscribe('catalog.stock-changed', (e) => void seenOnB.push(e), { fromOtherInstances: true });
    const at = new Date('2024-05-06T07:08:09.123Z');
    await a.publish([stockChanged('p1', 7, at)]);
    const got = await until(() => seenOnB[0]);
    expect(got).to.deep.equal({
      type: 'catalog.stock-changed',
      occurredAt: at,
      payload: { productId: 'p1', stock: 7 },
    });
    expect(got.occurredAt).to.be.instanceOf(Date);
  });

  it('runs local handlers once for its own events (never again from Redis)', async () => {
    const local: DomainEvent[] = [];
    a.subscribe('*', (e) => void local.push(e), { fromOtherInstances: true });
    await a.publish([stockChanged('p2', 1, new Date())]);
    await sleep(150);
    expect(local).to.have.length(1);
  });

  it('handlers without fromOtherInstances see only this process’s events (a mail is sent once)', async () => {
    const onB: DomainEvent[] = [];
    const onBAll: DomainEvent[] = [];
    b.subscribe('catalog.stock-changed', (e) => void onB.push(e));
    b.subscribe('catalog.stock-changed', (e) => void onBAll.push(e), { fromOtherInstances: true });
    await a.publish([stockChanged('p3', 2, new Date())]);
    await until(() => onBAll[0]);
    await sleep(50);
    expect(onB).to.have.length(0);
    await b.publish([stockChanged('p3', 1, new Date())]);
    expect(onB).to.have.length(1);
  });

  it('keeps delivering locally when Redis is away, and a failing handler does not stop the others', async () => {
    const seen: string[] = [];
    a.subscribe('catalog.stock-changed', () => {
      throw new Error('boom');
    });
    a.subscribe('catalog.stock-changed', (e) => void seen.push(e.type));
    ra.disconnect();
    await a.publish([stockChanged('p4', 0, new Date())]);
    expect(seen).to.deep.equal(['catalog.stock-changed']);
  });
});
