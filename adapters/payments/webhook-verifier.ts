import Stripe from 'stripe';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { GatewayEvent, WebhookVerifier } from '../../application/payments/ports.js';

/** Stripe's default: signatures older than 5 minutes are stale (replays refused). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const invalid = (reason: string): DomainError =>
  domainError('WEBHOOK_SIGNATURE_INVALID', 'Invalid webhook signature', { reason });

/**
 * Verifies `Stripe-Signature` over the raw body with the official SDK's
 * `webhooks.constructEvent` (no API key needed), whichever gateway is active.
 */
export class StripeWebhookVerifier implements WebhookVerifier {
  private readonly stripe = new Stripe('sk_test_unused');

  constructor(
    private readonly secret: string,
    private readonly toleranceSeconds: number = WEBHOOK_TOLERANCE_SECONDS,
  ) {}

  verify(rawBody: string, signatureHeader: string | undefined): Result<GatewayEvent, DomainError> {
    if (!signatureHeader) return Err(invalid('missing Stripe-Signature header'));
    let event: { id?: unknown; type?: unknown; created?: unknown; data?: { object?: unknown } };
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signatureHeader,
        this.secret,
        this.toleranceSeconds,
      ) as never;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return Err(invalid(/timestamp outside the tolerance/i.test(message) ? 'stale' : 'mismatch'));
    }
    const object = event.data?.object;
    if (
      typeof event.id !== 'string' ||
      typeof event.type !== 'string' ||
      typeof object !== 'object' ||
      !object
    ) {
      return Err(domainError('VALIDATION_FAILED', 'Malformed webhook event'));
    }
    return Ok({
      id: event.id,
      type: event.type,
      created: typeof event.created === 'number' ? event.created : 0,
      object: object as Record<string, unknown>,
    });
  }
}
