import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { AppLogger } from '../../application/shared/ports.js';
import { PermanentJobError } from '../../application/shared/job-queue.js';
import {
  PushSubscriptionGone,
  type PushMessage,
  type PushSender,
  type PushSubscription,
} from '../../application/notifications/channels.js';
import { PUSH_SERVICE_HOSTS, pushSubscriptionProblem } from '../../domain/notifications/push-subscription.js';

export interface WebPushOptions {
  /** The VAPID key pair (base64url, as `web-push generate-vapid-keys` prints it). */
  readonly publicKey: string;
  readonly privateKey: string;
  /** A `mailto:` or `https:` contact the push services can reach the shop at. */
  readonly subject: string;
  /** How long the push service keeps an undelivered message (seconds). */
  readonly ttlSeconds?: number;
  readonly timeoutMs?: number;
  /** The HTTPS agent for the push services (tests trust their local service's certificate with it). */
  readonly agent?: Agent;
  /** Push service hosts sent to (PUSH_ENDPOINT_HOSTS); default PUSH_SERVICE_HOSTS. */
  readonly endpointHosts?: readonly string[];
}

/**
 * Sends Web Push messages (RFC 8030) with the `web-push` library: the payload `{title, body, url}`
 * as JSON, encrypted for the subscription (RFC 8291, aes128gcm) and signed with the shop's VAPID
 * key (RFC 8292). Selected by VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT.
 *
 * The push service answering 404 or 410 rejects with `PushSubscriptionGone` (drop the
 * subscription); another 4xx but 408/429, or a subscription that cannot be encrypted for (keys of
 * the wrong size, a non-https endpoint), with a PermanentJobError; 408, 429, 5xx, network failures
 * and timeouts reject plainly (retried). Logs the endpoint's
 * origin only: the rest of an endpoint is a capability to push to that browser.
 */
export class WebPushSender implements PushSender {
  constructor(
    private readonly options: WebPushOptions,
    private readonly logger: AppLogger,
  ) {}

  async send(subscription: PushSubscription, message: PushMessage): Promise<void> {
    const payload = JSON.stringify({
      title: message.title,
      body: message.body,
      ...(message.url !== undefined ? { url: message.url } : {}),
    });
    const unusable = unusableSubscription(subscription, this.options.endpointHosts ?? PUSH_SERVICE_HOSTS);
    if (unusable) throw new PermanentJobError(`cannot send to this subscription: ${unusable}`);
    let result: webpush.SendResult;
    try {
      result = await webpush.sendNotification(
        { endpoint: subscription.endpoint, keys: { ...subscription.keys } },
        payload,
        {
          vapidDetails: {
            subject: this.options.subject,
            publicKey: this.options.publicKey,
            privateKey: this.options.privateKey,
          },
          TTL: this.options.ttlSeconds ?? 24 * 3600,
          contentEncoding: 'aes128gcm',
          timeout: this.options.timeoutMs ?? 15_000,
          ...(this.options.agent ? { agent: this.options.agent } : {}),
        },
      );
    } catch (error) {
      throw classify(subscription.endpoint, error);
    }
    this.logger.info('push message sent', {
      endpoint: originOf(subscription.endpoint),
      status: result.statusCode,
    });
  }
}

function classify(endpoint: string, error: unknown): Error {
  if (error instanceof webpush.WebPushError) {
    const status = error.statusCode;
    if (status === 404 || status === 410) return new PushSubscriptionGone(endpoint, status);
    const text = `the push service ${originOf(endpoint)} answered ${status}: ${error.body.slice(0, 200)}`;
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) return new PermanentJobError(text);
    return new Error(text);
  }
  // A network failure or a socket timeout: retried.
  return error instanceof Error ? error : new Error(String(error));
}

/** Why the library could not encrypt for or reach this subscription (checked before sending). */
export function unusableSubscription(
  subscription: PushSubscription,
  endpointHosts: readonly string[],
): string | undefined {
  const problem = pushSubscriptionProblem(subscription, endpointHosts);
  return problem ? `${problem.field} ${problem.message}` : undefined;
}

function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return '<invalid endpoint>';
  }
}
