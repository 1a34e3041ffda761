import type { AppLogger } from '../../application/shared/ports.js';
import type { PushMessage, PushSender, PushSubscription } from '../../application/notifications/channels.js';

/**
 * The embedded default push channel (no VAPID keys configured): logs each message's endpoint
 * origin and title, keeps nothing and never fails. The endpoint's path (the subscription's
 * capability URL) and the body are not logged.
 */
export class LogPushSender implements PushSender {
  constructor(private readonly logger: AppLogger) {}

  send(subscription: PushSubscription, message: PushMessage): Promise<void> {
    this.logger.info('push message logged (no push service configured)', {
      endpoint: originOf(subscription.endpoint),
      title: message.title,
    });
    return Promise.resolve();
  }
}

function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return '<invalid endpoint>';
  }
}
