import Stripe from 'stripe';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { GatewayEvent, WebhookVerifier } from '../../application/payments/ports.js';

/**
 * Stripe's default: signatures older than 5 minutes are stale (replays refused). The tolerance
 * applies both ways: a signature dated more than this in the future is refused too (the SDK only
 * checks the past), so a signature minted ahead of time cannot be replayed for as long as it
 * stays "recent".
 */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const invalid = (reason: string): DomainError =>
  domainError('WEBHOOK_SIGNATURE_INVALID', 'Invalid webhook signature', { reason });

/**
 * Verifies `Stripe-Signature` over the raw body with the official SDK's
 * `webhooks.constructEvent` (no API key needed), whichever gateway is active; then refuses
 * timestamps beyond the tolerance in the future. `nowMs` is the clock both checks use.
 */
export class StripeWebhookVerifier implements WebhookVerifier {
  private readonly stripe = new Stripe('sk_test_unused');

  constructor(
    private readonly secret: string,
    private readonly toleranceSeconds: number = WEBHOOK_TOLERANCE_SECONDS,
    private readonly nowMs: () => number = Date.now,
  ) {}

  verify(rawBody: string, signatureHeader: string | undefined): Result<GatewayEvent, DomainError> {
    if (!signatureHeader) return Err(invalid('missing Stripe-Signature header'));
    let event: { id?: unknown; type?: unknown; created?: unknown; data?: { object?: unknown } };
    const now = this.nowMs();
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signatureHeader,
        this.secret,
        this.toleranceSeconds,
        undefined,
        now,
      ) as never;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return Err(invalid(/timestamp outside the tolerance/i.test(message) ? 'stale' : 'mismatch'));
    }
    // The signature is genuine here, so the header has exactly the timestamp it was signed with.
    const timestamp = signedTimestamp(signatureHeader);
    if (timestamp === null) return Err(invalid('mismatch'));
    if (timestamp - Math.floor(now / 1000) > this.toleranceSeconds) return Err(invalid('future'));
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

/**
 * The timestamp the SDK verified: the `t=` element of the header, parsed as the SDK parses it
 * (`key=value` split on `=`, `parseInt`). Null when absent, unparsable or repeated (the SDK keeps
 * the last of several, so reading another one could miss a signature dated in the future).
 */
function signedTimestamp(header: string): number | null {
  const values = header
    .split(',')
    .map((item) => item.split('='))
    .filter((kv) => kv[0] === 't')
    .map((kv) => Number.parseInt(kv[1] ?? '', 10));
  if (values.length !== 1 || !Number.isSafeInteger(values[0])) return null;
  return values[0]!;
}
