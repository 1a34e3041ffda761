import { expect } from 'chai';
import { ForgetHandledEvents } from '../../../application/shared/forget-handled-events.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryHandledEventStore } from '../../../adapters/persistence/memory/events-handled.js';
import type { AppLogger } from '../../../application/shared/ports.js';
import { FIXED_NOW, TestClock } from '../../support/kit.js';

const DAY = 86_400_000;
const logged: string[] = [];
const logger: AppLogger = { info: (m) => void logged.push(m), warn: () => undefined, error: () => undefined };

describe('application: ForgetHandledEvents', () => {
  it('forgets every pair completed before the retention, in batches, and keeps the rest', async () => {
    const store = new MemoryHandledEventStore(new MemoryDatabase());
    const old = new Date(FIXED_NOW.getTime() - 8 * DAY);
    const fresh = new Date(FIXED_NOW.getTime() - 6 * DAY);
    for (let i = 0; i < 2_500; i += 1) {
      await store.claim('H', `old-${i}`, old, 1000);
      await store.complete('H', `old-${i}`, old);
    }
    await store.claim('H', 'fresh', fresh, 1000);
    await store.complete('H', 'fresh', fresh);
    const forget = new ForgetHandledEvents(store, new TestClock(FIXED_NOW), 7 * DAY, logger);
    expect(await forget.execute()).to.equal(2_500);
    expect(await forget.execute()).to.equal(0);
    expect(logged).to.deep.equal(['handled events forgotten']); // once, for the run that forgot some
    expect(await store.claim('H', 'old-2499', FIXED_NOW, 1000)).to.equal('claimed');
    expect(await store.claim('H', 'fresh', FIXED_NOW, 1000)).to.equal('done');
  });
});
