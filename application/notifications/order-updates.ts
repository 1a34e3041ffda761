import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { NotificationType } from '../../domain/notifications/notification.js';
import type { UserRepository } from '../identity/index.js';
import { findOrder, type OrderRepository } from '../ordering/index.js';
import type { PushSubscriptionStore } from './channels.js';
import type { TemplateLibrary, TemplateVariables } from './ports.js';
import { invalid, type SendNotification } from './send-notification.js';
import { checkTemplateVariables } from './template-variables.js';

/** The template an admin's note about an order is sent with unless another is named. */
export const ORDER_UPDATE_TEMPLATE = 'order-update';

export interface NotifyAboutOrderInput {
  /** The order's id or number. */
  readonly order: string;
  /** Non-empty; repeats are sent once. */
  readonly channels: readonly NotificationType[];
  readonly template?: string;
  readonly message?: string;
  /** The admin's user id (kept in the notifications' metadata). */
  readonly requestedBy: string;
}

/** What happened on one channel: queued (its notification id) or why the customer cannot get it. */
export type ChannelOutcome =
  | { readonly channel: NotificationType; readonly status: 'queued'; readonly notificationId: string }
  | { readonly channel: NotificationType; readonly status: 'unreachable'; readonly reason: string };

/**
 * An admin's update about one order to its customer over chosen channels (POST
 * /api/orders/:id/notifications). The template (default `order-update`) gets the customer's
 * name, the order number and the message; it is checked for every channel before anything is
 * sent, so a bad request sends nothing. A channel the customer cannot receive (no phone, no
 * push subscription) is reported as unreachable, the others still go.
 */
export class NotifyCustomerAboutOrder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly users: UserRepository,
    private readonly subscriptions: PushSubscriptionStore,
    private readonly templates: TemplateLibrary,
    private readonly send: SendNotification,
  ) {}

  async execute(input: NotifyAboutOrderInput): Promise<Result<ChannelOutcome[], DomainError>> {
    const channels = [...new Set(input.channels)];
    if (channels.length === 0) return Err(invalid('channels', 'Choose at least one channel'));
    const order = await findOrder(this.orders, input.order);
    if (!order) return Err(domainError('ORDER_NOT_FOUND', 'Order not found'));
    const name = input.template ?? ORDER_UPDATE_TEMPLATE;
    const template = await this.templates.describe(name);
    if (!template) return Err(invalid('template', `There is no template ${name}`));
    const user = await this.users.findById(order.userId);
    const variables: TemplateVariables = {
      name: user?.fullName ?? order.shippingAddress.fullName,
      orderNumber: order.orderNumber,
      ...(input.message !== undefined ? { message: input.message } : {}),
    };
    for (const channel of channels) {
      const checked = checkTemplateVariables(template, channel, variables);
      if (checked.isErr()) return checked;
    }

    const outcomes: ChannelOutcome[] = [];
    for (const channel of channels) {
      if (!user) {
        outcomes.push({ channel, status: 'unreachable', reason: 'The customer’s account no longer exists' });
        continue;
      }
      const unreachable = await this.reach(user, channel);
      if (unreachable !== null) {
        outcomes.push({ channel, status: 'unreachable', reason: unreachable });
        continue;
      }
      const sent = await this.send.execute({
        channel,
        to: { userId: user.id },
        template: name,
        variables,
        category: 'transactional',
        metadata: { orderId: order.id, requestedBy: input.requestedBy },
      });
      if (sent.isErr()) {
        if (sent.error.code !== 'RECIPIENT_UNREACHABLE') return sent;
        outcomes.push({ channel, status: 'unreachable', reason: sent.error.message });
        continue;
      }
      outcomes.push({ channel, status: 'queued', notificationId: sent.value.id });
    }
    return Ok(outcomes);
  }

  /** Why this user cannot get a message on `channel`, or null. */
  private async reach(
    user: { readonly id: string; readonly phone?: string },
    channel: NotificationType,
  ): Promise<string | null> {
    if (channel === 'sms' && !user.phone) return 'The customer has no phone number';
    if (channel === 'push' && (await this.subscriptions.listByUser(user.id)).length === 0) {
      return 'The customer has no push subscription';
    }
    return null;
  }
}
