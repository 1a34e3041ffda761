import { expect } from 'chai';
import type { PushSubscriptionStore } from '../../../application/notifications/channels.js';

/** What every PushSubscriptionStore does alike (memory, MongoDB). */
export function pushSubscriptionStoreContract(fresh: () => Promise<PushSubscriptionStore>): void {
  let store: PushSubscriptionStore;
  beforeEach(async () => {
    store = await fresh();
  });
  const sub = (n: number, keys = { p256dh: `p256dh-${n}`, auth: `auth-${n}` }) => ({
    endpoint: `https://push.example/wpush/v2/${'x'.repeat(300)}-${n}`,
    keys,
  });
  const at = (s: number) => new Date(Date.UTC(2026, 5, 1, 10, 0, s));

  it("lists a user's subscriptions oldest first, and only theirs", async () => {
    await store.save('u1', sub(1), at(1));
    await store.save('u2', sub(2), at(2));
    await store.save('u1', sub(3), at(3));
    expect(await store.listByUser('u1')).to.deep.equal([sub(1), sub(3)]);
    expect(await store.listByUser('u2')).to.deep.equal([sub(2)]);
    expect(await store.listByUser('nobody')).to.deep.equal([]);
  });

  it('saving the same endpoint again refreshes its keys (one entry), or moves it to another user', async () => {
    await store.save('u1', sub(1), at(1));
    await store.save('u1', sub(1, { p256dh: 'new-p', auth: 'new-a' }), at(2));
    expect(await store.listByUser('u1')).to.deep.equal([sub(1, { p256dh: 'new-p', auth: 'new-a' })]);
    await store.save('u2', sub(1), at(3));
    expect(await store.listByUser('u1')).to.deep.equal([]);
    expect(await store.listByUser('u2')).to.deep.equal([sub(1)]);
  });

  it("removes a user's subscription, never another user's", async () => {
    await store.save('u1', sub(1), at(1));
    await store.save('u1', sub(2), at(2));
    await store.remove('u2', sub(1).endpoint);
    expect(await store.listByUser('u1')).to.have.length(2);
    await store.remove('u1', sub(1).endpoint);
    await store.remove('u1', sub(9).endpoint);
    expect(await store.listByUser('u1')).to.deep.equal([sub(2)]);
  });

  it('parallel saves of one endpoint leave exactly one entry', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.save('u1', sub(1, { p256dh: `p${i}`, auth: `a${i}` }), at(i)),
      ),
    );
    const listed = await store.listByUser('u1');
    expect(listed).to.have.length(1);
    expect(listed[0]!.keys.p256dh).to.match(/^p\d$/);
  });
}
