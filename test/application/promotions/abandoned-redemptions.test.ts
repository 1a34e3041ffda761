import { expect } from 'chai';
import type { OrderRepository } from '../../../application/ordering/ports.js';
import type { CustomerOrderHistory, PromoCodeRepository } from '../../../application/promotions/ports.js';
import { ReleaseAbandonedRedemptions } from '../../../application/promotions/abandoned-redemptions.js';
import { createPromo } from '../../../domain/promotions/promo-code.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryCustomerOrderHistory } from '../../../adapters/persistence/memory/promotions-customer-order-history.js';
import { MemoryPromoCodeRepository } from '../../../adapters/persistence/memory/promotions-repository.js';
import { MongoOrderRepository } from '../../../adapters/persistence/mongo/ordering-order-repository.js';
import { MongoCustomerOrderHistory } from '../../../adapters/persistence/mongo/promotions-customer-order-history.js';
import { MongoPromoCodeRepository } from '../../../adapters/persistence/mongo/promotions-repository.js';
import { describeWith } from '../../support/services.js';
import { useMongo } from '../../support/mongo.js';
import { aPlacedOrder, FIXED_NOW, TestClock, testId } from '../../support/kit.js';
import { testPiiCipher } from '../../support/pii.js';

const TTL = 15 * 60_000;

interface Stores {
  readonly promos: PromoCodeRepository;
  readonly history: CustomerOrderHistory;
  readonly orders: OrderRepository;
}

/**
 * Issue 9: "a promo redemption made just before a crash is never given back". A placement that
 * dies after redeeming and before storing its order leaves a redemption no order or event will
 * ever release; once a placement can no longer be running (its stock reservation's TTL), the
 * sweep gives the use back, exactly once, and leaves the redemptions of stored orders alone.
 */
function contract(make: () => Promise<Stores>): void {
  it('releases the use of a placement that died before storing its order, once; confirms the others', async () => {
    const { promos, history, orders } = await make();
    const code = `DEAD${testId().slice(-6)}`.toUpperCase();
    await promos.create(
      createPromo(testId(), { code, type: 'fixed', value: 500, usageLimit: 2 }, 'admin', FIXED_NOW).unwrap(),
    );
    const placed = aPlacedOrder({ now: FIXED_NOW });
    (await orders.create(placed.order, placed.events)).unwrap();
    (await promos.redeem(code, placed.order.userId, placed.order.id, FIXED_NOW)).unwrap();
    const ghost = testId(); // the order a dead placement never stored
    (await promos.redeem(code, 'u2', ghost, FIXED_NOW)).unwrap();
    expect((await promos.findByCode(code))!.usedCount).to.equal(2);

    const clock = new TestClock(new Date(FIXED_NOW.getTime() + TTL - 1));
    const sweep = new ReleaseAbandonedRedemptions(promos, history, clock, { abandonAfterMs: TTL });
    expect(await sweep.execute()).to.deep.equal({ released: 0, confirmed: 0 }); // may still be placing

    clock.advance(2);
    expect(await sweep.execute()).to.deep.equal({ released: 1, confirmed: 1 });
    expect((await promos.findByCode(code))!.usedCount).to.equal(1);
    expect(await promos.redeemedFor(ghost)).to.deep.equal([]);
    expect(await promos.redeemedFor(placed.order.id)).to.deep.equal([code]);

    clock.advance(TTL);
    expect(await sweep.execute()).to.deep.equal({ released: 0, confirmed: 0 }); // nothing twice
    expect((await promos.findByCode(code))!.usedCount).to.equal(1);
  });
}

describe('application/promotions ReleaseAbandonedRedemptions', () => {
  describe('memory', () => {
    contract(async () => {
      const db = new MemoryDatabase();
      return {
        promos: new MemoryPromoCodeRepository(db),
        history: new MemoryCustomerOrderHistory(db),
        orders: new MemoryOrderRepository(db),
      };
    });
  });
  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('abandoned');
    contract(async () => {
      await mongo.reset();
      return {
        promos: new MongoPromoCodeRepository(mongo.connection()),
        history: new MongoCustomerOrderHistory(mongo.connection()),
        orders: new MongoOrderRepository(mongo.connection(), testPiiCipher(mongo.connection())),
      };
    });
  });
});
