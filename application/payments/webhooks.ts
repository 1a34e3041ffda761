import { Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { AppLogger, Clock } from '../shared/ports.js';
import { ForgetOlderRecords } from '../shared/retention.js';
import type { GatewayEvent, PaymentRepository, ProcessedEventStore, WebhookVerifier } from './ports.js';
import type { PaymentSettlement } from './settlement.js';

/** The event types applied; any other verified event is acknowledged and ignored. */
export const HANDLED_WEBHOOK_EVENTS = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
] as const;

export interface WebhookOutcome {
  readonly eventId: string;
  readonly type: string;
  /** `processed`, `duplicate` (already taken), `ignored` (type not handled / unknown intent). */
  readonly outcome: 'processed' | 'duplicate' | 'ignored';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;

/**
 * POST /payments/webhook: verifies the signature over the raw body, claims the event id BEFORE
 * applying it (insert wins: duplicated or concurrent deliveries are no-ops), and applies it
 * idempotently so events in any order leave the right state. A failure while applying releases
 * the claim, so the gateway's retry processes it again.
 */
export class HandlePaymentWebhook {
  constructor(
    private readonly verifier: WebhookVerifier,
    private readonly processed: ProcessedEventStore,
    private readonly payments: PaymentRepository,
    private readonly settlement: PaymentSettlement,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  async execute(input: {
    readonly rawBody: string;
    readonly signature: string | undefined;
  }): Promise<Result<WebhookOutcome, DomainError>> {
    const verified = this.verifier.verify(input.rawBody, input.signature);
    if (verified.isErr()) return verified;
    const event = verified.value;
    const base = { eventId: event.id, type: event.type };
    if (!(HANDLED_WEBHOOK_EVENTS as readonly string[]).includes(event.type)) {
      return Ok({ ...base, outcome: 'ignored' });
    }
    if (!(await this.processed.claim(event.id, event.type, this.clock.now()))) {
      return Ok({ ...base, outcome: 'duplicate' });
    }
    try {
      const applied = await this.apply(event);
      if (applied.isErr()) {
        await this.processed.release(event.id);
        return applied;
      }
      return Ok({ ...base, outcome: applied.value ? 'processed' : 'ignored' });
    } catch (error) {
      await this.processed.release(event.id);
      throw error;
    }
  }

  private async apply(event: GatewayEvent): Promise<Result<boolean, DomainError>> {
    const o = event.object;
    const intentId = event.type === 'charge.refunded' ? str(o.payment_intent) : str(o.id);
    const record = intentId !== undefined ? await this.payments.findByIntentId(intentId) : null;
    if (!record) {
      this.logger.warn('webhook for an unknown payment intent', { eventId: event.id, type: event.type });
      return Ok(false);
    }
    switch (event.type) {
      case 'payment_intent.succeeded': {
        const received = int(o.amount_received) ?? int(o.amount);
        if (received !== undefined && received < record.amount) {
          this.logger.warn('webhook capture below the order total ignored', { eventId: event.id });
          return Ok(false);
        }
        const charge = str(o.latest_charge);
        const r = await this.settlement.succeeded(record, {
          eventId: event.id,
          ...(charge !== undefined ? { gatewayPaymentId: charge } : {}),
        });
        return r.isErr() ? r : Ok(true);
      }
      case 'payment_intent.payment_failed': {
        const error = (o.last_payment_error ?? {}) as Record<string, unknown>;
        const code = str(error.decline_code) ?? str(error.code) ?? 'payment_failed';
        const r = await this.settlement.failed(record, { code, eventId: event.id });
        return r.isErr() ? r : Ok(true);
      }
      default: {
        const refundedTotal = int(o.amount_refunded);
        if (refundedTotal === undefined) return Ok(false);
        const r = await this.settlement.refundedTotal(record, { refundedTotal, eventId: event.id });
        return r.isErr() ? r : Ok(true);
      }
    }
  }
}

/**
 * Keeps the record of taken webhook events bounded: a claim older than `retentionMs` is
 * forgotten. The record guards against the gateway delivering an event again, which it does only
 * while retrying (Stripe: up to 3 days; a delivery's signature is dated within 5 minutes of its
 * sending), far shorter than the retention.
 */
export class ForgetProcessedWebhookEvents extends ForgetOlderRecords {
  protected readonly forgottenMessage = 'processed webhook events forgotten';
}
