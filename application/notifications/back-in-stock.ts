import type { BackInStockMessage, BackInStockMessages } from '../inventory/index.js';
import type { AppLogger } from '../shared/ports.js';
import type { SendNotification } from './send-notification.js';

/** The id of a request's back-in-stock message: one per request, however often it is asked. */
export function backInStockNotificationId(requestId: string): string {
  return `back-in-stock:${requestId}`;
}

/**
 * The inventory's back-in-stock messages through the notification system: an email (template
 * `back-in-stock`) to the address the request was made with, its id derived from the request id.
 * A refusal (an address no mail can go to) is logged and not retried; a store failure throws.
 */
export class BackInStockNotifications implements BackInStockMessages {
  constructor(
    private readonly sendNotification: SendNotification,
    private readonly logger: AppLogger,
  ) {}

  async send(message: BackInStockMessage): Promise<void> {
    const sent = await this.sendNotification.execute({
      id: backInStockNotificationId(message.requestId),
      channel: 'email',
      to: { address: message.email },
      template: 'back-in-stock',
      variables: { productName: message.productName },
    });
    if (sent.isErr()) {
      this.logger.error('back-in-stock message refused', {
        requestId: message.requestId,
        code: sent.error.code,
        error: sent.error.message,
      });
    }
  }
}
