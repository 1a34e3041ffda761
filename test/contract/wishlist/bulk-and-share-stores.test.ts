import { expect } from 'chai';
import type { BulkOperationStore, WishlistShareStore } from '../../../application/wishlist/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryBulkOperationStore } from '../../../adapters/persistence/memory/wishlist-bulk-operations.js';
import { MemoryWishlistShareStore } from '../../../adapters/persistence/memory/wishlist-shares.js';
import { MongoBulkOperationStore } from '../../../adapters/persistence/mongo/wishlist-bulk-operations.js';
import { MongoWishlistShareStore } from '../../../adapters/persistence/mongo/wishlist-shares.js';
import { startBulkOperation } from '../../../domain/wishlist/bulk-operation.js';
import type { WishlistShare } from '../../../domain/wishlist/share.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

const HOUR = 60 * 60 * 1000;
const at = (ms: number) => new Date(FIXED_NOW.getTime() + ms);

function bulkContract(make: () => Promise<BulkOperationStore>): void {
  const start = (userId: string, ids: string[]) =>
    startBulkOperation({
      id: testId(),
      userId,
      action: 'move-to-cart',
      productIds: ids,
      now: FIXED_NOW,
      keepForMs: 24 * HOUR,
    });

  it('records each outcome as it happens, in order; a reader sees the partial state, then completed', async () => {
    const store = await make();
    const op = start('u1', ['a', 'b', 'c', 'a']);
    await store.create(op);
    const fresh = await store.find(op.id, 'u1', at(1));
    expect(fresh).to.deep.include({
      status: 'running',
      productIds: ['a', 'b', 'c'],
      successful: [],
      failed: [],
    });
    await store.record(op.id, { success: 'a' }, at(2));
    await store.record(
      op.id,
      { failure: { id: 'b', code: 'INSUFFICIENT_STOCK', reason: 'Insufficient stock' } },
      at(3),
    );
    const mid = await store.find(op.id, 'u1', at(4));
    expect(mid).to.deep.include({
      status: 'running',
      successful: ['a'],
      failed: [{ id: 'b', code: 'INSUFFICIENT_STOCK', reason: 'Insufficient stock' }],
    });
    expect(mid!.updatedAt.getTime()).to.equal(at(3).getTime());
    await store.record(op.id, { success: 'c' }, at(5));
    await store.complete(op.id, at(6));
    const done = await store.find(op.id, 'u1', at(7));
    expect(done).to.deep.include({ status: 'completed', successful: ['a', 'c'], action: 'move-to-cart' });
  });

  it("is the owner's only, and gone once expired", async () => {
    const store = await make();
    const op = start('u1', ['a']);
    await store.create(op);
    expect(await store.find(op.id, 'u2', at(1))).to.equal(null);
    expect(await store.find(testId(), 'u1', at(1))).to.equal(null);
    expect(await store.find(op.id, 'u1', at(24 * HOUR - 1))).to.not.equal(null);
    expect(await store.find(op.id, 'u1', at(24 * HOUR))).to.equal(null);
  });
}

function shareContract(make: () => Promise<WishlistShareStore>): void {
  const share = (userId: string, createdAtMs: number, extra: Partial<WishlistShare> = {}): WishlistShare => ({
    id: testId(),
    userId,
    tokenHash: `hash-${testId()}`,
    createdAt: at(createdAtMs),
    expiresAt: at(createdAtMs + 24 * HOUR),
    ...extra,
  });

  it("finds a link by its token digest; lists a user's links newest first, bounded", async () => {
    const store = await make();
    const a = share('u1', 0);
    const b = share('u1', 1000);
    const c = share('u1', 2000);
    const other = share('u2', 3000);
    for (const s of [a, b, c, other]) await store.create(s);
    expect(await store.findByTokenHash(b.tokenHash)).to.deep.equal(b);
    expect(await store.findByTokenHash('nope')).to.equal(null);
    expect((await store.listByUser('u1', 10)).map((s) => s.id)).to.deep.equal([c.id, b.id, a.id]);
    expect((await store.listByUser('u1', 2)).map((s) => s.id)).to.deep.equal([c.id, b.id]);
    expect(await store.listByUser('u3', 10)).to.deep.equal([]);
  });

  it("revokes only the owner's link; a second revocation keeps the first time", async () => {
    const store = await make();
    const s = share('u1', 0);
    await store.create(s);
    expect(await store.revoke('u2', s.id, at(10))).to.equal(null);
    expect((await store.findByTokenHash(s.tokenHash))!.revokedAt).to.equal(undefined);
    expect(await store.revoke('u1', s.id, at(10))).to.deep.equal({ ...s, revokedAt: at(10) });
    expect(await store.revoke('u1', s.id, at(20))).to.deep.equal({ ...s, revokedAt: at(10) });
    expect((await store.findByTokenHash(s.tokenHash))!.revokedAt!.getTime()).to.equal(at(10).getTime());
    expect(await store.revoke('u1', testId(), at(30))).to.equal(null);
  });
}

describe('contract/wishlist BulkOperationStore and WishlistShareStore', () => {
  describe('memory', () => {
    bulkContract(async () => new MemoryBulkOperationStore(new MemoryDatabase()));
    shareContract(async () => new MemoryWishlistShareStore(new MemoryDatabase()));
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('wishlist-stores');
    bulkContract(async () => {
      const store = new MongoBulkOperationStore(mongo.connection());
      await mongo.reset();
      return store;
    });
    shareContract(async () => {
      const store = new MongoWishlistShareStore(mongo.connection());
      await mongo.reset();
      return store;
    });
  });
});
