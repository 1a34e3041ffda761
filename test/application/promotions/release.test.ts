import { expect } from 'chai';
import { ReleasePromoRedemptions } from '../../../application/promotions/use-cases.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryPromoCodeRepository } from '../../../adapters/persistence/memory/promotions-repository.js';
import { createPromo } from '../../../domain/promotions/promo-code.js';
import { FIXED_NOW, RecordingBus, testId } from '../../support/kit.js';

describe('application/promotions ReleasePromoRedemptions', () => {
  it('a failed payment keeps the redemption with the order (it still carries the discount)', async () => {
    const repo = new MemoryPromoCodeRepository(new MemoryDatabase());
    await repo.create(
      createPromo(
        testId(),
        { code: 'KEEP5', type: 'fixed', value: 500, usageLimit: 1 },
        'admin',
        FIXED_NOW,
      ).unwrap(),
    );
    await repo.redeem('KEEP5', 'u1', 'order-1', FIXED_NOW);
    const bus = new RecordingBus();
    await new ReleasePromoRedemptions(bus, repo, { info() {}, warn() {}, error() {} }).run();
    expect(bus.hasSubscriber('OrderPaymentFailed')).to.equal(false);
    expect((await repo.findByCode('keep5'))!.usedCount).to.equal(1);
    expect(await repo.redeemedFor('order-1')).to.deep.equal(['KEEP5']);
  });

  for (const type of ['OrderCancelled']) {
    it(`${type} gives the order's redemption back, once`, async () => {
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
      const bus = new RecordingBus();
      const logger = { info() {}, warn() {}, error() {} };
      await new ReleasePromoRedemptions(bus, repo, logger).run();
      await bus.publish([{ type, occurredAt: FIXED_NOW, payload: { orderId: 'order-1' } }]);
      await bus.publish([{ type, occurredAt: FIXED_NOW, payload: { orderId: 'order-1' } }]);
      expect((await repo.findByCode('back5'))!.usedCount).to.equal(0);
      expect(await repo.redeemedFor('order-1')).to.deep.equal([]);
      expect((await repo.redeem('BACK5', 'u3', 'order-3', FIXED_NOW)).isOk()).to.equal(true);
    });
  }
});
