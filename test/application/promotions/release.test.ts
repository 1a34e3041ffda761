import { expect } from 'chai';
import { ReleasePromoWhenOrderCancelled } from '../../../application/promotions/handlers.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryPromoCodeRepository } from '../../../adapters/persistence/memory/promotions-repository.js';
import { createPromo } from '../../../domain/promotions/promo-code.js';
import type { OrderCancelled } from '../../../domain/ordering/events.js';
import { REACTIONS } from '../../../bootstrap/modules/events.js';
import { FIXED_NOW, testId } from '../../support/kit.js';

function cancelled(orderId: string): OrderCancelled {
  return {
    id: `${orderId}:2:ordering.order-cancelled`,
    type: 'ordering.order-cancelled',
    aggregateId: orderId,
    occurredAt: FIXED_NOW,
    payload: { orderId, orderNumber: 'AF-1', userId: 'u1', changedBy: 'u1', items: [] },
  };
}

describe('application/promotions ReleasePromoWhenOrderCancelled', () => {
  it('is the only promo reaction, and it reacts to cancellations: a failed payment keeps the redemption', () => {
    const reactingTo = Object.entries(REACTIONS)
      .filter(([, handlers]) => handlers!.some((h) => h === ReleasePromoWhenOrderCancelled))
      .map(([type]) => type);
    expect(reactingTo).to.deep.equal(['ordering.order-cancelled']);
  });

  it("gives the order's redemption back, once, however often the event is delivered", async () => {
    const repo = new MemoryPromoCodeRepository(new MemoryDatabase());
    await repo.create(
      createPromo(
        testId(),
        { code: 'BACK5', type: 'fixed', value: 500, usageLimit: 1 },
        'admin',
        FIXED_NOW,
      ).unwrap(),
    );
    await repo.redeem('BACK5', 'u1', 'order-1', FIXED_NOW);
    await repo.redeem('BACK5', 'u2', 'order-2', FIXED_NOW);
    const handler = new ReleasePromoWhenOrderCancelled(repo);
    await handler.handle(cancelled('order-1'));
    await handler.handle(cancelled('order-1'));
    expect((await repo.findByCode('back5'))!.usedCount).to.equal(0);
    expect(await repo.redeemedFor('order-1')).to.deep.equal([]);
    expect((await repo.redeem('BACK5', 'u3', 'order-3', FIXED_NOW)).isOk()).to.equal(true);
  });
});
