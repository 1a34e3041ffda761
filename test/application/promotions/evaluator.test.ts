import { expect } from 'chai';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import type { CustomerOrderHistory } from '../../../application/promotions/ports.js';
import {
  CreatePromoCode,
  ListUserEligiblePromos,
  PromoEvaluator,
  ValidatePromoCode,
} from '../../../application/promotions/use-cases.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryPromoCodeRepository } from '../../../adapters/persistence/memory/promotions-repository.js';
import { placeOrder } from '../../../domain/ordering/order.js';
import { createPromo } from '../../../domain/promotions/promo-code.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

/** A stub history: answers what it is told and records who was asked about. */
class StubHistory implements CustomerOrderHistory {
  readonly asked: string[] = [];
  constructor(private readonly answer: boolean) {}
  async hasUncancelledOrder(userId: string): Promise<boolean> {
    this.asked.push(userId);
    return this.answer;
  }
  async hasOrder(): Promise<boolean> {
    throw new Error('the evaluator never asks about one order');
  }
}

const LINES = [{ categoryId: '', total: 10_000 }];

describe('application/promotions PromoEvaluator', () => {
  async function evaluatorWith(history: CustomerOrderHistory): Promise<PromoEvaluator> {
    const promos = new MemoryPromoCodeRepository(new MemoryDatabase());
    await promos.create(
      createPromo(
        testId(),
        { code: 'WELCOME', type: 'fixed', value: 500, firstOrderOnly: true },
        'admin',
        FIXED_NOW,
      ).unwrap(),
    );
    return new PromoEvaluator(promos, history, { now: () => FIXED_NOW }, { findById: async () => null });
  }

  it('a first-order-only code applies when the history says the shopper has no order', async () => {
    const history = new StubHistory(false);
    const r = await (await evaluatorWith(history)).evaluate('welcome', 'u1', LINES, 0);
    expect(r.unwrap().discount.discount).to.equal(500);
    expect(history.asked).to.deep.equal(['u1']);
  });

  it('is refused (PROMO_NOT_ELIGIBLE) when the history says the shopper has an order', async () => {
    const history = new StubHistory(true);
    const r = await (await evaluatorWith(history)).evaluate('welcome', 'u1', LINES, 0);
    expect(r.unwrapErr().code).to.equal('PROMO_NOT_ELIGIBLE');
    expect(history.asked).to.deep.equal(['u1']);
  });

  describe('as wired by bootstrap', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({ SEED_DEMO: 'false' });
    });
    after(async () => {
      await t.close();
    });

    it('never loads a shopper’s order list: first-order codes are decided by the narrow port', async () => {
      const orders = t.container.get<OrderRepository>(ORDER_REPOSITORY);
      // The whole history is out of bounds for promotions: any call to it fails the evaluation.
      orders.findByUser = () => Promise.reject(new Error('promotions loaded a whole order history'));
      const code = `FIRST${Date.now() % 100_000}`;
      (
        await t.container.get(CreatePromoCode).execute({
          draft: { code, type: 'fixed', value: 500, firstOrderOnly: true },
          createdBy: 'admin',
        })
      ).unwrap();
      const returning = testId();
      const newcomer = testId();
      const placed = placeOrder({
        id: testId(),
        orderNumber: 'AF-400000001',
        userId: returning,
        items: [{ id: testId(), productId: testId(), name: 'Red Roses', unitPrice: 10_000, quantity: 1 }],
        shippingAddress: { fullName: 'Asha', street: '1 Road', city: 'Pune', state: 'MH', zipCode: '411001' },
        source: 'request',
        now: FIXED_NOW,
      }).unwrap().order;
      (await orders.create(placed, [])).unwrap();

      const validate = t.container.get(ValidatePromoCode);
      const forReturning = (await validate.execute({ code, userId: returning, subtotal: 10_000 })).unwrap();
      expect(forReturning.valid).to.equal(false);
      expect(forReturning.reason?.code).to.equal('PROMO_NOT_ELIGIBLE');
      const forNewcomer = (await validate.execute({ code, userId: newcomer, subtotal: 10_000 })).unwrap();
      expect(forNewcomer).to.deep.include({ valid: true, discount: 500 });

      const eligible = t.container.get(ListUserEligiblePromos);
      const codesFor = async (userId: string) =>
        (await eligible.execute({ userId })).unwrap().map((p) => p.code);
      expect(await codesFor(newcomer)).to.include(code);
      expect(await codesFor(returning)).to.not.include(code);
    });
  });
});
