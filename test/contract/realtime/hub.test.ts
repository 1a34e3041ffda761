import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import {
  STOCK_CHANNEL,
  cartChannel,
  orderChannel,
  type ChannelName,
  type RealtimeHub,
  type RealtimeMessage,
  type RealtimeReplayPolicy,
} from '../../../application/realtime/ports.js';
import { MemoryRealtimeHub } from '../../../adapters/realtime/memory-hub.js';
import { RedisRealtimeHub } from '../../../adapters/realtime/redis-hub.js';
import { createRedisClient } from '../../../adapters/cache/redis-client.js';
import { describeWith, serviceUrl } from '../../support/services.js';
import { readyClient, silentLogger } from '../cache/redis-support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A hub with empty channels, and a way to open another instance on the same shared state. */
interface HubUnderTest {
  readonly hub: RealtimeHub;
  /** Another instance of the fleet (Redis: same prefix, own connections; memory: the same hub). */
  peer(): Promise<RealtimeHub>;
}
type MakeHub = (policy: RealtimeReplayPolicy, now: () => number) => Promise<HubUnderTest>;

/** What a listener received, and a wait for the next ones (delivery may be asynchronous). */
function collect(hub: RealtimeHub, channel: ChannelName) {
  const messages: RealtimeMessage[] = [];
  const unsubscribe = hub.subscribe(channel, (m) => messages.push(m));
  return {
    messages,
    unsubscribe,
    async until(count: number): Promise<RealtimeMessage[]> {
      for (let i = 0; i < 500 && messages.length < count; i++) await sleep(10);
      expect(messages.length, `messages received on ${channel}`).to.be.at.least(count);
      return messages;
    },
  };
}

const ids = (messages: readonly RealtimeMessage[]) => messages.map((m) => m.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const POLICY: RealtimeReplayPolicy = { maxMessages: 100, ttlSeconds: 60 };

/** What every RealtimeHub adapter must do. */
function hubContract(make: MakeHub): void {
  let clock: number;
  const now = () => clock;
  beforeEach(() => {
    clock = Date.now();
  });
  const order = orderChannel(`o-${randomUUID()}`);

  it('numbers each channel 1, 2, 3, ... independently, and delivers type, id and data', async () => {
    const { hub } = await make(POLICY, now);
    const orders = collect(hub, order);
    const stock = collect(hub, STOCK_CHANNEL);
    await hub.publish(order, 'status', { status: 'paid' }, 'e1');
    await hub.publish(STOCK_CHANNEL, 'stock', { productId: 'p1', stock: 4 }, 'e1');
    await hub.publish(order, 'status', { status: 'shipped', at: new Date(5) }, 'e2');
    await hub.publish(order, 'delivery', { note: null, list: [1, 'a'] }, 'e3');
    await hub.publish(STOCK_CHANNEL, 'stock', { productId: 'p2', stock: 0 }, 'e2');
    expect(await orders.until(3)).to.deep.equal([
      { type: 'status', id: 1, data: { status: 'paid' } },
      { type: 'status', id: 2, data: { status: 'shipped', at: new Date(5) } },
      { type: 'delivery', id: 3, data: { note: null, list: [1, 'a'] } },
    ]);
    expect(ids(await stock.until(2))).to.deep.equal([1, 2]);
    expect(await hub.lastId(order)).to.equal(3);
    expect(await hub.lastId(STOCK_CHANNEL)).to.equal(2);
    expect(await hub.lastId(cartChannel('nobody'))).to.equal(0);
  });

  it('stores and delivers a message once per dedupe key, even when published concurrently', async () => {
    const { hub } = await make(POLICY, now);
    const orders = collect(hub, order);
    await Promise.all(range(1, 5).map(() => hub.publish(order, 'status', { n: 1 }, 'event-1')));
    await hub.publish(order, 'status', { n: 1 }, 'event-1');
    await hub.publish(order, 'status', { n: 2 }, 'event-2');
    expect(await orders.until(2)).to.deep.equal([
      { type: 'status', id: 1, data: { n: 1 } },
      { type: 'status', id: 2, data: { n: 2 } },
    ]);
    await sleep(50); // a wrongly delivered duplicate would have arrived by now
    expect(orders.messages).to.have.length(2);
    expect(await hub.lastId(order)).to.equal(2);
    // The same key on another channel is another event.
    await hub.publish(cartChannel('u1-' + order), 'cart', {}, 'event-1');
    expect(await hub.lastId(cartChannel('u1-' + order))).to.equal(1);
  });

  it('stops delivering to a listener once unsubscribed, and only delivers its channel', async () => {
    const { hub } = await make(POLICY, now);
    const leaving = collect(hub, order);
    const staying = collect(hub, order);
    const other = collect(hub, cartChannel(`u-${randomUUID()}`));
    await hub.publish(order, 'status', { n: 1 }, 'a');
    await leaving.until(1);
    leaving.unsubscribe();
    await hub.publish(order, 'status', { n: 2 }, 'b');
    expect(ids(await staying.until(2))).to.deep.equal([1, 2]); // delivered in order: 2 came after
    expect(ids(leaving.messages)).to.deep.equal([1]);
    expect(other.messages).to.deep.equal([]);
  });

  it('replays exactly the messages after a last id, and nothing after the current one', async () => {
    const { hub } = await make(POLICY, now);
    for (const n of range(1, 5)) await hub.publish(order, 'status', { n }, `e${n}`);
    expect(await hub.since(order, 2)).to.deep.equal({
      complete: true,
      messages: [
        { type: 'status', id: 3, data: { n: 3 } },
        { type: 'status', id: 4, data: { n: 4 } },
        { type: 'status', id: 5, data: { n: 5 } },
      ],
      lastId: 5,
    });
    expect(await hub.since(order, 5)).to.deep.equal({ complete: true, messages: [], lastId: 5 });
    const all = await hub.since(order, 0);
    expect(all.complete && ids(all.messages)).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('answers incomplete when the window no longer holds the message after the last id (count bound)', async () => {
    const { hub } = await make({ maxMessages: 3, ttlSeconds: 60 }, now);
    for (const n of range(1, 5)) await hub.publish(order, 'status', { n }, `e${n}`);
    expect(await hub.since(order, 1)).to.deep.equal({ complete: false, lastId: 5 });
    expect(await hub.since(order, 0)).to.deep.equal({ complete: false, lastId: 5 });
    const kept = await hub.since(order, 2);
    expect(kept.complete && ids(kept.messages)).to.deep.equal([3, 4, 5]);
  });

  it('answers incomplete when the message after the last id is older than the window (age bound)', async () => {
    const { hub } = await make({ maxMessages: 100, ttlSeconds: 60 }, now);
    await hub.publish(order, 'status', { n: 1 }, 'e1');
    await hub.publish(order, 'status', { n: 2 }, 'e2');
    clock += 30_000;
    await hub.publish(order, 'status', { n: 3 }, 'e3');
    clock += 31_000; // 1 and 2 are now 61 s old, 3 is 31 s old
    expect(await hub.since(order, 0)).to.deep.equal({ complete: false, lastId: 3 });
    expect(await hub.since(order, 1)).to.deep.equal({ complete: false, lastId: 3 });
    const kept = await hub.since(order, 2);
    expect(kept.complete && ids(kept.messages)).to.deep.equal([3]);
  });

  it('answers incomplete for a last id above the current one (another epoch), complete for 0 on a new channel', async () => {
    const { hub } = await make(POLICY, now);
    await hub.publish(order, 'status', {}, 'e1');
    expect(await hub.since(order, 2)).to.deep.equal({ complete: false, lastId: 1 });
    const fresh = orderChannel(`never-${randomUUID()}`);
    expect(await hub.since(fresh, 4)).to.deep.equal({ complete: false, lastId: 0 });
    expect(await hub.since(fresh, 0)).to.deep.equal({ complete: true, messages: [], lastId: 0 });
  });

  it('parallel publishes from two instances reach every subscriber on both once each, in id order', async () => {
    const { hub: a, peer } = await make({ maxMessages: 200, ttlSeconds: 60 }, now);
    const b = await peer();
    const listeners = [collect(a, order), collect(a, order), collect(b, order), collect(b, order)];
    const count = 120;
    await Promise.all(
      range(1, count).map((n) => (n % 2 === 0 ? a : b).publish(order, 'status', { n }, `event-${n}`)),
    );
    for (const listener of listeners) {
      const got = await listener.until(count);
      expect(ids(got)).to.deep.equal(range(1, count));
      expect(got.map((m) => (m.data as { n: number }).n).sort((x, y) => x - y)).to.deep.equal(
        range(1, count),
      );
    }
    await sleep(50); // a duplicate would have arrived by now
    for (const listener of listeners) expect(listener.messages).to.have.length(count);
    for (const hub of [a, b]) {
      const replay = await hub.since(order, 0);
      expect(replay.complete && ids(replay.messages)).to.deep.equal(range(1, count));
    }
  });
}

describe('contract: RealtimeHub (memory)', () => {
  hubContract(async (policy, now) => {
    const hub = new MemoryRealtimeHub(policy, now);
    return { hub, peer: async () => hub };
  });
});

describeWith(['redis'], 'contract: RealtimeHub (redis)', () => {
  const clients: Redis[] = [];
  const hubs: RedisRealtimeHub[] = [];
  const open = async (prefix: string, policy: RealtimeReplayPolicy, now: () => number = Date.now) => {
    const client = await readyClient(serviceUrl('redis'));
    clients.push(client);
    const hub = new RedisRealtimeHub(client, prefix, policy, silentLogger, now);
    hubs.push(hub);
    expect(await hub.ready(5000)).to.equal(true);
    return hub;
  };
  after(() => {
    for (const hub of hubs) hub.close();
    for (const client of clients) client.disconnect();
  });

  hubContract(async (policy, now) => {
    const prefix = `af:test-${randomUUID()}:`;
    const hub = await open(prefix, policy, now);
    return { hub, peer: () => open(prefix, policy, now) };
  });

  it('fans out on ONE pub/sub channel for the whole hub', async () => {
    const prefix = `af:test-${randomUUID()}:`;
    const hub = await open(prefix, POLICY);
    hub.subscribe(orderChannel('x'), () => undefined);
    hub.subscribe(STOCK_CHANNEL, () => undefined);
    await hub.publish(orderChannel('x'), 't', {}, 'k');
    expect(await clients[0]!.pubsub('CHANNELS', `${prefix}*`)).to.deep.equal([`${prefix}realtime`]);
  });

  it('forgets a channel whose keys expired: a client with an old id resyncs, ids start again', async () => {
    const hub = await open(`af:test-${randomUUID()}:`, { maxMessages: 100, ttlSeconds: 0.2 });
    const channel = orderChannel('expiring');
    await hub.publish(channel, 'status', { n: 1 }, 'e1');
    await hub.publish(channel, 'status', { n: 2 }, 'e2');
    for (let i = 0; i < 100 && (await hub.lastId(channel)) !== 0; i++) await sleep(50);
    expect(await hub.lastId(channel)).to.equal(0);
    expect(await hub.since(channel, 2)).to.deep.equal({ complete: false, lastId: 0 });
    await hub.publish(channel, 'status', { n: 3 }, 'e3');
    expect(await hub.since(channel, 0)).to.deep.equal({
      complete: true,
      messages: [{ type: 'status', id: 1, data: { n: 3 } }],
      lastId: 1,
    });
  });

  it('rejects publish and since while Redis is unreachable, and subscribe still works', async () => {
    const client = createRedisClient('redis://127.0.0.1:1');
    clients.push(client);
    const hub = new RedisRealtimeHub(client, `af:test-${randomUUID()}:`, POLICY, silentLogger);
    hubs.push(hub);
    const unsubscribe = hub.subscribe(STOCK_CHANNEL, () => undefined);
    expect(unsubscribe).to.be.a('function');
    unsubscribe();
    let published: unknown = null;
    await hub.publish(STOCK_CHANNEL, 'stock', {}, 'k').catch((error: unknown) => (published = error));
    expect(published).to.be.instanceOf(Error);
    let replayed: unknown = null;
    await hub.since(STOCK_CHANNEL, 1).catch((error: unknown) => (replayed = error));
    expect(replayed).to.be.instanceOf(Error);
  });
});
