import { expect } from 'chai';
import fc from 'fast-check';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { CancelOrder } from '../../../application/ordering/cancel-order.js';
import { PlaceOrder } from '../../../application/ordering/place-order.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { ConfirmPayment, CreatePaymentIntent } from '../../../application/payments/intents.js';
import { CreatePromoCode } from '../../../application/promotions/use-cases.js';
import { PROMO_CODE_REPOSITORY, type PromoCodeRepository } from '../../../application/promotions/ports.js';
import { OrderExpirySchedule } from '../../../bootstrap/modules/ordering.js';
import type { Order } from '../../../domain/ordering/order.js';
import { ADDRESS, aProduct, TestClock, testId } from '../../support/kit.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

const TTL = 60_000;
const USAGE_LIMIT = 2;
const PER_USER = 1;
const USERS = 3;

type Action =
  { kind: 'place'; user: number } | { kind: 'fail' | 'pay' | 'cancel'; order: number } | { kind: 'expire' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('place' as const), user: fc.nat(USERS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), order: fc.nat(9) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), order: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), order: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
);

/**
 * Model-based property of the redemption rule (a use stays with its order until the order is
 * cancelled): whatever the sequence of place / declined payment / paid retry / cancel / expiry,
 * orders keeping a discount never outnumber the code's limits (overall and per shopper), paid
 * ones included, and the admin's usedCount is exactly the number of live discounted orders.
 */
describe('application/promotions: redemption model (place / fail / retry / pay / cancel / expire)', () => {
  let t: TestApp;
  const clock = new TestClock(new Date('2026-05-01T09:00:00Z'));
  before(async () => {
    t = await buildTestApp({ ORDER_PAYMENT_TTL_MS: String(TTL), SEED_DEMO: 'false' }, { clock });
  });
  after(async () => {
    await t.close();
  });
  let run = 0;

  it('never more discounted (paid) orders than usageLimit and perUserLimit; usedCount is exact', async function () {
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        run += 1;
        const code = `MODEL${run}`;
        {
          const c = t.container;
          const product = await c.get<ProductRepository>(PRODUCT_REPOSITORY).create(
            aProduct({
              price: 10_000,
              inventory: { stock: 10_000, lowStockThreshold: 0, isAvailable: true },
            }),
          );
          (
            await c.get(CreatePromoCode).execute({
              draft: {
                code,
                type: 'fixed',
                value: 500,
                usageLimit: USAGE_LIMIT,
                perUserLimit: PER_USER,
              },
              createdBy: 'admin',
            })
          ).unwrap();
          const users = Array.from({ length: USERS }, () => testId());
          const placed: Order[] = [];
          const orders = c.get<OrderRepository>(ORDER_REPOSITORY);
          const promos = c.get<PromoCodeRepository>(PROMO_CODE_REPOSITORY);

          const pay = async (order: Order, paymentMethod: string) => {
            const intent = await c
              .get(CreatePaymentIntent)
              .execute({ orderId: order.id, userId: order.userId });
            if (intent.isErr()) return;
            await c.get(ConfirmPayment).execute({
              paymentIntentId: intent.value.paymentIntentId,
              paymentMethod,
              userId: order.userId,
            });
          };

          for (const a of actions) {
            const target = 'order' in a ? placed[a.order % Math.max(1, placed.length)] : undefined;
            if (a.kind === 'place') {
              const r = await c.get(PlaceOrder).execute({
                userId: users[a.user]!,
                lines: { from: 'request', items: [{ productId: product.id, quantity: 1 }] },
                shippingAddress: ADDRESS,
                promoCode: code.toLowerCase(),
              });
              if (r.isOk()) placed.push(r.value.order);
            } else if (a.kind === 'fail' && target) {
              await pay(target, 'pm_card_chargeDeclined');
            } else if (a.kind === 'pay' && target) {
              await pay(target, 'pm_card_visa');
            } else if (a.kind === 'cancel' && target) {
              await c.get(CancelOrder).execute({ orderId: target.id, userId: target.userId });
            } else if (a.kind === 'expire') {
              clock.advance(TTL + 1);
              await c.get(OrderExpirySchedule).sweepOnce();
            }

            const all = (await Promise.all(placed.map((o) => orders.findById(o.id)))).map((o) => o!);
            const live = all.filter((o) => o.discount > 0 && o.status !== 'cancelled');
            const paid = all.filter((o) => o.discount > 0 && o.paymentStatus === 'completed');
            expect(live.length).to.be.at.most(USAGE_LIMIT);
            expect(paid.length).to.be.at.most(USAGE_LIMIT);
            for (const u of users) {
              expect(live.filter((o) => o.userId === u).length).to.be.at.most(PER_USER);
              expect(paid.filter((o) => o.userId === u).length).to.be.at.most(PER_USER);
            }
            // A cancelled order that had been paid is refunded, never left paid.
            for (const o of all)
              if (o.status === 'cancelled') expect(o.paymentStatus).to.not.equal('completed');
            expect((await promos.findByCode(code))!.usedCount).to.equal(live.length);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
