import { expect } from 'chai';
import { PROCESSED_EVENT_STORE, type ProcessedEventStore } from '../../application/payments/ports.js';
import { STARTUP_TASK, type AppLogger, type StartupTask } from '../../application/shared/ports.js';
import { buildContainer } from '../../bootstrap/container.js';
import { ProcessedWebhookEventsRetention } from '../../bootstrap/modules/payments.js';
import { testConfig } from '../support/harness.js';

const SILENT: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DAY = 86_400_000;

describe('bootstrap: the record of taken payment webhooks is kept bounded', () => {
  it('a server forgets claims older than PAYMENT_WEBHOOK_RETENTION_MS on its hourly schedule', async () => {
    const container = await buildContainer(
      testConfig({ PAYMENT_WEBHOOK_RETENTION_MS: String(5 * DAY) }),
      SILENT,
    );
    try {
      const tasks = container.getAll<StartupTask>(STARTUP_TASK).map((task) => task.name);
      expect(tasks).to.include('forget processed webhook events');
      const store = container.get<ProcessedEventStore>(PROCESSED_EVENT_STORE);
      const now = Date.now();
      await store.claim('evt_six_days_ago', 'charge.refunded', new Date(now - 6 * DAY));
      await store.claim('evt_four_days_ago', 'charge.refunded', new Date(now - 4 * DAY));
      await container.get(ProcessedWebhookEventsRetention).sweepOnce();
      expect(await store.claim('evt_six_days_ago', 'charge.refunded', new Date())).to.equal(true);
      expect(await store.claim('evt_four_days_ago', 'charge.refunded', new Date())).to.equal(false);
    } finally {
      await container.unbindAllAsync();
    }
  });

  it('refuses a retention shorter than the gateways retry (4 days)', () => {
    expect(() => testConfig({ PAYMENT_WEBHOOK_RETENTION_MS: String(DAY) })).to.throw(
      /PAYMENT_WEBHOOK_RETENTION_MS/,
    );
  });
});
