import { token } from '../shared/token.js';
import { PermanentJobError } from '../shared/job-queue.js';

/**
 * The notification channels beside mail (application/shared/mail.ts): SMS and Web Push. Each is
 * a port with a log/outbox adapter on the embedded default and a real provider selected by env
 * (Twilio, Web Push with VAPID keys). A sender rejects when delivery failed; it rejects with a
 * `PermanentJobError` (application/shared/job-queue.ts) when retrying cannot help (a number the
 * provider refuses, a push subscription the push service says is gone).
 */

export interface SmsMessage {
  /** E.164 or the shop's phone format (domain/identity PHONE_PATTERN); adapters normalize. */
  readonly to: string;
  readonly body: string;
}

export interface SmsReceipt {
  /** The provider's message id (Twilio's `sid`), when it gives one. */
  readonly providerId?: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<SmsReceipt>;
}
export const SMS_SENDER = token<SmsSender>('SmsSender');

/** A browser's push subscription (the Push API's `PushSubscription.toJSON()`). */
export interface PushSubscription {
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

export interface PushMessage {
  readonly title: string;
  readonly body: string;
  /** Where a click on the notification leads. */
  readonly url?: string;
}

export interface PushSender {
  send(subscription: PushSubscription, message: PushMessage): Promise<void>;
}
export const PUSH_SENDER = token<PushSender>('PushSender');

/**
 * The push service answered 404 or 410: this subscription no longer exists (the browser
 * unsubscribed or it expired). Retrying cannot help; the caller should remove it from the
 * PushSubscriptionStore.
 */
export class PushSubscriptionGone extends PermanentJobError {
  override readonly name: string = 'PushSubscriptionGone';
  constructor(
    readonly endpoint: string,
    readonly status: number,
  ) {
    super(`the push service answered ${status}: the subscription is gone`);
  }
}

/** The push subscriptions each user's browsers registered (one user, several devices). */
export interface PushSubscriptionStore {
  /** Adds or refreshes (same endpoint) a subscription of the user. */
  save(userId: string, subscription: PushSubscription, at: Date): Promise<void>;
  listByUser(userId: string): Promise<readonly PushSubscription[]>;
  /** Removes a subscription (the user unsubscribed, or the push service said it is gone). */
  remove(userId: string, endpoint: string): Promise<void>;
}
export const PUSH_SUBSCRIPTION_STORE = token<PushSubscriptionStore>('PushSubscriptionStore');
