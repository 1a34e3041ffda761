import { createECDH, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  GetPushPublicKey,
  SubscribeToPush,
  UnsubscribeFromPush,
} from '../../../application/notifications/push-subscriptions.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryPushSubscriptionStore } from '../../../adapters/persistence/memory/notifications-push-subscriptions.js';
import { TestClock } from '../../support/kit.js';

function subscription() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `https://push.example/${randomBytes(8).toString('hex')}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

describe('push subscription use cases', () => {
  const clock = new TestClock();
  let store: MemoryPushSubscriptionStore;
  let subscribe: SubscribeToPush;
  beforeEach(() => {
    store = new MemoryPushSubscriptionStore(new MemoryDatabase());
    subscribe = new SubscribeToPush(store, clock, { vapidPublicKey: null, endpointHosts: ['push.example'] });
  });

  it('SubscribeToPush refuses, whoever calls it, a subscription no push can be encrypted for, naming the field', async () => {
    const good = subscription();
    const r = await subscribe.execute({
      userId: 'u1',
      subscription: { ...good, keys: { ...good.keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } },
    });
    expect(r.isErr() && r.error.code).to.equal('VALIDATION_FAILED');
    const fields = r.isErr() ? (r.error.details as { errors: { field: string }[] }).errors : [];
    expect(fields.map((e) => e.field)).to.deep.equal(['keys.p256dh']);
    expect(await store.listByUser('u1')).to.deep.equal([]);
    expect((await subscribe.execute({ userId: 'u1', subscription: good })).isOk()).to.equal(true);
    expect(await store.listByUser('u1')).to.deep.equal([good]);
  });

  it('SubscribeToPush refuses an endpoint outside the configured push services (no SSRF through the worker)', async () => {
    for (const endpoint of [
      'https://127.0.0.1/wpush/x',
      'https://169.254.169.254/latest/meta-data',
      'https://internal.corp/x',
      'https://push.example.evil.com/x',
      'https://evilpush.example/x',
    ]) {
      const r = await subscribe.execute({ userId: 'u1', subscription: { ...subscription(), endpoint } });
      const fields = r.isErr() ? (r.error.details as { errors: { field: string }[] }).errors : [];
      expect(
        fields.map((e) => e.field),
        endpoint,
      ).to.deep.equal(['endpoint']);
    }
    const sub = { ...subscription(), endpoint: 'https://eu.push.example/x' };
    expect((await subscribe.execute({ userId: 'u1', subscription: sub })).isOk()).to.equal(true);
    expect(await store.listByUser('u1')).to.deep.equal([sub]);
  });

  it('UnsubscribeFromPush leaves another user’s endpoint alone', async () => {
    const s = subscription();
    await subscribe.execute({ userId: 'u1', subscription: s });
    expect(
      (await new UnsubscribeFromPush(store).execute({ userId: 'u2', endpoint: s.endpoint })).isOk(),
    ).to.equal(true);
    expect(await store.listByUser('u1')).to.deep.equal([s]);
    await new UnsubscribeFromPush(store).execute({ userId: 'u1', endpoint: s.endpoint });
    expect(await store.listByUser('u1')).to.deep.equal([]);
  });

  it('GetPushPublicKey: PUSH_NOT_CONFIGURED without a key, else the key', () => {
    const none = new GetPushPublicKey({ vapidPublicKey: null, endpointHosts: [] }).execute();
    expect(none.isErr() && none.error.code).to.equal('PUSH_NOT_CONFIGURED');
    const some = new GetPushPublicKey({ vapidPublicKey: 'BKey', endpointHosts: [] }).execute();
    expect(some.isOk() && some.value).to.deep.equal({ publicKey: 'BKey' });
  });
});
