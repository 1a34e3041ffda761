import type { OrderExpired, OrderPlaced, OrderStatusChanged } from '../../domain/ordering/events.js';
import type { Order } from '../../domain/ordering/order.js';
import type { User } from '../../domain/identity/user.js';
import type { UserRepository } from '../identity/index.js';
import type { OrderRepository } from '../ordering/index.js';
import type { AppLogger, EventHandler } from '../shared/ports.js';
import type { Mailer, MailMessage } from '../shared/mail.js';
import { orderConfirmationMail, orderExpiredMail, orderStatusMail } from './templates.js';

/**
 * The shopper's order mails, driven by the ordering events (never called by the ordering use
 * cases). They run in the background: the request that recorded the event never waits for SMTP.
 * A failed send throws, so the event stays in the outbox and is delivered again later; a mail is
 * sent at most once per event unless the process dies between the send and its record (then it
 * may be sent twice: a mail cannot be taken back).
 */
abstract class OrderMail<
  E extends OrderPlaced | OrderStatusChanged | OrderExpired,
> implements EventHandler<E> {
  abstract readonly name: string;
  readonly background = true;

  constructor(
    private readonly orders: OrderRepository,
    private readonly users: UserRepository,
    private readonly mailer: Mailer,
    private readonly logger: AppLogger,
  ) {}

  protected abstract compose(event: E, user: User, order: Order): MailMessage | null;

  async handle(event: E): Promise<void> {
    const { orderId, userId } = event.payload;
    const [order, user] = await Promise.all([this.orders.findById(orderId), this.users.findById(userId)]);
    if (!order || !user) {
      this.logger.warn('order mail skipped', {
        event: event.type,
        orderId,
        reason: `${!order ? 'order' : 'user'} not found`,
      });
      return;
    }
    const message = this.compose(event, user, order);
    if (!message) return;
    await this.mailer.send(message);
    this.logger.info('order mail sent', { event: event.type, orderId });
  }
}

export class SendMailWhenOrderPlaced extends OrderMail<OrderPlaced> {
  readonly name = 'SendMailWhenOrderPlaced';

  protected compose(_event: OrderPlaced, user: User, order: Order): MailMessage {
    return orderConfirmationMail(user.email, user.fullName, order);
  }
}

/** A status mail; an order cancelled by payment expiry gets the expiry mail instead. */
export class SendMailWhenOrderStatusChanged extends OrderMail<OrderStatusChanged> {
  readonly name = 'SendMailWhenOrderStatusChanged';

  protected compose(event: OrderStatusChanged, user: User, order: Order): MailMessage | null {
    const { from, to } = event.payload;
    if (from === to) return null;
    if (to === 'cancelled' && order.expiry) return null; // the expiry mail tells them
    return orderStatusMail(user.email, user.fullName, order, to);
  }
}

export class SendMailWhenOrderExpired extends OrderMail<OrderExpired> {
  readonly name = 'SendMailWhenOrderExpired';

  protected compose(_event: OrderExpired, user: User, order: Order): MailMessage {
    return orderExpiredMail(user.email, user.fullName, order);
  }
}
