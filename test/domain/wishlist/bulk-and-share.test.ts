import { expect } from 'chai';
import { processedOf, progressOf, startBulkOperation } from '../../../domain/wishlist/bulk-operation.js';
import { firstNameOf, isShareLive, shareStatus, type WishlistShare } from '../../../domain/wishlist/share.js';

describe('domain/wishlist bulk operations and share links', () => {
  const progress = (total: number, ok: number) =>
    progressOf({
      productIds: Array.from({ length: total }, (_, i) => `p${i}`),
      successful: Array(ok).fill('x'),
    });

  it('progress rounds as the seed does: 2 of 3 = 67, 1 of 3 = 33, 1 of 8 = 13; nothing to do = 100', () => {
    expect(progress(3, 2)).to.deep.equal({ completed: 2, total: 3, percentage: 67 });
    expect(progress(3, 1).percentage).to.equal(33);
    expect(progress(8, 1).percentage).to.equal(13);
    expect(progress(0, 0).percentage).to.equal(100);
    expect(processedOf({ successful: ['a'], failed: [{ id: 'b', code: 'X', reason: 'y' }] })).to.equal(2);
  });

  it('a new operation runs over the distinct ids and is kept for its time', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const op = startBulkOperation({
      id: 'o',
      userId: 'u',
      action: 'remove',
      productIds: ['a', 'b', 'a'],
      now,
      keepForMs: 1000,
    });
    expect(op).to.deep.include({ productIds: ['a', 'b'], status: 'running', successful: [], failed: [] });
    expect(op.expiresAt.getTime()).to.equal(now.getTime() + 1000);
  });

  it('a link is live until it expires (exclusive) or is revoked', () => {
    const share: WishlistShare = {
      id: 's',
      userId: 'u',
      tokenHash: 'h',
      createdAt: new Date(0),
      expiresAt: new Date(1000),
    };
    expect(isShareLive(share, new Date(999))).to.equal(true);
    expect(isShareLive(share, new Date(1000))).to.equal(false);
    expect(shareStatus(share, new Date(1000))).to.equal('expired');
    expect(isShareLive({ ...share, revokedAt: new Date(1) }, new Date(2))).to.equal(false);
    expect(shareStatus({ ...share, revokedAt: new Date(1) }, new Date(2))).to.equal('revoked');
  });

  it('only the first word of the name is shown, at most 50 characters', () => {
    expect(firstNameOf('  Meera Krishnan Iyer ')).to.equal('Meera');
    expect(firstNameOf('x'.repeat(80))).to.have.length(50);
  });
});
