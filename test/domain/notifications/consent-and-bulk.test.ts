import { expect } from 'chai';
import { consents, requiredPreferences, unsubscribeTopicFor } from '../../../domain/notifications/consent.js';
import { bulkProgress } from '../../../domain/notifications/bulk.js';

const all = { emailNotifications: true, smsNotifications: true, newsletter: true };
const none = { emailNotifications: false, smsNotifications: false, newsletter: false };

describe('domain/notifications consent rules', () => {
  it('marketing needs: mail newsletter + emailNotifications, SMS smsNotifications, push newsletter', () => {
    expect(requiredPreferences('email', 'marketing')).to.deep.equal(['newsletter', 'emailNotifications']);
    expect(requiredPreferences('sms', 'marketing')).to.deep.equal(['smsNotifications']);
    expect(requiredPreferences('push', 'marketing')).to.deep.equal(['newsletter']);
    expect(consents({ ...all, emailNotifications: false }, 'email', 'marketing')).to.equal(false);
    expect(consents({ ...all, newsletter: false }, 'push', 'marketing')).to.equal(false);
    expect(consents({ ...none, newsletter: true }, 'push', 'marketing')).to.equal(true);
    expect(consents(all, 'email', 'marketing')).to.equal(true);
  });

  it('transactional: mail and push always, SMS only with smsNotifications', () => {
    expect(consents(none, 'email', 'transactional')).to.equal(true);
    expect(consents(none, 'push', 'transactional')).to.equal(true);
    expect(consents(none, 'sms', 'transactional')).to.equal(false);
    expect(consents({ ...none, smsNotifications: true }, 'sms', 'transactional')).to.equal(true);
  });

  it('an unsubscribe turns off what the message needs first: newsletter for marketing mail; nothing for a reset', () => {
    expect(unsubscribeTopicFor('email', 'marketing')).to.equal('newsletter');
    expect(unsubscribeTopicFor('sms', 'marketing')).to.equal('smsNotifications');
    expect(unsubscribeTopicFor('email', 'transactional')).to.equal(undefined);
  });
});

describe('domain/notifications bulk progress', () => {
  it('queued before any message, running while walking or pending, completed when walked and settled', () => {
    expect(bulkProgress({ estimated: 10, walked: undefined, pending: 0, sent: 0, failed: 0 })).to.deep.equal({
      status: 'queued',
      total: 10,
      completed: 0,
      failed: 0,
      pending: 10,
      percentage: 0,
    });
    expect(
      bulkProgress({ estimated: 10, walked: undefined, pending: 2, sent: 3, failed: 1 }),
    ).to.deep.include({
      status: 'running',
      total: 10,
      pending: 6,
      percentage: 40,
    });
    // The audience grew while walking: the total follows what was created.
    expect(bulkProgress({ estimated: 3, walked: undefined, pending: 1, sent: 3, failed: 0 }).total).to.equal(
      4,
    );
    // Walked but some still pending: never 100 %.
    expect(bulkProgress({ estimated: 100, walked: 100, pending: 1, sent: 99, failed: 0 })).to.deep.include({
      status: 'running',
      total: 100,
      percentage: 99,
    });
    expect(bulkProgress({ estimated: 5, walked: 4, pending: 0, sent: 3, failed: 1 })).to.deep.equal({
      status: 'completed',
      total: 4,
      completed: 3,
      failed: 1,
      pending: 0,
      percentage: 100,
    });
    expect(bulkProgress({ estimated: 0, walked: 0, pending: 0, sent: 0, failed: 0 })).to.deep.include({
      status: 'completed',
      percentage: 100,
    });
  });
});
