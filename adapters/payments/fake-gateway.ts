import { randomBytes } from 'node:crypto';
import type { Money } from '../../domain/shared/money.js';
import type {
  GatewayIntent,
  GatewayRefund,
  PaymentGateway,
  SavedPaymentMethod,
} from '../../application/payments/ports.js';

/**
 * The embedded default's gateway (development and tests only: production refuses to bind it):
 * Stripe's payment-intent model in memory, understanding Stripe's test payment-method ids:
 * - `pm_card_visa` (and `pm_card_mastercard`, `pm_card_amex`, and methods saved here) succeed;
 * - `pm_card_chargeDeclined` -> `generic_decline`, `pm_card_chargeDeclinedInsufficientFunds` ->
 *   `insufficient_funds` (Stripe's decline codes; the intent goes back to requires_payment_method,
 *   as Stripe's does); they cannot be saved either (`card_declined`, as Stripe's card check);
 * - `pm_card_authenticationRequired` -> requires_action;
 * - anything else is thrown: `resource_missing`.
 * Refusals are thrown as FakeGatewayError with Stripe's error code. Every mutating call honours its
 * idempotency key as Stripe does: the same key with the same parameters answers the first result,
 * with other parameters (or for another call) it is refused (`idempotency_error`). An intent is
 * captured at most once; confirming a succeeded intent again is refused
 * (`payment_intent_unexpected_state`). The held-to-one-truth behaviours are in
 * test/contract/payments/payment-gateway.contract.ts, run against this and the Stripe adapter.
 * Ids are random like Stripe's (`pm_` + 24 base62 characters), never counters: a saved method's
 * id is not guessable from one's own. Every method body runs without awaiting, so concurrent
 * calls are serialised.
 */
const CARDS: Readonly<Record<string, { brand: string; last4: string }>> = {
  pm_card_visa: { brand: 'visa', last4: '4242' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444' },
  pm_card_amex: { brand: 'amex', last4: '8431' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002' },
  pm_card_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184' },
};

const DECLINES: Readonly<Record<string, { code: string; message: string }>> = {
  pm_card_chargeDeclined: { code: 'generic_decline', message: 'Your card was declined.' },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
};

export class FakeGatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FakeGatewayError';
  }
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `<prefix>_` + `length` random base62 characters (rejection sampling: no modulo bias). */
export function randomGatewayId(prefix: string, length = 24): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return `${prefix}_${out}`;
}

export class FakePaymentGateway implements PaymentGateway {
  readonly name = 'fake';
  private readonly intents = new Map<string, GatewayIntent>();
  private readonly refunded = new Map<string, Money>();
  private readonly captures = new Map<string, number>();
  private readonly customers = new Map<string, string>();
  private readonly customerIds = new Set<string>();
  private readonly methods = new Map<string, SavedPaymentMethod[]>();
  /** Saved method id -> the customer it is saved to. */
  private readonly savedMethods = new Map<string, string>();
  private readonly idempotent = new Map<string, { fingerprint: string; result: unknown }>();

  private next(prefix: string): string {
    return randomGatewayId(prefix);
  }

  private secretFor(id: string): string {
    return `${id}_secret_${randomGatewayId('s').slice(2)}`;
  }

  /**
   * The same key with the same call and parameters answers the first result (a retried call never
   * acts twice); with another call or other parameters it is refused, as Stripe refuses it.
   */
  private once<T>(scope: string, input: { readonly idempotencyKey: string }, work: () => T): T {
    const fingerprint = `${scope} ${JSON.stringify(input)}`;
    const previous = this.idempotent.get(input.idempotencyKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new FakeGatewayError(
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with (key '${input.idempotencyKey}')`,
        );
      }
      return previous.result as T;
    }
    const result = work();
    this.idempotent.set(input.idempotencyKey, { fingerprint, result });
    return result;
  }

  private customer(customerId: string): void {
    if (!this.customerIds.has(customerId))
      throw new FakeGatewayError('resource_missing', `No such customer: '${customerId}'`);
  }

  /** How many times the intent was captured (tests: exactly once). */
  captureCount(intentId: string): number {
    return this.captures.get(intentId) ?? 0;
  }

  async createIntent(input: {
    readonly orderId: string;
    readonly amount: Money;
    readonly currency: string;
    readonly customerId?: string;
    readonly idempotencyKey: string;
  }): Promise<GatewayIntent> {
    return this.once('intent', input, () => {
      if (!Number.isSafeInteger(input.amount) || input.amount < 1) {
        throw new FakeGatewayError('amount_too_small', 'Amount must be at least 1');
      }
      if (input.customerId !== undefined) this.customer(input.customerId);
      const id = this.next('pi');
      const intent: GatewayIntent = {
        id,
        clientSecret: this.secretFor(id),
        amount: input.amount,
        currency: input.currency.toLowerCase(),
        status: 'requires_payment_method',
        orderId: input.orderId,
        ...(input.customerId !== undefined ? { customerId: input.customerId } : {}),
      };
      this.intents.set(id, intent);
      return intent;
    });
  }

  async confirmIntent(input: {
    readonly intentId: string;
    readonly paymentMethod: string;
    readonly idempotencyKey: string;
  }): Promise<GatewayIntent> {
    return this.once('confirm', input, () => {
      const intent = this.intents.get(input.intentId);
      if (!intent)
        throw new FakeGatewayError('resource_missing', `No such payment_intent: '${input.intentId}'`);
      if (intent.status === 'succeeded' || intent.status === 'canceled') {
        throw new FakeGatewayError(
          'payment_intent_unexpected_state',
          `This PaymentIntent's status is ${intent.status}, so it cannot be confirmed.`,
        );
      }
      const pm = input.paymentMethod;
      const owner = this.savedMethods.get(pm);
      if (!CARDS[pm] && owner === undefined)
        throw new FakeGatewayError('resource_missing', `No such PaymentMethod: '${pm}'`);
      if (owner !== undefined && intent.customerId !== undefined && owner !== intent.customerId) {
        throw new FakeGatewayError(
          'parameter_invalid',
          `The PaymentMethod ${pm} does not belong to the Customer you supplied ${intent.customerId}.`,
        );
      }
      const { failure: _previous, ...rest } = intent;
      let next: GatewayIntent;
      const decline = DECLINES[pm];
      if (decline) {
        next = { ...rest, status: 'requires_payment_method', failure: decline };
      } else if (pm === 'pm_card_authenticationRequired') {
        next = { ...rest, status: 'requires_action' };
      } else {
        this.captures.set(intent.id, this.captureCount(intent.id) + 1);
        next = { ...rest, status: 'succeeded', chargeId: this.next('ch') };
      }
      this.intents.set(intent.id, next);
      return next;
    });
  }

  async retrieveIntent(intentId: string): Promise<GatewayIntent | null> {
    return this.intents.get(intentId) ?? null;
  }

  async refund(input: {
    readonly intentId: string;
    readonly amount: Money;
    readonly idempotencyKey: string;
  }): Promise<GatewayRefund> {
    return this.once('refund', input, () => {
      const intent = this.intents.get(input.intentId);
      if (!intent)
        throw new FakeGatewayError('resource_missing', `No such payment_intent: '${input.intentId}'`);
      if (intent.status !== 'succeeded') {
        throw new FakeGatewayError('charge_not_captured', 'This PaymentIntent has no successful charge');
      }
      const already = this.refunded.get(intent.id) ?? 0;
      if (already >= intent.amount) {
        throw new FakeGatewayError(
          'charge_already_refunded',
          `Charge ${intent.chargeId} has already been refunded.`,
        );
      }
      if (!Number.isSafeInteger(input.amount) || input.amount < 1 || already + input.amount > intent.amount) {
        throw new FakeGatewayError('amount_too_large', 'Refund amount is greater than the unrefunded amount');
      }
      this.refunded.set(intent.id, already + input.amount);
      return { id: this.next('re'), intentId: intent.id, amount: input.amount, status: 'succeeded' as const };
    });
  }

  /** What the intent's charge has had refunded so far (Stripe's `amount_refunded`). */
  refundedTotal(intentId: string): Money {
    return this.refunded.get(intentId) ?? 0;
  }

  async ensureCustomer(input: {
    readonly userId: string;
    readonly email: string;
    readonly name: string;
  }): Promise<string> {
    let id = this.customers.get(input.userId);
    if (!id) {
      id = this.next('cus');
      this.customers.set(input.userId, id);
      this.customerIds.add(id);
    }
    return id;
  }

  async listPaymentMethods(customerId: string): Promise<SavedPaymentMethod[]> {
    this.customer(customerId);
    // Newest first, as Stripe lists them.
    return [...(this.methods.get(customerId) ?? [])].reverse();
  }

  async attachPaymentMethod(input: {
    readonly customerId: string;
    readonly paymentMethod: string;
    readonly idempotencyKey: string;
  }): Promise<SavedPaymentMethod> {
    return this.once('attach', input, () => {
      this.customer(input.customerId);
      const owner = this.savedMethods.get(input.paymentMethod);
      if (owner !== undefined) {
        if (owner !== input.customerId) {
          throw new FakeGatewayError(
            'payment_method_unexpected_state',
            'The payment method you provided has already been attached to a customer.',
          );
        }
        return this.methods.get(owner)!.find((m) => m.id === input.paymentMethod)!;
      }
      const card = CARDS[input.paymentMethod];
      if (!card) {
        throw new FakeGatewayError('resource_missing', `No such PaymentMethod: '${input.paymentMethod}'`);
      }
      if (DECLINES[input.paymentMethod])
        throw new FakeGatewayError('card_declined', 'Your card was declined.');
      const saved: SavedPaymentMethod = { id: this.next('pm'), ...card, expMonth: 12, expYear: 2034 };
      this.methods.set(input.customerId, [...(this.methods.get(input.customerId) ?? []), saved]);
      this.savedMethods.set(saved.id, input.customerId);
      return saved;
    });
  }

  async findPaymentMethod(paymentMethod: string): Promise<{ readonly customerId: string | null } | null> {
    const owner = this.savedMethods.get(paymentMethod);
    if (owner !== undefined) return { customerId: owner };
    return CARDS[paymentMethod] ? { customerId: null } : null;
  }

  async createSetupIntent(input: { readonly customerId: string; readonly idempotencyKey: string }): Promise<{
    readonly id: string;
    readonly clientSecret: string;
  }> {
    return this.once('setup', input, () => {
      this.customer(input.customerId);
      const id = this.next('seti');
      return { id, clientSecret: this.secretFor(id) };
    });
  }
}
