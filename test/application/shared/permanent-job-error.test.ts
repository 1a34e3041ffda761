import { expect } from 'chai';
import { PermanentJobError } from '../../../application/shared/job-queue.js';
import { PushSubscriptionGone } from '../../../application/notifications/channels.js';

describe('PermanentJobError: recognized across module copies', () => {
  it('instanceof holds for the class and its subclasses, not the other way round', () => {
    const gone = new PushSubscriptionGone('https://push.example/x', 410);
    expect(gone).to.be.instanceOf(PermanentJobError).and.instanceOf(PushSubscriptionGone);
    expect(gone.name).to.equal('PushSubscriptionGone');
    expect(new PermanentJobError('x')).not.to.be.instanceOf(PushSubscriptionGone);
    expect(new Error('x')).not.to.be.instanceOf(PermanentJobError);
    expect({ name: 'PermanentJobError' }).not.to.be.instanceOf(PermanentJobError);
    expect(null).not.to.be.instanceOf(PermanentJobError);
  });

  it("an error from a dynamically imported copy (the runner's other loader) is still permanent", async () => {
    const queue = await import('../../../application/shared/job-queue.js');
    const channels = await import('../../../application/notifications/channels.js');
    expect(new queue.PermanentJobError('x')).to.be.instanceOf(PermanentJobError);
    const gone = new channels.PushSubscriptionGone('https://push.example/x', 404);
    expect(gone).to.be.instanceOf(PermanentJobError).and.instanceOf(PushSubscriptionGone);
    expect(new queue.PermanentJobError('x')).not.to.be.instanceOf(PushSubscriptionGone);
  });
});
