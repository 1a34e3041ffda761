import { expect } from 'chai';
import fc from 'fast-check';
import {
  LAST_ERROR_MAX,
  markSent,
  newNotification,
  recordFailure,
  type Notification,
} from '../../../domain/notifications/notification.js';
import { FIXED_NOW } from '../../support/kit.js';

const later = (ms: number) => new Date(FIXED_NOW.getTime() + ms);

function pending(): Notification {
  return newNotification({
    id: 'n1',
    userId: 'u1',
    type: 'email',
    template: 'welcome',
    subject: 'Welcome',
    content: 'Hello',
    recipient: 'asha@example.com',
    metadata: { category: 'transactional' },
    now: FIXED_NOW,
  });
}

describe('domain/notifications Notification', () => {
  it('starts pending with no attempts, version 0', () => {
    expect(pending()).to.deep.include({ status: 'pending', retryCount: 0, version: 0, createdAt: FIXED_NOW });
    expect(pending().sentAt).to.equal(undefined);
  });

  it('markSent records the time once; a settled message is left as it is', () => {
    const sent = markSent(pending(), later(5))!;
    expect(sent).to.deep.include({ status: 'sent', sentAt: later(5), updatedAt: later(5) });
    expect(markSent(sent, later(9))).to.equal(null);
    const failed = recordFailure(pending(), { error: 'x', final: true, at: later(1) })!;
    expect(markSent(failed, later(9))).to.equal(null);
  });

  it('recordFailure counts attempts, keeps the reason, and fails only on the final one', () => {
    const once = recordFailure(pending(), { error: 'timeout', final: false, at: later(1) })!;
    expect(once).to.deep.include({ status: 'pending', retryCount: 1, lastError: 'timeout' });
    const twice = recordFailure(once, { error: 'refused', final: true, at: later(2) })!;
    expect(twice).to.deep.include({ status: 'failed', retryCount: 2, lastError: 'refused' });
    expect(recordFailure(twice, { error: 'again', final: true, at: later(3) })).to.equal(null);
  });

  it('an empty reason is recorded as unknown; a long one is cut', () => {
    expect(recordFailure(pending(), { error: '  ', final: false, at: later(1) })!.lastError).to.equal(
      'unknown error',
    );
    const long = recordFailure(pending(), { error: 'e'.repeat(5000), final: false, at: later(1) })!;
    expect(long.lastError!.length).to.equal(LAST_ERROR_MAX);
  });

  it('property: n non-final failures then a send = retryCount n, sent; any final failure ends it', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 20 }), (finals) => {
        let n: Notification = pending();
        let failures = 0;
        for (const final of finals) {
          const next = recordFailure(n, { error: 'boom', final, at: later(failures + 1) });
          if (n.status !== 'pending') {
            expect(next).to.equal(null);
            continue;
          }
          failures += 1;
          n = next!;
        }
        const finalIndex = finals.indexOf(true);
        const expectedFailures = finalIndex === -1 ? finals.length : finalIndex + 1;
        expect(n.retryCount).to.equal(expectedFailures);
        expect(n.status).to.equal(finalIndex === -1 ? 'pending' : 'failed');
        const sent = markSent(n, later(99));
        expect(sent === null).to.equal(finalIndex !== -1);
        if (sent) expect(sent.retryCount).to.equal(expectedFailures);
      }),
    );
  });
});
