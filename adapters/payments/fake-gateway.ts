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
 * - `pm_card_chargeDeclined` -> `card_declined`, `pm_card_chargeDeclinedInsufficientFunds` ->
 *   `insufficient_funds` (the intent goes back to requires_payment_method, as Stripe's does);
 * - `pm_card_authenticationRequired` -> requires_action;
 * - anything else -> `resource_missing`.
 * Every mutating call honours its idempotency key: the same key answers the first result. An
 * intent is captured at most once; confirming a succeeded intent answers it unchanged.
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
  pm_card_chargeDeclined: { code: 'card_declined', message: 'Your card was declined.' },
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
  private readonly methods = new Map<string, SavedPaymentMethod[]>();
  /** Saved method id -> the customer it is saved to. */
  private readonly savedMethods = new Map<string, string>();
  private readonly idempotent = new Map<string, unknown>();

  private next(prefix: string): string {
    return randomGatewayId(prefix);
  }

  private secretFor(id: string): string {
    return `${id}_secret_${randomGatewayId('s').slice(2)}`;
  }

  /** The same key answers the first result (a retried call never acts twice). */
  private once<T>(scope: string, key: string, work: () => T): T {
    const k = `${scope}:${key}`;
    if (this.idempotent.has(k)) return this.idempotent.get(k) as T;
    const result = work();
    this.idempotent.set(k, result);
    return result;
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
    return this.once('intent', input.idempotencyKey, () => {
      if (!Number.isSafeInteger(input.amount) || input.amount < 1) {
        throw new FakeGatewayError('amount_too_small', 'Amount must be at least 1');
      }
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
    return this.once('confirm', input.idempotencyKey, () => {
      const intent = this.intents.get(input.intentId);
      if (!intent)
        throw new FakeGatewayError('resource_missing', `No such payment_intent: ${input.intentId}`);
      if (intent.status === 'succeeded' || intent.status === 'canceled') return intent;
      const { failure: _previous, ...rest } = intent;
      const pm = input.paymentMethod;
      let next: GatewayIntent;
      const decline = DECLINES[pm];
      if (decline) {
        next = { ...rest, status: 'requires_payment_method', failure: decline };
      } else if (pm === 'pm_card_authenticationRequired') {
        next = { ...rest, status: 'requires_action' };
      } else if (CARDS[pm] || this.savedMethods.has(pm)) {
        this.captures.set(intent.id, this.captureCount(intent.id) + 1);
        next = { ...rest, status: 'succeeded', chargeId: this.next('ch') };
      } else {
        next = {
          ...rest,
          status: 'requires_payment_method',
          failure: { code: 'resource_missing', message: `No such PaymentMethod: '${pm}'` },
        };
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
    return this.once('refund', input.idempotencyKey, () => {
      const intent = this.intents.get(input.intentId);
      if (!intent)
        throw new FakeGatewayError('resource_missing', `No such payment_intent: ${input.intentId}`);
      if (intent.status !== 'succeeded') {
        throw new FakeGatewayError('charge_not_captured', 'This PaymentIntent has no successful charge');
      }
      const already = this.refunded.get(intent.id) ?? 0;
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
    }
    return id;
  }

  async listPaymentMethods(customerId: string): Promise<SavedPaymentMethod[]> {
    return [...(this.methods.get(customerId) ?? [])];
  }

  async attachPaymentMethod(input: {
    readonly customerId: string;
    readonly paymentMethod: string;
    readonly idempotencyKey: string;
  }): Promise<SavedPaymentMethod> {
    return this.once('attach', input.idempotencyKey, () => {
      const card = CARDS[input.paymentMethod];
      if (!card || DECLINES[input.paymentMethod]) {
        throw new FakeGatewayError('resource_missing', `No such PaymentMethod: '${input.paymentMethod}'`);
      }
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
    return this.once('setup', input.idempotencyKey, () => {
      const id = this.next('seti');
      return { id, clientSecret: this.secretFor(id) };
    });
  }
}
