import { testSafeguards } from '../../support/notifications.js';
import { expect } from 'chai';
import sinon from 'sinon';
import type { PushSubscription, PushSubscriptionStore } from '../../../application/notifications/channels.js';
import { DeliverNotification } from '../../../application/notifications/deliver-notification.js';
import {
  NotifyWhenDeliveryUpdated,
  NotifyWhenOrderExpired,
  NotifyWhenOrderPlaced,
  NotifyWhenOrderRefunded,
  NotifyWhenOrderStatusChanged,
  NotifyWhenPaymentFailed,
} from '../../../application/notifications/order-notifications.js';
import {
  NOTIFICATIONS_QUEUE,
  SendNotification,
  type DeliveryPolicy,
} from '../../../application/notifications/send-notification.js';
import type { MailMessage } from '../../../application/shared/mail.js';
import type { AppLogger } from '../../../application/shared/ports.js';
import { InProcessJobQueue } from '../../../adapters/queue/in-process-job-queue.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryNotificationRepository } from '../../../adapters/persistence/memory/notifications-repository.js';
import { MemoryOrderRepository } from '../../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { LiquidTemplateLibrary } from '../../../adapters/templates/liquid-template-library.js';
import { notificationTemplatesDir } from '../../../bootstrap/paths.js';
import type { Notification } from '../../../domain/notifications/notification.js';
import {
  orderEvent,
  orderRef,
  type OrderEvent,
  type OrderPaymentFailed,
  type OrderRefunded,
} from '../../../domain/ordering/events.js';
import { updateDelivery } from '../../../domain/ordering/delivery.js';
import { changeStatus, type Order } from '../../../domain/ordering/order.js';
import type { DomainEvent } from '../../../domain/shared/events.js';
import { aPlacedOrder, aUser, FIXED_NOW, RecordingBus, SequentialIds, TestClock } from '../../support/kit.js';

const POLICY: DeliveryPolicy = { attempts: 3, backoffMs: 1, resumeAfterMs: 60_000, resumeBatch: 100 };
const PUSH: PushSubscription = {
  endpoint: 'https://push.test/1',
  keys: { p256dh: 'k', auth: 'a' },
} as PushSubscription;

class Subscriptions implements PushSubscriptionStore {
  readonly byUser = new Map<string, PushSubscription[]>();
  async save(userId: string, s: PushSubscription): Promise<void> {
    this.byUser.set(userId, [s]);
  }
  async listByUser(userId: string): Promise<readonly PushSubscription[]> {
    return this.byUser.get(userId) ?? [];
  }
  async remove(): Promise<void> {}
}

/**
 * Two "instances" over one store: each has its own dispatcher (RecordingBus) and its own
 * handlers, sharing the handled-event store, the orders, users and notifications (one
 * MemoryDatabase) and one queue with its worker.
 */
function setup() {
  const db = new MemoryDatabase();
  const clock = new TestClock(FIXED_NOW);
  const orders = new MemoryOrderRepository(db);
  const users = new MemoryUserRepository(db);
  const notifications = new MemoryNotificationRepository(db);
  const subscriptions = new Subscriptions();
  const queue = new InProcessJobQueue(clock);
  const mails: MailMessage[] = [];
  const sms: unknown[] = [];
  const pushes: unknown[] = [];
  const logger: AppLogger & { warn: sinon.SinonSpy; error: sinon.SinonSpy } = {
    info: () => undefined,
    warn: sinon.spy(),
    error: sinon.spy(),
  };
  const templates = new LiquidTemplateLibrary(notificationTemplatesDir(), {
    name: 'Amour Florals',
    url: 'http://shop.test',
  });
  const deliver = new DeliverNotification(
    notifications,
    { send: async (m: MailMessage) => void mails.push(m) },
    { send: async (m) => (sms.push(m), {}) },
    { send: async (_s, m) => void pushes.push(m) },
    subscriptions,
    clock,
    logger,
  );
  void queue.process(NOTIFICATIONS_QUEUE, (job) => deliver.handle(job as never));
  const send = new SendNotification(
    templates,
    notifications,
    users,
    queue,
    new SequentialIds(),
    clock,
    POLICY,
    logger,
    testSafeguards(),
  );
  const instance = () => {
    const bus = new RecordingBus({ db, outboxes: [orders], logger });
    const args = [orders, users, subscriptions, send, logger] as const;
    bus.subscribe('ordering.order-placed', new NotifyWhenOrderPlaced(...args));
    bus.subscribe('ordering.order-status-changed', new NotifyWhenOrderStatusChanged(...args));
    bus.subscribe('ordering.order-expired', new NotifyWhenOrderExpired(...args));
    bus.subscribe('ordering.order-payment-failed', new NotifyWhenPaymentFailed(...args));
    bus.subscribe('ordering.order-refunded', new NotifyWhenOrderRefunded(...args));
    bus.subscribe('ordering.delivery-updated', new NotifyWhenDeliveryUpdated(...args));
    return bus;
  };
  const all = async (): Promise<readonly Notification[]> =>
    (await notifications.query({ page: 1, limit: 100 })).items;
  /** Waits for the worker to settle every stored notification. */
  const settled = async () => {
    while ((await notifications.listPending(new Date(8.64e15), 1)).length > 0) {
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  return {
    db,
    orders,
    users,
    subscriptions,
    notifications,
    queue,
    mails,
    sms,
    pushes,
    logger,
    instance,
    all,
    settled,
  };
}

type Setup = ReturnType<typeof setup>;

async function customerWithOrder(s: Setup, user = aUser({ fullName: 'Ravi', email: 'ravi@x.com' })) {
  await s.users.create(user);
  const change = aPlacedOrder({
    userId: user.id,
    items: [{ productId: 'p1', name: 'Roses', unitPrice: 100000 }],
  });
  const order = (await s.orders.create(change.order, change.events)).unwrap();
  return { user, order, placed: change.events };
}

/** Delivers `events` twice on each of two instances (a redelivery and another instance). */
async function deliverEverywhere(s: Setup, events: readonly DomainEvent[]) {
  const [a, b] = [s.instance(), s.instance()];
  await Promise.all([a.publish(events), b.publish(events)]);
  await Promise.all([a.drain(), b.drain()]);
  await Promise.all([a.publish(events), b.publish(events)]);
  await Promise.all([a.drain(), b.drain()]);
  await s.settled();
}

async function saveChange(s: Setup, order: Order, change: { order: Order; events: readonly OrderEvent[] }) {
  const saved = (await s.orders.update(change.order, change.events)).unwrap();
  expect(saved.version).to.be.greaterThan(order.version);
  return saved;
}

describe('notifications: order events -> one notification per channel per event', () => {
  afterEach(() => sinon.restore());

  it('order placed: one email with the lines and totals, however often and wherever the event is delivered', async () => {
    const s = setup();
    const { order, placed } = await customerWithOrder(s);
    await deliverEverywhere(s, placed);
    const stored = await s.all();
    expect(stored.map((n) => [n.id, n.type, n.template, n.status])).to.deep.equal([
      [`${placed[0]!.id}:email`, 'email', 'order-placed', 'sent'],
    ]);
    expect(stored[0]!.metadata).to.deep.equal({
      category: 'transactional',
      eventId: placed[0]!.id,
      orderId: order.id,
    });
    expect(s.mails.map((m) => m.subject)).to.deep.equal([`Your Amour Florals order ${order.orderNumber}`]);
    expect(s.mails[0]!.text).to.contain('- Roses x 1 @ ₹1,000.00 = ₹1,000.00');
    expect(s.mails[0]!.text).to.contain('Subtotal: ₹1,000.00');
    expect(s.mails[0]!.text).to.contain('Tax: ');
    expect(s.mails[0]!.text).to.contain('Pune, MH 411001');
  });

  it('the channel rule: sms only with smsNotifications on and a phone, push only with a subscription', async () => {
    const s = setup();
    const base = aUser({ phone: '+91 98450 12345' });
    const user = { ...base, preferences: { ...base.preferences, smsNotifications: true } };
    const { placed } = await customerWithOrder(s, user);
    await s.subscriptions.save(user.id, PUSH);
    await deliverEverywhere(s, placed);
    expect((await s.all()).map((n) => n.type).sort()).to.deep.equal(['email', 'push', 'sms']);
    expect([s.mails.length, s.sms.length, s.pushes.length]).to.deep.equal([1, 1, 1]);

    const s2 = setup();
    const noSms = aUser({ phone: '+91 98450 12345' }); // smsNotifications off by default
    const other = await customerWithOrder(s2, noSms);
    const noPhone = aUser();
    const third = await customerWithOrder(s2, {
      ...noPhone,
      preferences: { ...noPhone.preferences, smsNotifications: true },
    });
    await deliverEverywhere(s2, [...other.placed, ...third.placed]);
    expect((await s2.all()).map((n) => n.type)).to.deep.equal(['email', 'email']);
  });

  it('status changes: one message each (confirmed, shipped, delivered, cancelled), none when nothing changed', async () => {
    const s = setup();
    const { order } = await customerWithOrder(s);
    let current = order;
    const events: DomainEvent[] = [];
    for (const to of ['confirmed', 'processing', 'shipped', 'delivered'] as const) {
      const change = changeStatus(current, { to, by: 'admin', at: FIXED_NOW }).unwrap();
      current = await saveChange(s, current, change);
      events.push(...change.events);
    }
    await deliverEverywhere(s, events);
    // The worker sends in parallel: the order of arrival is not the order of the events.
    expect(s.mails.map((m) => m.subject).sort()).to.deep.equal([
      `Your Amour Florals order ${order.orderNumber} is being prepared`,
      `Your Amour Florals order ${order.orderNumber} is confirmed`,
      `Your Amour Florals order ${order.orderNumber} is delivered`,
      `Your Amour Florals order ${order.orderNumber} is shipped`,
    ]);

    const other = await customerWithOrder(s, aUser());
    const cancelled = changeStatus(other.order, { to: 'cancelled', by: 'admin', at: FIXED_NOW }).unwrap();
    await saveChange(s, other.order, cancelled);
    await deliverEverywhere(s, cancelled.events);
    expect(s.mails.at(-1)!.subject).to.equal(
      `Your Amour Florals order ${other.order.orderNumber} is cancelled`,
    );
    expect(s.mails).to.have.length(5);
  });

  it('an order cancelled by payment expiry gets the expiry message only, once', async () => {
    const s = setup();
    const { order } = await customerWithOrder(s);
    const cancelled = changeStatus(order, { to: 'cancelled', by: 'system', at: FIXED_NOW }).unwrap();
    const expiredOrder = { ...cancelled.order, expiry: { at: FIXED_NOW } } as unknown as Order;
    const expired = orderEvent(
      order,
      'ordering.order-expired',
      { ...orderRef(order), total: order.total },
      FIXED_NOW,
    );
    await saveChange(s, order, { order: expiredOrder, events: [...cancelled.events, expired] });
    await deliverEverywhere(s, [...cancelled.events, expired]);
    expect(s.mails.map((m) => m.subject)).to.deep.equal([
      `Your Amour Florals order ${order.orderNumber} was cancelled`,
    ]);
    expect(s.mails[0]!.text).to.contain('did not receive the payment');
  });

  it('payment failed and refund issued: one message each', async () => {
    const s = setup();
    const { order } = await customerWithOrder(s);
    const failed = orderEvent<OrderPaymentFailed>(
      order,
      'ordering.order-payment-failed',
      { ...orderRef(order), code: 'card_declined' },
      FIXED_NOW,
    );
    const refunded = orderEvent<OrderRefunded>(
      { ...order, version: order.version + 1 },
      'ordering.order-refunded',
      { ...orderRef(order), amount: 25_000, refundedTotal: 25_000 },
      FIXED_NOW,
    );
    await deliverEverywhere(s, [failed, refunded]);
    expect(s.mails.map((m) => m.subject).sort()).to.deep.equal([
      `Payment for your Amour Florals order ${order.orderNumber} did not go through`,
      `Your refund for Amour Florals order ${order.orderNumber}`,
    ]);
    expect(s.mails.find((m) => /refund/.test(m.subject))!.text).to.contain('We have refunded ₹250.00');
  });

  it('delivery updates: out for delivery and delivered each told once by the delivery message, not again by the status change they made', async () => {
    const s = setup();
    const { order } = await customerWithOrder(s);
    const confirmed = changeStatus(order, { to: 'confirmed', by: 'admin', at: FIXED_NOW }).unwrap();
    let current = await saveChange(s, order, confirmed);
    const processing = changeStatus(current, { to: 'processing', by: 'admin', at: FIXED_NOW }).unwrap();
    current = await saveChange(s, current, processing);
    const courier = { id: 'c1', name: 'Kiran', phone: '+91 90000 00001' };
    const out = updateDelivery(
      current,
      { action: 'out-for-delivery', trackingNumber: 'TRK-7' },
      { by: courier, at: new Date(FIXED_NOW.getTime() + 1000) },
    ).unwrap();
    current = await saveChange(s, current, out);
    const done = updateDelivery(
      current,
      { action: 'delivered', recipientName: 'Meera' },
      { by: courier, at: new Date(FIXED_NOW.getTime() + 2000) },
    ).unwrap();
    await saveChange(s, current, done);
    expect([...out.events, ...done.events].map((e) => e.type)).to.deep.equal([
      'ordering.order-status-changed',
      'ordering.delivery-updated',
      'ordering.order-status-changed',
      'ordering.delivery-updated',
    ]);
    await deliverEverywhere(s, [...out.events, ...done.events]);
    const out4 = s.mails.find((m) => / is out for delivery$/.test(m.subject));
    const delivered = s.mails.find((m) => / has been delivered$/.test(m.subject));
    expect(s.mails).to.have.length(2);
    expect(out4!.text).to.contain('Courier: Kiran (+91 90000 00001)');
    expect(out4!.text).to.contain('Tracking number: TRK-7');
    expect(delivered!.text).to.contain('Received by: Meera');
  });

  it('a handler run twice without the claim (no shared handled store) still stores one notification: the id is the event id + channel', async () => {
    const s = setup();
    const { placed } = await customerWithOrder(s);
    const handler = new NotifyWhenOrderPlaced(s.orders, s.users, s.subscriptions, sendOf(s), s.logger);
    await Promise.all([handler.handle(placed[0] as never), handler.handle(placed[0] as never)]);
    await s.settled();
    expect(await s.all()).to.have.length(1);
    expect(s.mails).to.have.length(1);
  });

  it('logs and creates nothing when the user is gone', async () => {
    const s = setup();
    const { user, placed } = await customerWithOrder(s);
    await s.users.delete(user.id);
    await deliverEverywhere(s, placed);
    expect(await s.all()).to.deep.equal([]);
    expect(
      s.logger.warn.calledWithMatch('order notification skipped', { reason: 'user not found' }),
    ).to.equal(true);
  });
});

function sendOf(s: Setup): SendNotification {
  return new SendNotification(
    new LiquidTemplateLibrary(notificationTemplatesDir(), { name: 'Amour Florals', url: 'http://shop.test' }),
    s.notifications,
    s.users,
    s.queue,
    new SequentialIds('f'),
    new TestClock(FIXED_NOW),
    POLICY,
    s.logger,
    testSafeguards(),
  );
}
