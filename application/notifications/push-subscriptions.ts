import { pushSubscriptionProblem } from '../../domain/notifications/push-subscription.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { Clock } from '../shared/ports.js';
import { token } from '../shared/token.js';
import type { PushSubscription, PushSubscriptionStore } from './channels.js';

/** What the push routes need to know of the deployment. */
export interface PushSettings {
  /** The VAPID public key browsers subscribe with (base64url); null when Web Push is not configured. */
  readonly vapidPublicKey: string | null;
  /** The push services subscriptions may point at (PUSH_ENDPOINT_HOSTS). */
  readonly endpointHosts: readonly string[];
}
export const PUSH_SETTINGS = token<PushSettings>('PushSettings');

/**
 * A user keeps this many browsers subscribed; subscribing one more drops the one saved longest
 * ago, so a signed-in client cannot grow the store without bound.
 */
export const MAX_PUSH_SUBSCRIPTIONS_PER_USER = 10;

/** GET /notifications/push/public-key: the key a browser passes to `pushManager.subscribe()`. */
export class GetPushPublicKey {
  constructor(private readonly settings: PushSettings) {}

  execute(): Result<{ publicKey: string }, DomainError> {
    const publicKey = this.settings.vapidPublicKey;
    if (publicKey === null) {
      return Err(domainError('PUSH_NOT_CONFIGURED', 'Web Push is not configured on this deployment'));
    }
    return Ok({ publicKey });
  }
}

/**
 * POST /notifications/push/subscriptions: saves the signed-in user's browser subscription (the
 * same endpoint again refreshes its keys; an endpoint another user saved moves to this one: the
 * browser is now theirs). Refused, naming the field, when it could never be sent to.
 */
export class SubscribeToPush {
  constructor(
    private readonly store: PushSubscriptionStore,
    private readonly clock: Clock,
    private readonly settings: PushSettings,
  ) {}

  async execute(input: {
    userId: string;
    subscription: PushSubscription;
  }): Promise<Result<PushSubscription, DomainError>> {
    const problem = pushSubscriptionProblem(input.subscription, this.settings.endpointHosts);
    if (problem) {
      return Err(
        domainError('VALIDATION_FAILED', `${problem.field} ${problem.message}`, {
          errors: [{ field: problem.field, message: problem.message }],
        }),
      );
    }
    const subscription: PushSubscription = {
      endpoint: input.subscription.endpoint,
      keys: { p256dh: input.subscription.keys.p256dh, auth: input.subscription.keys.auth },
    };
    await this.store.save(input.userId, subscription, this.clock.now());
    const mine = await this.store.listByUser(input.userId);
    const excess = mine.length - MAX_PUSH_SUBSCRIPTIONS_PER_USER;
    if (excess > 0) {
      // listByUser is oldest first: drop the oldest others, never the one just saved.
      const oldest = mine.filter((s) => s.endpoint !== subscription.endpoint).slice(0, excess);
      for (const old of oldest) await this.store.remove(input.userId, old.endpoint);
    }
    return Ok(subscription);
  }
}

/**
 * DELETE /notifications/push/subscriptions: removes the user's subscription of that endpoint.
 * Idempotent: an unknown endpoint, or one another user saved (left untouched), answers the same.
 */
export class UnsubscribeFromPush {
  constructor(private readonly store: PushSubscriptionStore) {}

  async execute(input: { userId: string; endpoint: string }): Promise<Result<void, DomainError>> {
    await this.store.remove(input.userId, input.endpoint);
    return Ok(undefined);
  }
}
