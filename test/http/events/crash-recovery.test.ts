import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { PAYMENT_GATEWAY } from '../../../application/payments/ports.js';
import { PROMO_CODE_REPOSITORY, type PromoCodeRepository } from '../../../application/promotions/ports.js';
import { DispatchPendingEvents } from '../../../application/shared/dispatch-pending-events.js';
import { EventDispatcher } from '../../../application/shared/event-dispatcher.js';
import type { FakePaymentGateway } from '../../../adapters/payments/fake-gateway.js';
import { ADDRESS, aProduct } from '../../support/kit.js';
import { loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { useProcesses } from './processes.js';
import { describeWith, mongoTestUri } from '../../support/services.js';
import { notificationsSettled } from '../../support/notifications.js';

/**
 * Issue 9: the process dies right after a use case's write (placement, payment, cancellation)
 * and before any reaction ran. The events rode in the order's own write; after a restart the
 * outbox sweeper delivers them, and every reaction happens exactly once — however often the
 * sweeper runs. (Dying between the stock hold's own writes is test/application/ordering/
 * reservations/crash-safety.test.ts.)
 */
function suite(label: string, env: () => Record<string, string>, restarts: boolean) {
  const processes = useProcesses(label, env, restarts);
  const { clock, dieAfterNextWrite } = processes;
  const recovered = () => processes.recovered;

  const post = (t: TestApp, url: string, token: string, body: unknown) =>
    t.request({ method: 'POST', url, token, body });
  const orderMails = (to: string): string[] => {
    const dir = processes.first.config.mail.outboxDir;
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { to: string; subject: string })
      .filter((m) => m.to === to && / order /.test(m.subject)) // the welcome mail aside
      .map((m) => m.subject);
  };
  /** After the restart, once the events count as left behind: the outbox sweeper, twice. */
  const recover = async (t: TestApp = processes.recovered) => {
    clock.advance(t.config.events.redeliverAfterMs + 1);
    for (let i = 0; i < 2; i++) {
      await t.container.get(DispatchPendingEvents).execute();
      await t.container.get(EventDispatcher).drain();
    }
    await notificationsSettled(t); // the messages go out through the job queue
    expect(
      await t.container.get<OrderRepository>(ORDER_REPOSITORY).pending(new Date(8.64e15), 10),
    ).to.deep.equal([]);
  };

  it('placement, payment and cancellation each die after their write: every reaction happens exactly once', async function () {
    this.timeout(60_000);
    const { first } = processes;
    const products = first.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const promos = first.container.get<PromoCodeRepository>(PROMO_CODE_REPOSITORY);
    const p = await products.create(
      aProduct({ price: 10_000, inventory: { stock: 10, lowStockThreshold: 0, isAvailable: true } }),
    );
    const admin = await loginAdmin(first);
    const code = `CRASH${label.toUpperCase()}`;
    expect(
      (await post(first, '/api/promos', admin, { code, type: 'fixed', value: 5, usageLimit: 5 })).statusCode,
    ).to.equal(201);
    const shopper = await registerUser(first);
    const stock = async () => (await products.findById(p.id))!.inventory.stock;
    const sales = async () => (await products.findById(p.id))!.salesCount;
    const used = async () => (await promos.findByCode(code))!.usedCount;

    // 1. Placement from the server cart, with the promo code; dies after storing the order.
    expect(
      (await post(first, '/api/cart', shopper.token, { productId: p.id, quantity: 3 })).statusCode,
    ).to.be.oneOf([200, 201]);
    dieAfterNextWrite();
    const placing = await post(first, '/api/orders', shopper.token, {
      items: [{ productId: p.id, quantity: 3, price: 1, name: 'x', image: 'y' }],
      shippingAddress: ADDRESS,
      promoCode: code,
    });
    expect(placing.statusCode).to.equal(500);
    const [stored] = await first.container
      .get<OrderRepository>(ORDER_REPOSITORY)
      .findByUser(shopper.user._id);
    expect(stored, 'the order was written before the crash').to.not.equal(undefined);
    const orderId = stored!.id;
    expect([await stock(), await sales(), await used()]).to.deep.equal([7, 0, 1]);
    expect(orderMails(shopper.user.email)).to.deep.equal([]);
    await recover();
    const cart = await recovered().request({ method: 'GET', url: '/api/cart', token: shopper.token });
    expect(cart.json().data.cart.items).to.deep.equal([]); // EmptyCartWhenOrderPlaced
    expect([await stock(), await sales(), await used()]).to.deep.equal([7, 3, 1]); // RecordSale, once
    expect(orderMails(shopper.user.email)).to.deep.equal([`Your Amour Florals order ${stored!.orderNumber}`]);

    // 2. Payment: captured and saved, then the process dies.
    const intent = await post(first, '/api/payments/create-intent', shopper.token, { orderId });
    expect(intent.statusCode, intent.body).to.equal(200);
    dieAfterNextWrite();
    const paying = await post(first, '/api/payments/confirm', shopper.token, {
      paymentIntentId: intent.json().data.paymentIntentId,
      paymentMethod: 'pm_card_visa',
    });
    expect(paying.statusCode).to.equal(500);
    const paid = (await recovered().container.get<OrderRepository>(ORDER_REPOSITORY).findById(orderId))!;
    expect([paid.status, paid.paymentStatus]).to.deep.equal(['confirmed', 'completed']);
    // The fake gateway lives in the first process (Stripe would be shared), so from here on that
    // process's sweeper recovers: what is under test is the outbox and the handled-event store.
    await recover(first);
    expect(orderMails(shopper.user.email).filter((s) => / is confirmed$/.test(s))).to.have.length(1);

    // 3. The shopper cancels the paid order; the process dies after saving the cancellation.
    dieAfterNextWrite();
    const cancelling = await first.request({
      method: 'PUT',
      url: `/api/orders/${orderId}/cancel`,
      token: shopper.token,
      body: { reason: 'changed my mind' },
    });
    expect(cancelling.statusCode).to.equal(500);
    expect([await stock(), await used()]).to.deep.equal([7, 1]); // nothing given back yet
    await recover(first);
    const cancelled = (await recovered().container.get<OrderRepository>(ORDER_REPOSITORY).findById(orderId))!;
    expect([cancelled.status, cancelled.paymentStatus, cancelled.refundAmount]).to.deep.equal([
      'cancelled',
      'refunded',
      cancelled.total,
    ]);
    expect([await stock(), await sales(), await used()]).to.deep.equal([10, 3, 0]);
    const gateway = first.container.get<FakePaymentGateway>(PAYMENT_GATEWAY);
    expect(gateway.refundedTotal(intent.json().data.paymentIntentId)).to.equal(cancelled.total); // refunded once
    expect(orderMails(shopper.user.email).filter((s) => / is cancelled$/.test(s))).to.have.length(1);
    expect(orderMails(shopper.user.email).filter((s) => /^Your refund for /.test(s))).to.have.length(1);
    expect(orderMails(shopper.user.email)).to.have.length(4);
  });
}

describe('events: a crash after a write loses no reaction and repeats none', () => {
  describe('memory (the dispatch fails; the sweeper redelivers)', () => suite('memory', () => ({}), false));
  describeWith(['mongo'], 'mongo (a second process on the same database recovers)', () =>
    suite('mongo', () => ({ MONGODB_URI: mongoTestUri('crash') }), true),
  );
});
