import type { OrderPlaced, OrderStatusChanged } from '../../domain/ordering/order.js';
import type { OrderExpired } from '../../domain/ordering/order-payment.js';
import type { UserRepository } from '../identity/ports.js';
import type { OrderRepository } from '../ordering/ports.js';
import type { AppLogger, EventBus, StartupTask } from '../shared/ports.js';
import type { Mailer, MailMessage } from './ports.js';
import { orderConfirmationMail, orderExpiredMail, orderStatusMail } from './templates.js';

/**
 * Mails the shopper about their orders, driven by the ordering events on the bus (never called
 * by the ordering use cases): a confirmation on OrderPlaced, a status mail on OrderStatusChanged
 * (a cancellation is an OrderStatusChanged to `cancelled` too, so OrderCancelled sends nothing
 * more); an order cancelled by payment expiry gets the expiry mail on OrderExpired instead of the
 * status mail (OrderExpired is published after the stock went back, and again if a sweeper
 * settles the expiry after a crash, so that mail is at-least-once). The handler only starts the work: the request that published the event never waits
 * for SMTP, and a failure is logged, never reported to it. `drain()` waits for mails in flight
 * (called when the process closes).
 */
export class OrderMailSubscriber implements StartupTask {
  readonly name = 'notifications: order mails';
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly events: EventBus,
    private readonly orders: OrderRepository,
    private readonly users: UserRepository,
    private readonly mailer: Mailer,
    private readonly logger: AppLogger,
  ) {}

  async run(): Promise<void> {
    this.events.subscribe('OrderPlaced', (event) => {
      this.start(this.confirmation(event as OrderPlaced), event.type);
    });
    this.events.subscribe('OrderStatusChanged', (event) => {
      this.start(this.statusChange(event as OrderStatusChanged), event.type);
    });
    this.events.subscribe('OrderExpired', (event) => {
      this.start(this.expired(event as OrderExpired), event.type);
    });
  }

  /** Resolves when every mail started so far is sent or has failed. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private start(work: Promise<void>, type: string): void {
    const tracked = work
      .catch((error: unknown) => {
        this.logger.error('order mail failed', { event: type, error: String(error) });
      })
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async confirmation(event: OrderPlaced): Promise<void> {
    const { orderId, userId } = event.payload;
    const [order, user] = await Promise.all([this.orders.findById(orderId), this.users.findById(userId)]);
    if (!order || !user) return this.skip(event.type, orderId, !order ? 'order' : 'user');
    await this.send(orderConfirmationMail(user.email, user.fullName, order), event.type, orderId);
  }

  private async statusChange(event: OrderStatusChanged): Promise<void> {
    const { orderId, userId, from, to } = event.payload;
    if (from === to) return;
    const [order, user] = await Promise.all([this.orders.findById(orderId), this.users.findById(userId)]);
    if (!order || !user) return this.skip(event.type, orderId, !order ? 'order' : 'user');
    if (to === 'cancelled' && order.expiry) return; // the expiry mail tells them
    await this.send(orderStatusMail(user.email, user.fullName, order, to), event.type, orderId);
  }

  private async expired(event: OrderExpired): Promise<void> {
    const { orderId, userId } = event.payload;
    const [order, user] = await Promise.all([this.orders.findById(orderId), this.users.findById(userId)]);
    if (!order || !user) return this.skip(event.type, orderId, !order ? 'order' : 'user');
    await this.send(orderExpiredMail(user.email, user.fullName, order), event.type, orderId);
  }

  private async send(message: MailMessage, type: string, orderId: string): Promise<void> {
    await this.mailer.send(message);
    this.logger.info('order mail sent', { event: type, orderId });
  }

  private skip(type: string, orderId: string, missing: string): void {
    this.logger.warn('order mail skipped', { event: type, orderId, reason: `${missing} not found` });
  }
}
