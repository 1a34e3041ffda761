import { expect } from 'chai';
import { ForgetProcessedWebhookEvents } from '../../../application/payments/webhooks.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryProcessedEventStore } from '../../../adapters/persistence/memory/payments-processed-events.js';
import type { AppLogger } from '../../../application/shared/ports.js';
import { FIXED_NOW, TestClock } from '../../support/kit.js';

const DAY = 86_400_000;

describe('application/payments: ForgetProcessedWebhookEvents', () => {
  it('forgets every claim older than the retention, in batches, and keeps the rest', async () => {
    const logged: string[] = [];
    const logger: AppLogger = {
      info: (m) => void logged.push(m),
      warn: () => undefined,
      error: () => undefined,
    };
    const store = new MemoryProcessedEventStore(new MemoryDatabase());
    const old = new Date(FIXED_NOW.getTime() - 31 * DAY);
    for (let i = 0; i < 2_500; i += 1) await store.claim(`evt_old_${i}`, 'charge.refunded', old);
    await store.claim('evt_fresh', 'charge.refunded', new Date(FIXED_NOW.getTime() - 29 * DAY));
    const forget = new ForgetProcessedWebhookEvents(store, new TestClock(FIXED_NOW), 30 * DAY, logger);
    expect(await forget.execute()).to.equal(2_500);
    expect(await forget.execute()).to.equal(0);
    expect(logged).to.deep.equal(['processed webhook events forgotten']); // once, for the run that forgot some
    expect(await store.claim('evt_old_2499', 'charge.refunded', FIXED_NOW)).to.equal(true);
    expect(await store.claim('evt_fresh', 'charge.refunded', FIXED_NOW)).to.equal(false);
  });
});
