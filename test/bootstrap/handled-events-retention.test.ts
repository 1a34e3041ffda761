import { expect } from 'chai';
import { HANDLED_EVENT_STORE, type HandledEventStore } from '../../application/shared/event-ports.js';
import { STARTUP_TASK, type AppLogger, type StartupTask } from '../../application/shared/ports.js';
import { buildContainer } from '../../bootstrap/container.js';
import { HandledEventsRetention } from '../../bootstrap/modules/events.js';
import { testConfig } from '../support/harness.js';

const SILENT: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const HOUR = 3_600_000;

describe('bootstrap: the handled-event record is kept bounded', () => {
  it('a server forgets completed pairs older than EVENT_HANDLED_RETENTION_MS on its hourly schedule', async () => {
    const container = await buildContainer(testConfig({ EVENT_HANDLED_RETENTION_MS: String(HOUR) }), SILENT);
    try {
      const tasks = container.getAll<StartupTask>(STARTUP_TASK).map((task) => task.name);
      expect(tasks).to.include('forget handled events');
      const store = container.get<HandledEventStore>(HANDLED_EVENT_STORE);
      const now = Date.now();
      for (const [id, at] of [
        ['two-hours-ago', now - 2 * HOUR],
        ['a-minute-ago', now - 60_000],
      ] as const) {
        await store.claim('H', id, new Date(at), 1000);
        await store.complete('H', id, new Date(at));
      }
      await container.get(HandledEventsRetention).sweepOnce();
      expect(await store.claim('H', 'two-hours-ago', new Date(), 1000)).to.equal('claimed');
      expect(await store.claim('H', 'a-minute-ago', new Date(), 1000)).to.equal('done');
    } finally {
      await container.unbindAllAsync();
    }
  });

  it('refuses a retention under an hour', () => {
    expect(() => testConfig({ EVENT_HANDLED_RETENTION_MS: '60000' })).to.throw(/EVENT_HANDLED_RETENTION_MS/);
  });
});
