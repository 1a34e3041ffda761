import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { PushSubscription, PushSubscriptionStore } from '../../../application/notifications/channels.js';

interface PushSubscriptionDoc {
  /** sha256 of the endpoint: one document per browser subscription, whoever saved it last. */
  _id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  savedAt: Date;
}

const schema = new Schema<PushSubscriptionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    endpoint: { type: String, required: true },
    p256dh: { type: String, required: true },
    auth: { type: String, required: true },
    savedAt: { type: Date, required: true },
  },
  { collection: 'push_subscriptions', versionKey: false, timestamps: false },
);
schema.index({ userId: 1, savedAt: 1 });

function model(connection: Connection): Model<PushSubscriptionDoc> {
  return (connection.models.PushSubscription ??
    connection.model('PushSubscription', schema)) as unknown as Model<PushSubscriptionDoc>;
}

const idOf = (endpoint: string): string => createHash('sha256').update(endpoint).digest('hex');

/**
 * Push subscriptions on MongoDB: each save is one single-document upsert (retried when a parallel
 * first save of the same endpoint won the insert) keyed by the endpoint's
 * hash (endpoints can be long), so saving again refreshes the keys or moves the browser to the
 * user who signed in on it last; a remove only deletes a subscription of that user.
 */
export class MongoPushSubscriptionStore implements PushSubscriptionStore {
  private readonly model: Model<PushSubscriptionDoc>;

  constructor(connection: Connection) {
    this.model = model(connection);
  }

  async save(userId: string, subscription: PushSubscription, at: Date): Promise<void> {
    const _id = idOf(subscription.endpoint);
    const doc = {
      userId,
      endpoint: subscription.endpoint,
      p256dh: subscription.keys.p256dh,
      auth: subscription.keys.auth,
      savedAt: at,
    };
    // Two upserts of a new endpoint at once: one inserts, the other hits the duplicate key; its
    // retry then finds the document and replaces it (single-document, no transaction).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.model.collection.replaceOne({ _id: _id as never }, doc, { upsert: true });
        return;
      } catch (error) {
        if ((error as { code?: number }).code !== 11000 || attempt >= 5) throw error;
      }
    }
  }

  async listByUser(userId: string): Promise<readonly PushSubscription[]> {
    const docs = await this.model.find({ userId }).sort({ savedAt: 1, _id: 1 }).lean<PushSubscriptionDoc[]>();
    return docs.map((d) => ({ endpoint: d.endpoint, keys: { p256dh: d.p256dh, auth: d.auth } }));
  }

  async remove(userId: string, endpoint: string): Promise<void> {
    await this.model.collection.deleteOne({ _id: idOf(endpoint) as never, userId });
  }
}
