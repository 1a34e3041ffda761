import { expect } from 'chai';
import type { Redis } from 'ioredis';
import {
  REALTIME_HUB,
  REALTIME_REPLAY_POLICY,
  STOCK_CHANNEL,
  orderChannel,
  type RealtimeHub,
  type RealtimeMessage,
} from '../../../application/realtime/ports.js';
import { MemoryRealtimeHub } from '../../../adapters/realtime/memory-hub.js';
import { RedisRealtimeHub } from '../../../adapters/realtime/redis-hub.js';
import { REDIS_KEY_PREFIX } from '../../../adapters/cache/redis-client.js';
import { buildContainer } from '../../../bootstrap/container.js';
import { startTasks } from '../../../bootstrap/app.js';
import { readyClient, silentLogger } from '../../contract/cache/redis-support.js';
import { testConfig } from '../../support/harness.js';
import { describeWith, serviceUrl } from '../../support/services.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bootstrap: the realtime hub', () => {
  it('is one in-memory hub per container on the embedded default, bounded by REALTIME_REPLAY_*', async () => {
    const container = await buildContainer(
      testConfig({ REALTIME_REPLAY_MAX: '2', REALTIME_REPLAY_TTL: '90s' }),
      silentLogger,
    );
    expect(container.get(REALTIME_REPLAY_POLICY)).to.deep.equal({ maxMessages: 2, ttlSeconds: 90 });
    const hub = container.get<RealtimeHub>(REALTIME_HUB);
    expect(hub).to.be.instanceOf(MemoryRealtimeHub);
    expect(container.get(REALTIME_HUB)).to.equal(hub);
    for (const n of [1, 2, 3]) await hub.publish(STOCK_CHANNEL, 'stock', { n }, `e${n}`);
    expect(await hub.since(STOCK_CHANNEL, 0)).to.deep.equal({ complete: false, lastId: 3 }); // 2 kept
    await container.unbindAllAsync();
  });

  describeWith(['redis'], 'with REDIS_URL', () => {
    let probe: Redis;
    before(async () => {
      probe = await readyClient(serviceUrl('redis'));
    });
    after(() => probe.disconnect());

    it('is the Redis hub on the deployment prefix, shared with other instances, closed on shutdown', async () => {
      const container = await buildContainer(testConfig({ REDIS_URL: serviceUrl('redis') }), silentLogger);
      const hub: RealtimeHub = container.get(REALTIME_HUB);
      expect(hub).to.be.instanceOf(RedisRealtimeHub);
      const prefix = container.get<string>(REDIS_KEY_PREFIX);
      expect(await (hub as RedisRealtimeHub).ready(5000)).to.equal(true);

      // Another instance on the same prefix shares ids and delivers to this one's subscribers.
      const other = new RedisRealtimeHub(probe, prefix, { maxMessages: 10, ttlSeconds: 60 }, silentLogger);
      const channel = orderChannel('wired');
      const received: RealtimeMessage[] = [];
      hub.subscribe(channel, (m) => received.push(m));
      expect(await other.ready(5000)).to.equal(true);
      await other.publish(channel, 'status', { s: 'paid' }, 'e1');
      await hub.publish(channel, 'status', { s: 'shipped' }, 'e2');
      for (let i = 0; i < 300 && received.length < 2; i++) await sleep(10);
      expect(received.map((m) => m.id)).to.deep.equal([1, 2]);

      expect(await probe.pubsub('NUMSUB', `${prefix}realtime`)).to.deep.equal([`${prefix}realtime`, 2]);
      await container.unbindAllAsync();
      for (let i = 0; i < 300; i++) {
        const [, count] = (await probe.pubsub('NUMSUB', `${prefix}realtime`)) as [string, number];
        if (count === 1) break;
        await sleep(10);
      }
      expect(await probe.pubsub('NUMSUB', `${prefix}realtime`)).to.deep.equal([`${prefix}realtime`, 1]);
      other.close();
    });

    it('is subscribed by a start-up task, before any client asks for it', async () => {
      const container = await buildContainer(testConfig({ REDIS_URL: serviceUrl('redis') }), silentLogger);
      const prefix = container.get<string>(REDIS_KEY_PREFIX);
      expect(await probe.pubsub('NUMSUB', `${prefix}realtime`)).to.deep.equal([`${prefix}realtime`, 0]);
      await startTasks(container).settled;
      expect(await probe.pubsub('NUMSUB', `${prefix}realtime`)).to.deep.equal([`${prefix}realtime`, 1]);
      await container.unbindAllAsync();
    });
  });
});
