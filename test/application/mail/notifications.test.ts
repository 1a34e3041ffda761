import { expect } from 'chai';
import sinon from 'sinon';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import type { MailMessage, Mailer } from '../../../application/shared/mail.js';
import {
  SendMailWhenOrderExpired,
  SendMailWhenOrderPlaced,
  SendMailWhenOrderStatusChanged,
} from '../../../application/notifications/order-mails.js';
import { RecordingBus } from '../../support/kit.js';
import {
  formatDate,
  formatRupees,
  orderConfirmationMail,
  orderStatusMail,
} from '../../../application/notifications/templates.js';
import { passwordResetMail, welcomeMail } from '../../../application/identity/mails.js';
import { escapeHtml } from '../../../application/shared/mail.js';
import type { AppLogger } from '../../../application/shared/ports.js';
import { changeStatus, placeOrder, type Order } from '../../../domain/ordering/order.js';
import { aPlacedOrder, aUser, FIXED_NOW, testId } from '../../support/kit.js';

function newOrder(userId: string, overrides: Partial<Order> = {}): Order {
  const change = placeOrder({
    id: testId(),
    orderNumber: 'AF-000000042',
    userId,
    items: [
      {
        id: testId(),
        productId: testId(),
        name: 'Tulips <Spring>',
        unitPrice: 99950,
        quantity: 3,
        vase: { name: 'Glass', price: 20000 },
      },
      { id: testId(), productId: testId(), name: 'Card', unitPrice: 5000, quantity: 1 },
    ],
    shippingAddress: { fullName: 'Ravi', street: '1 Lake Rd', city: 'Pune', state: 'MH', zipCode: '411001' },
    shippingMethod: 'express',
    source: 'request',
    now: FIXED_NOW,
  });
  if (change.isErr()) throw new Error(change.error.message);
  return { ...change.value.order, ...overrides };
}

describe('notifications: mail templates', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).to.equal(
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;',
    );
  });

  it('formats rupees from minor units with Indian grouping, and dates in UTC', () => {
    expect(formatRupees(0)).to.equal('₹0.00');
    expect(formatRupees(129900)).to.equal('₹1,299.00');
    expect(formatRupees(12345678)).to.equal('₹1,23,456.78');
    expect(formatDate(new Date('2026-06-03T23:30:00Z'))).to.equal('Wednesday, 3 June 2026');
  });

  it('welcome and reset mails keep their subjects; values escaped in html only', () => {
    const w = welcomeMail('a@x.com', 'A & B', 'https://shop.example');
    expect(w.subject).to.equal('Welcome to Amour Florals');
    expect(w.text).to.contain('Hello A & B,');
    expect(w.html).to.contain('Hello A &#38; B,');
    const r = passwordResetMail('a@x.com', 'A', 'https://shop.example/reset-password/abc?x=1&y=2', 60);
    expect(r.text).to.contain('https://shop.example/reset-password/abc?x=1&y=2');
    expect(r.text).to.contain('within 60 minutes');
    expect(r.html).to.contain('href="https://shop.example/reset-password/abc?x=1&#38;y=2"');
  });

  it('the confirmation lists every line with options, quantities, unit and line prices, the totals and delivery', () => {
    const order = newOrder(testId());
    const mail = orderConfirmationMail('ravi@x.com', 'Ravi', order);
    expect(mail.to).to.equal('ravi@x.com');
    expect(mail.subject).to.equal('Your Amour Florals order AF-000000042');
    // (999.50 + 200 vase) x 3 = 3598.50; card 50; subtotal 3648.50; shipping, tax and total from the order
    expect(mail.text).to.contain('- Tulips <Spring> (Glass) x 3 @ ₹1,199.50 = ₹3,598.50');
    expect(mail.text).to.contain('- Card x 1 @ ₹50.00 = ₹50.00');
    expect(mail.text).to.contain(`Subtotal: ₹3,648.50`);
    expect(mail.text).to.contain(`Shipping (express): ${formatRupees(order.shippingFee)}`);
    expect(mail.text).to.contain(`Tax: ${formatRupees(order.tax)}`);
    expect(mail.text).to.contain(`Total: ${formatRupees(order.total)}`);
    expect(mail.text).not.to.contain('Discount');
    expect(mail.text).to.contain(`Estimated delivery: ${formatDate(order.estimatedDelivery)}`);
    expect(mail.text).to.contain('Pune, MH 411001\nUnited States');
    expect(mail.html).to.contain('Tulips &#60;Spring&#62; (Glass)');
    expect(mail.html).not.to.contain('<Spring>');
    const discounted = orderConfirmationMail('ravi@x.com', 'Ravi', { ...order, discount: 10000 });
    expect(discounted.text).to.contain('Discount: -₹100.00');
  });

  it('the status mail names the new status, the tracking number when set, and no delivery date once delivered', () => {
    const order = newOrder(testId(), { trackingNumber: 'TRK9', statusMessage: 'On its way' });
    const shipped = orderStatusMail('r@x.com', 'Ravi', order, 'shipped');
    expect(shipped.subject).to.equal('Your Amour Florals order AF-000000042 is shipped');
    expect(shipped.text).to.contain('is now: Shipped.');
    expect(shipped.text).to.contain('Tracking number: TRK9');
    expect(shipped.text).to.contain('On its way');
    expect(shipped.text).to.contain('Estimated delivery:');
    const delivered = orderStatusMail('r@x.com', 'Ravi', newOrder(testId()), 'delivered');
    expect(delivered.text).not.to.contain('Tracking number');
    expect(delivered.text).not.to.contain('Estimated delivery');
    expect(orderStatusMail('r@x.com', 'R', newOrder(testId()), 'processing').subject).to.match(
      /is being prepared$/,
    );
  });
});

describe('notifications: OrderMailSubscriber', () => {
  let db: MemoryDatabase;
  let orders: MemoryOrderRepository;
  let users: MemoryUserRepository;
  let bus: RecordingBus;
  let sent: MailMessage[];
  let mailer: Mailer & { send: sinon.SinonStub };
  let logger: AppLogger & { info: sinon.SinonSpy; warn: sinon.SinonSpy; error: sinon.SinonSpy };

  beforeEach(async () => {
    db = new MemoryDatabase();
    orders = new MemoryOrderRepository(db);
    users = new MemoryUserRepository(db);
    logger = { info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
    bus = new RecordingBus({ db, outboxes: [orders], logger });
    sent = [];
    mailer = {
      send: sinon.stub().callsFake(async (m: MailMessage) => {
        sent.push(m);
      }),
    };
    bus.subscribe('ordering.order-placed', new SendMailWhenOrderPlaced(orders, users, mailer, logger));
    bus.subscribe(
      'ordering.order-status-changed',
      new SendMailWhenOrderStatusChanged(orders, users, mailer, logger),
    );
    bus.subscribe('ordering.order-expired', new SendMailWhenOrderExpired(orders, users, mailer, logger));
  });

  async function savedUserAndOrder() {
    const user = aUser({ fullName: 'Ravi', email: 'ravi@x.com' });
    await users.create(user);
    const change = aPlacedOrder({
      userId: user.id,
      items: [{ productId: testId(), name: 'Roses', unitPrice: 100000 }],
    });
    const saved = (await orders.create(change.order, change.events)).unwrap();
    return { user, order: saved, events: change.events };
  }

  it('sends the confirmation to the user found by id on OrderPlaced, without holding up the publisher', async () => {
    const { order, events } = await savedUserAndOrder();
    let release!: () => void;
    mailer.send.callsFake(
      (m: MailMessage) =>
        new Promise<void>((resolve) => {
          release = () => {
            sent.push(m);
            resolve();
          };
        }),
    );
    await bus.publish(events); // returns while the mail is still being sent
    expect(sent).to.deep.equal([]);
    const drained = bus.drain();
    await new Promise((r) => setImmediate(r));
    release();
    await drained;
    expect(sent.map((m) => [m.to, m.subject])).to.deep.equal([
      ['ravi@x.com', `Your Amour Florals order ${order.orderNumber}`],
    ]);
  });

  it('sends one status mail per change (a cancellation included), none for OrderCancelled itself', async () => {
    const { order } = await savedUserAndOrder();
    const cancelled = changeStatus(order, { to: 'cancelled', by: 'admin', at: FIXED_NOW }).unwrap();
    expect(cancelled.events.map((e) => e.type)).to.deep.equal([
      'ordering.order-status-changed',
      'ordering.order-cancelled',
    ]);
    await orders.update(cancelled.order, cancelled.events);
    await bus.publish(cancelled.events);
    await bus.drain();
    expect(sent.map((m) => m.subject)).to.deep.equal([
      `Your Amour Florals order ${order.orderNumber} is cancelled`,
    ]);
  });

  it('logs and sends nothing when the user or the order is gone', async () => {
    const { user, events } = await savedUserAndOrder();
    await users.delete(user.id);
    await bus.publish(events);
    await bus.drain();
    expect(sent).to.deep.equal([]);
    expect(logger.warn.calledWithMatch('order mail skipped', { reason: 'user not found' })).to.equal(true);
  });

  it('a failing mailer is logged, never thrown to the publisher; the event stays pending and a redelivery sends it once', async () => {
    const { events, order } = await savedUserAndOrder();
    mailer.send.rejects(new Error('SMTP down'));
    await bus.publish(events);
    await bus.drain();
    expect(
      logger.error.calledWithMatch('event handler failed; the event will be redelivered', {
        handler: 'SendMailWhenOrderPlaced',
        error: 'Error: SMTP down',
      }),
    ).to.equal(true);
    expect((await orders.pending(new Date(8.64e15), 10)).map((e) => e.id)).to.deep.equal(
      events.map((e) => e.id),
    );

    mailer.send.callsFake(async (m: MailMessage) => void sent.push(m));
    await bus.publish(events); // the sweeper's redelivery
    await bus.drain();
    await bus.publish(events); // and a duplicate one
    await bus.drain();
    expect(sent.map((m) => m.subject)).to.deep.equal([`Your Amour Florals order ${order.orderNumber}`]);
    expect(await orders.pending(new Date(8.64e15), 10)).to.deep.equal([]);
  });
});
