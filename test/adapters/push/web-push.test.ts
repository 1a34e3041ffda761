import { expect } from 'chai';
import sinon from 'sinon';
import webpush from 'web-push';
import { WebPushSender } from '../../../adapters/push/web-push.js';
import { PushSubscriptionGone, type PushSubscription } from '../../../application/notifications/channels.js';
import { PermanentJobError } from '../../../application/shared/job-queue.js';
import { FakePushService } from '../../support/push/fake-push-service.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    return error as Error;
  }
  return expect.fail('expected the send to be refused');
}

describe('WebPushSender (web-push, VAPID) against a local push service', () => {
  const service = new FakePushService();
  const vapid = webpush.generateVAPIDKeys();
  const logger = { info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
  let sender: WebPushSender;
  before(async () => {
    await service.start();
    sender = new WebPushSender(
      {
        ...vapid,
        subject: 'mailto:ops@amourflorals.example',
        ttlSeconds: 3600,
        agent: service.agent,
        endpointHosts: ['127.0.0.1'],
      },
      logger,
    );
  });
  after(async () => service.stop());

  it('delivers a message the push service accepts (VAPID JWT, TTL, aes128gcm) and the browser decrypts', async () => {
    const subscription = service.subscribe();
    await sender.send(subscription, {
      title: 'Out for delivery ✿',
      body: 'Your roses arrive by 3 pm',
      url: '/orders/42',
    });
    expect(service.rejected).to.deep.equal([]);
    const push = service.received.find((p) => p.endpoint === subscription.endpoint);
    expect(push).to.not.equal(undefined);
    expect(push!.vapidKey).to.equal(vapid.publicKey);
    expect(push!.jwt.aud).to.equal(service.origin);
    expect(push!.jwt.sub).to.equal('mailto:ops@amourflorals.example');
    expect(push!.ttl).to.equal(3600);
    expect(JSON.parse(push!.plaintext)).to.deep.equal({
      title: 'Out for delivery ✿',
      body: 'Your roses arrive by 3 pm',
      url: '/orders/42',
    });
    const logged = JSON.stringify(logger.info.args);
    expect(logged).to.contain(service.origin);
    expect(logged).not.to.contain(subscription.endpoint);
    expect(logged).not.to.contain('roses');
  });

  it('the service refuses a JWT signed with another key than the one announced (checked for real)', async () => {
    const other = webpush.generateVAPIDKeys();
    const forged = new WebPushSender(
      {
        publicKey: vapid.publicKey,
        privateKey: other.privateKey,
        subject: 'mailto:x@example.com',
        agent: service.agent,
        endpointHosts: ['127.0.0.1'],
      },
      logger,
    );
    const subscription = service.subscribe();
    const error = await rejection(forged.send(subscription, { title: 't', body: 'b' }));
    expect(service.rejected.at(-1)).to.include({ endpoint: subscription.endpoint, status: 403 });
    expect(service.rejected.at(-1)!.reason).to.contain('signature');
    expect(error).to.be.instanceOf(PermanentJobError);
  });

  for (const status of [404, 410]) {
    it(`the push service's ${status} rejects with PushSubscriptionGone (drop the subscription)`, async () => {
      const subscription = service.subscribe();
      service.setStatus(subscription, status);
      const error = await rejection(sender.send(subscription, { title: 't', body: 'b' }));
      expect(error).to.be.instanceOf(PushSubscriptionGone).and.instanceOf(PermanentJobError);
      expect(error).to.include({ endpoint: subscription.endpoint, status });
    });
  }

  for (const status of [429, 500, 503]) {
    it(`the push service's ${status} rejects plainly (retried)`, async () => {
      const subscription = service.subscribe();
      service.setStatus(subscription, status);
      const error = await rejection(sender.send(subscription, { title: 't', body: 'b' }));
      expect(error).not.to.be.instanceOf(PermanentJobError);
      expect(error.message).to.contain(String(status));
    });
  }

  it('a subscription with keys of the wrong size is a PermanentJobError, nothing sent', async () => {
    const subscription = service.subscribe();
    const before = service.received.length + service.rejected.length;
    const broken: PushSubscription = {
      endpoint: subscription.endpoint,
      keys: { p256dh: 'AAAA', auth: subscription.keys.auth },
    };
    const error = await rejection(sender.send(broken, { title: 't', body: 'b' }));
    expect(error).to.be.instanceOf(PermanentJobError);
    expect(service.received.length + service.rejected.length).to.equal(before);
  });

  it('an unreachable push service rejects plainly (retried)', async () => {
    const gone = await new FakePushService().start();
    const subscription = gone.subscribe();
    await gone.stop();
    const error = await rejection(sender.send(subscription, { title: 't', body: 'b' }));
    expect(error).not.to.be.instanceOf(PermanentJobError);
  });

  it('an endpoint outside its push services is a PermanentJobError, nothing sent (a stored subscription after PUSH_ENDPOINT_HOSTS changed)', async () => {
    const strict = new WebPushSender(
      {
        ...vapid,
        subject: 'mailto:ops@amourflorals.example',
        agent: service.agent,
        endpointHosts: ['fcm.googleapis.com'],
      },
      logger,
    );
    const subscription = service.subscribe();
    const before = service.received.length + service.rejected.length;
    const error = await rejection(strict.send(subscription, { title: 't', body: 'b' }));
    expect(error).to.be.instanceOf(PermanentJobError);
    expect(service.received.length + service.rejected.length).to.equal(before);
  });
});
