import { createHmac, timingSafeEqual } from 'node:crypto';
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
 * Verifies `Stripe-Signature` over the raw body with Stripe's documented scheme, whichever gateway
 * is active: the header is `t=<unix seconds>,v1=<hex>[,v1=<hex>...]` (other schemes ignored), and
 * a `v1` must equal HMAC-SHA256 under the endpoint secret of `${t}.${rawBody}` (compared in
 * constant time; any of several `v1` may match, as during a secret roll). Then the timestamp must
 * be within the tolerance of `nowMs` both ways. node:crypto only: the Stripe SDK (218 ESM modules)
 * is loaded only when STRIPE_SECRET_KEY selects the Stripe gateway, and the tests check this
 * verifier against the SDK's own test headers.
 */
export class StripeWebhookVerifier implements WebhookVerifier {
  constructor(
    private readonly secret: string,
    private readonly toleranceSeconds: number = WEBHOOK_TOLERANCE_SECONDS,
    private readonly nowMs: () => number = Date.now,
  ) {}

  verify(rawBody: string, signatureHeader: string | undefined): Result<GatewayEvent, DomainError> {
    if (!signatureHeader) return Err(invalid('missing Stripe-Signature header'));
    const parsed = parseSignatureHeader(signatureHeader);
    if (!rawBody || !parsed) return Err(invalid('mismatch'));
    const expected = createHmac('sha256', this.secret)
      .update(`${parsed.timestamp}.${rawBody}`, 'utf8')
      .digest();
    if (!parsed.signatures.some((signature) => sameDigest(expected, signature))) {
      return Err(invalid('mismatch'));
    }
    const age = Math.floor(this.nowMs() / 1000) - parsed.timestamp;
    if (this.toleranceSeconds > 0 && age > this.toleranceSeconds) return Err(invalid('stale'));
    if (-age > this.toleranceSeconds) return Err(invalid('future'));
    let event: {
      id?: unknown;
      type?: unknown;
      created?: unknown;
      object?: unknown;
      data?: { object?: unknown };
    };
    try {
      event = JSON.parse(rawBody) as typeof event;
    } catch {
      // Signed but not JSON: refused as the SDK refuses it (its constructEvent throws).
      return Err(invalid('mismatch'));
    }
    // `null`, arrays, numbers: signed JSON but no event (answered 400, never a crash).
    if (typeof event !== 'object' || event === null) {
      return Err(domainError('VALIDATION_FAILED', 'Malformed webhook event'));
    }
    const object = event.data?.object;
    if (
      typeof event.id !== 'string' ||
      typeof event.type !== 'string' ||
      event.object === 'v2.core.event' ||
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
 * `t=` and the `v1=` signatures of the header (`key=value` items split on `,`). Null when `t` is
 * absent, unparsable or repeated (the SDK keeps the last of several: refusing them all means no
 * reading of the header can pick a timestamp other than the one that was signed), or when no
 * `v1` is present.
 */
function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | null {
  const timestamps: string[] = [];
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at < 0) continue;
    const key = item.slice(0, at);
    const value = item.slice(at + 1);
    if (key === 't') timestamps.push(value);
    else if (key === 'v1') signatures.push(value);
  }
  if (timestamps.length !== 1 || !/^\d{1,15}$/.test(timestamps[0]!) || signatures.length === 0) {
    return null;
  }
  return { timestamp: Number(timestamps[0]), signatures };
}

/** A hex `v1` against the expected digest, in constant time for well-formed candidates. */
function sameDigest(expected: Buffer, hex: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}
