import { createECDH, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import webpush from 'web-push';
import {
  PUSH_SUBSCRIPTION_STORE,
  type PushSubscriptionStore,
} from '../../../application/notifications/channels.js';
import { MAX_PUSH_SUBSCRIPTIONS_PER_USER } from '../../../application/notifications/push-subscriptions.js';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { TestClock } from '../../support/kit.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

let n = 0;
/** What a browser's `PushSubscription.toJSON()` gives: real P-256 key, 16-byte secret. */
function browserSubscription() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  n += 1;
  return {
    endpoint: `https://fcm.googleapis.com/fcm/send/device-${n}-${randomBytes(6).toString('hex')}`,
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

describe('HTTP /api/notifications/push', () => {
  describe('GET /push/public-key', () => {
    it('answers 503 PUSH_NOT_CONFIGURED without VAPID keys (under /api/api too)', async () => {
      const t = await buildTestApp();
      try {
        for (const prefix of ['/api', '/api/api']) {
          const res = await t.request({ method: 'GET', url: `${prefix}/notifications/push/public-key` });
          expect(res.statusCode).to.equal(503);
          expect(res.json()).to.include({ status: 'error', code: 'PUSH_NOT_CONFIGURED' });
        }
      } finally {
        await t.close();
      }
    });

    it('answers the configured VAPID public key, without a token (under /api/api too)', async () => {
      const vapid = webpush.generateVAPIDKeys();
      const t = await buildTestApp({
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: 'mailto:ops@amourflorals.example',
      });
      try {
        for (const prefix of ['/api', '/api/api']) {
          const res = await t.request({ method: 'GET', url: `${prefix}/notifications/push/public-key` });
          expect(res.statusCode).to.equal(200);
          expect(res.json()).to.deep.equal({ status: 'success', data: { publicKey: vapid.publicKey } });
          expect(res.body).not.to.contain(vapid.privateKey);
        }
      } finally {
        await t.close();
      }
    });
  });

  describe('subscriptions (memory)', () => subscriptionRoutes(() => ({})));
  describeWith(['mongo'], 'subscriptions (MongoDB)', () =>
    subscriptionRoutes(() => ({ MONGODB_URI: mongoTestUri('push-routes') })),
  );
});

/** The subscription routes on the store `env` selects. */
function subscriptionRoutes(env: () => Record<string, string>): void {
  let t: TestApp;
  let store: PushSubscriptionStore;
  const clock = new TestClock(Date.now());
  let alice: Awaited<ReturnType<typeof registerUser>>;
  let bob: Awaited<ReturnType<typeof registerUser>>;

  before(async () => {
    t = await buildTestApp(env(), { clock });
    store = t.container.get<PushSubscriptionStore>(PUSH_SUBSCRIPTION_STORE);
  });
  after(async () => {
    if (t.config.mongo) await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await t.close();
  });
  beforeEach(async () => {
    alice = await registerUser(t);
    bob = await registerUser(t);
  });

  const subscribe = (body: unknown, token: string | null, prefix = '/api') => {
    clock.advance(1000);
    return t.request({
      method: 'POST',
      url: `${prefix}/notifications/push/subscriptions`,
      ...(token !== null ? { token } : {}),
      body,
    });
  };
  const unsubscribe = (body: unknown, token: string | null, prefix = '/api') =>
    t.request({
      method: 'DELETE',
      url: `${prefix}/notifications/push/subscriptions`,
      ...(token !== null ? { token } : {}),
      body,
    });
  const endpointsOf = async (userId: string) => (await store.listByUser(userId)).map((s) => s.endpoint);

  it("saves the browser's subscription for the signed-in user: 201 (under /api/api too); expirationTime ignored", async () => {
    const a = browserSubscription();
    const res = await subscribe(a, alice.token);
    expect(res.statusCode).to.equal(201);
    expect(res.json()).to.deep.include({
      status: 'success',
      data: { subscription: { endpoint: a.endpoint } },
    });
    const b = { ...browserSubscription(), expirationTime: 1_900_000_000_000 };
    expect((await subscribe(b, alice.token, '/api/api')).statusCode).to.equal(201);
    const { expirationTime: _ignored, ...withoutExpiry } = browserSubscription();
    expect((await subscribe(withoutExpiry, alice.token)).statusCode).to.equal(201);
    expect(await store.listByUser(alice.user._id)).to.deep.equal([
      { endpoint: a.endpoint, keys: a.keys },
      { endpoint: b.endpoint, keys: b.keys },
      { endpoint: withoutExpiry.endpoint, keys: withoutExpiry.keys },
    ]);
    expect(await endpointsOf(bob.user._id)).to.deep.equal([]);
  });

  it('subscribing the same endpoint again is idempotent and refreshes its keys', async () => {
    const a = browserSubscription();
    expect((await subscribe(a, alice.token)).statusCode).to.equal(201);
    expect((await subscribe(a, alice.token)).statusCode).to.equal(201);
    const refreshed = { ...a, keys: browserSubscription().keys };
    expect((await subscribe(refreshed, alice.token)).statusCode).to.equal(201);
    expect(await store.listByUser(alice.user._id)).to.deep.equal([
      { endpoint: a.endpoint, keys: refreshed.keys },
    ]);
  });

  it('answers 401 without a token or with a bad one, and saves nothing', async () => {
    const a = browserSubscription();
    expect((await subscribe(a, null)).statusCode).to.equal(401);
    expect((await subscribe(a, 'not-a-token')).statusCode).to.equal(401);
    expect((await unsubscribe({ endpoint: a.endpoint }, null)).statusCode).to.equal(401);
    expect(await endpointsOf(alice.user._id)).to.deep.equal([]);
  });

  it('bad input answers 400 naming the field, and saves nothing', async () => {
    const good = browserSubscription();
    const offCurve = Buffer.from(good.keys.p256dh, 'base64url');
    offCurve[64] = offCurve[64]! ^ 1;
    const cases: [unknown, string][] = [
      [{ ...good, keys: { ...good.keys, p256dh: offCurve.toString('base64url') } }, 'body.keys.p256dh'],
      [{ ...good, keys: { ...good.keys, p256dh: 'AAAA' } }, 'body.keys.p256dh'],
      [{ ...good, keys: { ...good.keys, p256dh: 'x'.repeat(5000) } }, 'body.keys.p256dh'],
      [{ ...good, keys: { ...good.keys, auth: randomBytes(15).toString('base64url') } }, 'body.keys.auth'],
      [{ ...good, keys: { p256dh: good.keys.p256dh } }, 'body.keys.auth'],
      [{ ...good, keys: { ...good.keys, extra: 'x' } }, 'body.keys.extra'],
      [{ ...good, endpoint: 'http://push.example/x' }, 'body.endpoint'],
      [{ ...good, endpoint: `https://push.example/${'a'.repeat(3000)}` }, 'body.endpoint'],
      [{ ...good, endpoint: 42 }, 'body.endpoint'],
      [{ keys: good.keys }, 'body.endpoint'],
      [{ endpoint: good.endpoint }, 'body.keys'],
      [{ ...good, expirationTime: 'soon' }, 'body.expirationTime'],
      [{ ...good, userId: bob.user._id }, 'body.userId'],
    ];
    for (const [body, field] of cases) {
      const res = await subscribe(body, alice.token);
      expect(res.statusCode, field).to.equal(400);
      expect(res.json().code).to.equal('VALIDATION_FAILED');
      expect(
        res.json().errors.map((e: { field: string }) => e.field),
        JSON.stringify(body).slice(0, 80),
      ).to.include(field);
    }
    expect((await subscribe(undefined, alice.token)).statusCode).to.equal(400);
    expect(await endpointsOf(alice.user._id)).to.deep.equal([]);
    expect(await endpointsOf(bob.user._id)).to.deep.equal([]);
  });

  it(`a user keeps their ${MAX_PUSH_SUBSCRIPTIONS_PER_USER} latest browsers; one more drops the oldest`, async () => {
    const subs = Array.from({ length: MAX_PUSH_SUBSCRIPTIONS_PER_USER + 2 }, browserSubscription);
    for (const s of subs) expect((await subscribe(s, alice.token)).statusCode).to.equal(201);
    expect(await endpointsOf(alice.user._id)).to.deep.equal(subs.slice(2).map((s) => s.endpoint));
    // Re-subscribing a kept one does not drop it.
    expect((await subscribe(subs[2], alice.token)).statusCode).to.equal(201);
    expect(await endpointsOf(alice.user._id)).to.have.members(subs.slice(2).map((s) => s.endpoint));
  });

  it('DELETE removes the subscription: 200, and 200 again (idempotent), under /api/api too', async () => {
    const a = browserSubscription();
    const b = browserSubscription();
    await subscribe(a, alice.token);
    await subscribe(b, alice.token);
    const first = await unsubscribe({ endpoint: a.endpoint }, alice.token);
    expect(first.statusCode).to.equal(200);
    expect(first.json()).to.include({ status: 'success' });
    expect(await endpointsOf(alice.user._id)).to.deep.equal([b.endpoint]);
    expect((await unsubscribe({ endpoint: a.endpoint }, alice.token)).statusCode).to.equal(200);
    expect((await unsubscribe({ endpoint: b.endpoint }, alice.token, '/api/api')).statusCode).to.equal(200);
    expect(await endpointsOf(alice.user._id)).to.deep.equal([]);
    expect((await unsubscribe({ endpoint: 'https://push.example/never' }, alice.token)).statusCode).to.equal(
      200,
    );
  });

  it("another user's endpoint is not removed (answered alike, so it reveals nothing)", async () => {
    const a = browserSubscription();
    await subscribe(a, alice.token);
    const res = await unsubscribe({ endpoint: a.endpoint }, bob.token);
    expect(res.statusCode).to.equal(200);
    expect(await endpointsOf(alice.user._id)).to.deep.equal([a.endpoint]);
  });

  it('a browser another user subscribed moves to the user who subscribes it last', async () => {
    const a = browserSubscription();
    await subscribe(a, alice.token);
    expect((await subscribe(a, bob.token)).statusCode).to.equal(201);
    expect(await endpointsOf(alice.user._id)).to.deep.equal([]);
    expect(await endpointsOf(bob.user._id)).to.deep.equal([a.endpoint]);
  });

  it('DELETE without an endpoint, or with more than one field, is 400 naming the field', async () => {
    for (const [body, field] of [
      [{}, 'body.endpoint'],
      [{ endpoint: '' }, 'body.endpoint'],
      [{ endpoint: 'x'.repeat(3000) }, 'body.endpoint'],
      [{ endpoint: 'https://push.example/x', userId: bob.user._id }, 'body.userId'],
    ] as const) {
      const res = await unsubscribe(body, alice.token);
      expect(res.statusCode, field).to.equal(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).to.include(field);
    }
  });
}
