import type { PushSubscription, PushSubscriptionStore } from '../../../application/notifications/channels.js';
import type { MemoryDatabase } from './memory-database.js';

interface Row {
  readonly userId: string;
  readonly subscription: PushSubscription;
  readonly savedAt: Date;
}

/** Push subscriptions keyed by endpoint: a browser's endpoint belongs to the user who saved it last. */
export class MemoryPushSubscriptionStore implements PushSubscriptionStore {
  private readonly rows: Map<string, Row>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<Row>('notifications.push_subscriptions');
  }

  async save(userId: string, subscription: PushSubscription, at: Date): Promise<void> {
    const copy: PushSubscription = {
      endpoint: subscription.endpoint,
      keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
    };
    this.rows.set(subscription.endpoint, { userId, subscription: copy, savedAt: at });
  }

  async listByUser(userId: string): Promise<readonly PushSubscription[]> {
    return [...this.rows.values()]
      .filter((r) => r.userId === userId)
      .sort((a, b) => a.savedAt.getTime() - b.savedAt.getTime())
      .map((r) => r.subscription);
  }

  async remove(userId: string, endpoint: string): Promise<void> {
    if (this.rows.get(endpoint)?.userId === userId) this.rows.delete(endpoint);
  }
}
