import { expect } from 'chai';
import { ConfigError } from '../../../bootstrap/config.js';
import { buildTestApp, loginAdmin, registerUser, testConfig } from '../../support/harness.js';

describe('config: the notification safeguards', () => {
  it('defaults: 5 marketing and 30 transactional messages per recipient and hour; no unsubscribe secret (derived)', () => {
    expect(testConfig().notifications).to.deep.include({
      recipientMax: 5,
      recipientTransactionalMax: 30,
      recipientWindowMs: 3600_000,
      unsubscribeSecret: null,
    });
  });

  it('reads the variables; a short UNSUBSCRIBE_SECRET stops start-up naming it', () => {
    const n = testConfig({
      NOTIFICATION_RECIPIENT_MAX: '2',
      NOTIFICATION_RECIPIENT_TRANSACTIONAL_MAX: '4',
      NOTIFICATION_RECIPIENT_WINDOW_MS: '60000',
      UNSUBSCRIBE_SECRET: 'u'.repeat(32),
    }).notifications;
    expect(n).to.deep.include({
      recipientMax: 2,
      recipientTransactionalMax: 4,
      recipientWindowMs: 60_000,
      unsubscribeSecret: 'u'.repeat(32),
    });
    expect(() => testConfig({ UNSUBSCRIBE_SECRET: 'short' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.includes('UNSUBSCRIBE_SECRET');
    expect(() => testConfig({ NOTIFICATION_RECIPIENT_MAX: '0' })).to.throw(ConfigError);
  });

  it('NOTIFICATION_RECIPIENT_MAX reaches the send path: the third newsletter of the hour is recorded rate-limited', async () => {
    const t = await buildTestApp({ NOTIFICATION_RECIPIENT_MAX: '2' });
    try {
      const admin = await loginAdmin(t);
      const shopper = await registerUser(t);
      const statuses = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await t.request({
          method: 'POST',
          url: '/api/notifications/email',
          token: admin,
          body: { to: shopper.user._id, template: 'newsletter', variables: { headline: 'H', body: 'B' } },
        });
        expect(res.statusCode, res.body).to.equal(202);
        statuses.push(res.json().data.notification.lastError ?? 'ok');
      }
      expect(statuses).to.deep.equal(['ok', 'ok', 'rate-limited']);
    } finally {
      await t.close();
    }
  });
});
